import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { hashPassword } from "@/server/auth/password";
import { connectionCard, linkInstitution, resetBankUser, signInAtBank } from "../portal/fixtures";
import { freshCode, linkIn, mailTo, waitForMail } from "../support/mail";
import { enterCode, expectSignedInAt, signIn } from "../support/pages";
import { e2eDb } from "../support/stack";

// People and mail, read from the stack's mail catcher as a person reads their inbox.

const suffix = () => randomBytes(4).toString("hex");

async function organizationWithOwner() {
  const s = suffix();
  const password = `owner-pass-${s}-long`;
  const email = `owner-${s}@people.example`;
  const org = await e2eDb().organization.create({ data: { slug: `people-${s}`, name: `People Test ${s}` } });
  await e2eDb().user.create({
    data: {
      email,
      name: "Olive Owner",
      passwordHash: await hashPassword(password),
      memberships: { create: { organizationId: org.id, role: "OWNER" } },
    },
  });
  return { org, email, password };
}

async function personWithPassword(role: "MEMBER" | null, staff: "SUPPORT" | null = null) {
  const s = suffix();
  const email = `person-${s}@people.example`;
  const password = `first-pass-${s}-long`;
  const org = role ? await e2eDb().organization.create({ data: { slug: `people-${s}`, name: `People ${s}` } }) : null;
  await e2eDb().user.create({
    data: {
      email,
      name: "Pat Person",
      passwordHash: await hashPassword(password),
      staffRole: staff,
      ...(org ? { memberships: { create: { organizationId: org.id, role: role! } } } : {}),
    },
  });
  return { email, password, org };
}

async function fillNewPassword(page: Page, password: string) {
  await page.getByLabel(/^(New password|Choose a password)$/).fill(password);
  await page.getByLabel("Repeat the password").fill(password);
}

test("an owner invites a bookkeeper as member, who accepts from the email, sets a password and sees the organization as a member", async ({
  page,
  browser,
}) => {
  const { org, email, password } = await organizationWithOwner();
  await signIn(page, email, password);
  await expectSignedInAt(page, new RegExp(`/${org.slug}/institutions$`));
  await page.goto(`/${org.slug}/members`);
  const bookkeeper = `bookkeeper-${suffix()}@people.example`;
  await page.getByLabel("Email").fill(bookkeeper);
  await page.getByLabel("Role").selectOption("MEMBER");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status")).toContainText(`Invitation sent to ${bookkeeper}`);
  await expect(page.getByRole("table", { name: "Pending invitations" })).toContainText(bookkeeper);

  const [invitation] = await waitForMail(bookkeeper);
  expect(invitation!.subject).toBe(`You are invited to ${org.name} on Bankline`);
  expect(invitation!.text).toContain("as a member");
  expect(invitation!.html).toContain("Accept the invitation");

  const theirs = await (await browser.newContext()).newPage();
  await theirs.goto(linkIn(invitation!, "/invitations/"));
  await expect(theirs.getByRole("heading", { name: `Join ${org.name}` })).toBeVisible();
  await theirs.getByLabel("Your name").fill("Bo Keeper");
  await fillNewPassword(theirs, `books-${suffix()}-in-order`);
  await theirs.getByRole("button", { name: "Accept and join" }).click();
  await expectSignedInAt(theirs, new RegExp(`/${org.slug}/institutions$`));
  await expect(theirs.getByRole("heading", { name: "Manage Institutions" })).toBeVisible();
  await expect(theirs.getByText(`${bookkeeper} · member`)).toBeVisible();
  await expect(theirs.getByRole("button", { name: "Add institution" })).toHaveCount(0);
  await theirs.goto(`/${org.slug}/members`);
  await expect(theirs.getByRole("cell", { name: bookkeeper, exact: true })).toBeVisible();
  await expect(theirs.getByRole("heading", { name: "Invite someone" })).toHaveCount(0);

  // The link worked once.
  await theirs.goto(linkIn(invitation!, "/invitations/"));
  await expect(theirs.getByRole("heading", { name: "This invitation no longer works" })).toBeVisible();
  await page.reload();
  await expect(page.getByRole("table", { name: "Pending invitations" })).toHaveCount(0);
});

test("a forgotten password is reset from the email, and the session signed in before stops working", async ({
  page,
  browser,
}) => {
  const { email, password, org } = await personWithPassword("MEMBER");
  await signIn(page, email, password);
  await expectSignedInAt(page, new RegExp(`/${org!.slug}/institutions$`));

  const other = await (await browser.newContext()).newPage();
  await other.goto("/sign-in");
  await other.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(other.getByRole("heading", { name: "Forgot your password?" })).toBeVisible();
  await other.getByLabel("Email").fill(email);
  await other.getByRole("button", { name: "Send the link" }).click();
  await expect(other.getByRole("status")).toContainText("If that email has a Bankline account");

  const [reset] = await waitForMail(email);
  expect(reset!.subject).toBe("Reset your Bankline password");
  await other.goto(linkIn(reset!, "/reset-password/"));
  const newPassword = `after-reset-${suffix()}-pw`;
  await fillNewPassword(other, newPassword);
  await other.getByRole("button", { name: "Save the new password" }).click();
  await expect(other.getByRole("status")).toHaveText("Your password was changed. Sign in with the new one.");
  await other.getByLabel("Email").fill(email);
  await other.getByLabel("Password").fill(newPassword);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expectSignedInAt(other, new RegExp(`/${org!.slug}/institutions$`));

  await page.reload();
  await expect(page).toHaveURL(/\/sign-in/);
  await other.goto(linkIn(reset!, "/reset-password/"));
  await expect(other.getByRole("heading", { name: "This link no longer works" })).toBeVisible();
});

test("a support agent cannot open the console until two-factor sign-in is set up, then signs in with a code", async ({
  page,
}) => {
  const { email, password } = await personWithPassword(null, "SUPPORT");
  await signIn(page, email, password);
  await expect(page).toHaveURL(/\/account\/two-factor\?required=staff$/);
  await expect(page.getByRole("main").getByRole("alert")).toHaveText(
    "The support console opens only after you set up two-factor sign-in.",
  );
  const response = await page.goto("/admin");
  expect(response?.url()).toMatch(/\/account\/two-factor\?required=staff$/);

  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  await expect(page.getByRole("img", { name: "QR code to scan with your authenticator app" })).toBeVisible();
  const secret = (await page.getByLabel("Setup key").textContent())!.trim();
  const enrolled = await freshCode(secret);
  await page.getByLabel("Authentication code").fill(enrolled.code);
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByRole("list", { name: "Recovery codes" }).getByRole("listitem")).toHaveCount(10);
  await page.getByRole("link", { name: "Open the support console" }).click();
  await expect(page.getByRole("heading", { name: "Support console" })).toBeVisible();

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email, password);
  await expect(page.getByRole("heading", { name: "Two-factor sign-in" })).toBeVisible();
  await page.goto("/admin");
  await expect(page).toHaveURL(/\/sign-in/);
  await enterCode(page, "000000");
  await expect(page.locator("form").getByRole("alert")).toContainText("That code is not right");
  await enterCode(page, (await freshCode(secret, enrolled.step)).code);
  await expectSignedInAt(page, /\/admin$/);
  await expect(page.getByRole("heading", { name: "Support console" })).toBeVisible();
});

test("a connection that turns 103 sends its owners one email, and none again at the next failed refresh", async ({
  page,
}) => {
  test.setTimeout(120_000);
  const institutionId = "desertsunbank-personal";
  const name = "Desert Sun Bank (Personal)";
  await resetBankUser(institutionId, "demo");
  const { org, email, password } = await organizationWithOwner();
  await signIn(page, email, password);
  await expectSignedInAt(page, new RegExp(`/${org.slug}/institutions$`));
  await linkInstitution(page, "desert sun", name, "demo");

  // The treasurer changes the password at the bank's own site; Bankline still has the old one.
  await signInAtBank(page, institutionId, "demo");
  await page.getByLabel("Current password").fill("go");
  await page.getByLabel("New password", { exact: true }).fill("desert-4242");
  await page.getByLabel("Confirm new password").fill("desert-4242");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("bank-password-changed")).toBeVisible();
  try {
    await page.goto(`/${org.slug}/institutions`);
    const card = connectionCard(page, name);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("alert").filter({ hasText: "Error 103:" })).toBeVisible();

    const [mail] = await waitForMail(email);
    expect(mail!.subject).toBe(`Action needed: ${name} (Error 103)`);
    expect(mail!.text).toContain(`Error 103: ${name} did not accept the username or password`);
    expect(mail!.text).toContain("Update Login");
    expect(mail!.text).toContain("To stop these emails:");
    await page.goto(linkIn(mail!, `/${org.slug}/institutions`));
    await expect(connectionCard(page, name)).toBeVisible();

    const connection = await e2eDb().connection.findFirstOrThrow({
      where: { organizationId: org.id },
      select: { id: true },
    });
    const attempts = () => e2eDb().connectionEvent.count({ where: { connectionId: connection.id, statusCode: 103 } });
    const before = await attempts();
    await connectionCard(page, name).getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect.poll(attempts).toBe(before + 1);
    await expect(connectionCard(page, name).getByRole("alert").filter({ hasText: "Error 103:" })).toBeVisible();
    // The worker has looked at the connection again by now (its check runs at once in this stack).
    await page.waitForTimeout(4000);
    expect(await mailTo(email)).toHaveLength(1);
    expect(await e2eDb().mailMessage.count({ where: { connectionId: connection.id } })).toBe(1);
  } finally {
    await resetBankUser(institutionId, "demo");
  }
});
