import type { FrameLocator, Locator, Page } from "@playwright/test";
import {
  aggregatorUrl,
  chooseAllAccounts,
  connectionCard,
  expect,
  flowDialog,
  resetBankUser,
  signInAtBank,
  test,
} from "./fixtures";

// The hosted link style: the sandbox's own Connect page (like a real provider's) collects the
// credentials and security answers inside the dialog; Bankline never sees them. The
// institutions here are switched to it for this spec alone; every text and button of Manage
// Institutions reads as in the credential flow. The dialog moves on as soon as the provider's
// event settles the session (its page's "Return to Bankline" link does the same when it comes
// first), so the steps below wait for Bankline rather than click that link.

const HOSTED = [
  { id: "northwindbank-business", name: "Northwind Bank (Business)", search: "northwind" },
  { id: "magnoliasavings-business", name: "Magnolia Savings Bank (Business)", search: "magnolia" },
  { id: "bluegrassfarmers-personal", name: "Bluegrass Farmers Bank (Personal)", search: "bluegrass" },
];

async function setLinkStyle(institutionId: string, style: "hosted") {
  const res = await fetch(`${aggregatorUrl()}/admin/institutions/${institutionId}/link-style`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ style }),
  });
  expect(res.ok).toBe(true);
}

// These institutions belong to this spec (no other spec links at them), and the stack is thrown
// away after the run: they stay hosted rather than being switched back while another worker
// may still be running a test of this file.
test.beforeEach(async () => {
  for (const i of HOSTED) await setLinkStyle(i.id, "hosted");
});

const securePage = (dialog: Locator): FrameLocator => dialog.frameLocator('iframe[title="Secure bank connection"]');

/** Add institution up to the provider's page for a hosted institution. */
async function openHosted(page: Page, search: string, name: string) {
  await page.getByRole("button", { name: "Add institution" }).click();
  const dialog = flowDialog(page);
  await dialog.getByLabel("Search for your bank or credit union").fill(search);
  await dialog
    .getByRole("list", { name: "Institutions" })
    .getByRole("button", { name: new RegExp(`^${name.replace(/[()]/g, "\\$&")}`) })
    .click();
  await expect(dialog.getByRole("heading", { name: `Connect ${name}` })).toBeVisible();
  // The credential form is the provider's, not Bankline's.
  await expect(dialog.getByLabel("Password")).toHaveCount(0);
  return { dialog, hosted: securePage(dialog) };
}

async function signInOnProviderPage(hosted: FrameLocator, username: string, password = "go") {
  await hosted.getByLabel("Username").fill(username);
  await hosted.getByLabel("Password").fill(password);
  await hosted.getByRole("button", { name: "Connect" }).click();
}

test.describe("hosted link style", () => {
  test("link with security questions answered on the provider's page, then Choose accounts, Retrieve and Remove as usual", async ({
    page,
    org,
  }) => {
    const { name, search } = HOSTED[0]!;
    await org.signInAs(page, "OWNER");
    const sentToBankline: string[] = [];
    const sentToProvider: string[] = [];
    page.on("request", (request) => {
      const body = request.postData() ?? "";
      if (request.url().startsWith(aggregatorUrl())) sentToProvider.push(body);
      else sentToBankline.push(`${request.url()} ${body}`);
    });
    const { dialog, hosted } = await openHosted(page, search, name);

    await signInOnProviderPage(hosted, "demo_mfa");
    await expect(hosted.getByText("Question 1 of 3")).toBeVisible();
    await hosted.getByRole("textbox").fill("green");
    await hosted.getByRole("button", { name: "Submit answer" }).click();
    await expect(hosted.getByRole("alert")).toContainText("That answer was not accepted");
    for (const n of [1, 2, 3]) {
      await expect(hosted.getByText(`Question ${n} of 3`)).toBeVisible();
      await hosted.getByRole("textbox").fill("blue");
      await hosted.getByRole("button", { name: "Submit answer" }).click();
    }
    await hosted.getByRole("button", { name: "Share accounts" }).click();

    // Back in Bankline's own steps, exactly as after a credential link.
    await chooseAllAccounts(dialog);
    await dialog.getByRole("button", { name: "Done" }).click();
    const card = connectionCard(page, name);
    await expect(card.getByText("Active", { exact: true })).toBeVisible();

    // The answers went to the provider's page only: nothing sent to Bankline carried them.
    expect(sentToBankline.some((body) => body.includes("blue"))).toBe(false);
    expect(sentToProvider.some((body) => body.includes("blue"))).toBe(true);

    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByText(/\d+ new transactions? arrived|No new transactions/)).toBeVisible();

    await card.getByRole("button", { name: "Remove institution" }).click();
    const confirm = page.getByRole("dialog", { name: `Remove ${name}?` });
    await confirm.getByRole("button", { name: "Remove", exact: true }).click();
    await expect(page.getByRole("status").filter({ hasText: `${name} was removed` })).toBeVisible();
    await expect(connectionCard(page, name)).toHaveCount(0);
  });

  test("Error 103 after a password change at the bank, fixed with Update Login through the provider's Connect Fix", async ({
    page,
    org,
  }) => {
    const { id, name, search } = HOSTED[1]!;
    await resetBankUser(id, "demo_password");
    await org.signInAs(page, "OWNER");
    const { dialog, hosted } = await openHosted(page, search, name);
    await signInOnProviderPage(hosted, "demo_password");
    await hosted.getByRole("button", { name: "Share accounts" }).click();
    await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeVisible();
    await dialog.getByRole("button", { name: "Link accounts and retrieve transactions" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Error 109");
    await dialog.getByRole("button", { name: "Close" }).click();

    // The password changed at the bank: the stored one now gives 103.
    await signInAtBank(page, id, "demo_password");
    await page.getByLabel("Current password").fill("go");
    await page.getByLabel("New password", { exact: true }).fill("magnolia-9090");
    await page.getByLabel("Confirm new password").fill("magnolia-9090");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("bank-password-changed")).toBeVisible();
    await page.goto(org.institutionsUrl);
    const card = connectionCard(page, name);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("alert")).toContainText("Error 103");
    await expect(card.getByRole("alert")).toContainText("Update Login");

    await card.getByRole("button", { name: "Update Login" }).click();
    await expect(dialog.getByRole("heading", { name: `Update Login for ${name}` })).toBeVisible();
    const fix = securePage(dialog);
    await expect(fix.getByRole("heading", { name: `Fix the connection to ${name}` })).toBeVisible();
    await expect(fix.getByLabel("Username")).toHaveValue("demo_password");
    await fix.getByLabel("Password").fill("go");
    await fix.getByRole("button", { name: "Connect" }).click();
    await expect(fix.getByRole("alert")).toContainText("103");
    await fix.getByLabel("Password").fill("magnolia-9090");
    await fix.getByRole("button", { name: "Connect" }).click();
    await expect(dialog.getByRole("heading", { name: `Login updated for ${name}` })).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await expect(page.getByRole("region", { name: "Open notices" })).toContainText("No open notices");
  });

  test("a question left unanswered on the provider's page: the card's click here opens it again, and a member answers there", async ({
    page,
    browser,
    org,
  }) => {
    const { name, search } = HOSTED[2]!;
    await org.signInAs(page, "OWNER");
    const { dialog, hosted } = await openHosted(page, search, name);
    await signInOnProviderPage(hosted, "demo_mfa");
    await expect(hosted.getByText("Question 1 of 3")).toBeVisible();
    await hosted.getByRole("button", { name: "Exit" }).click();
    await expect(dialog.getByRole("heading", { name: `${name} needs attention` })).toBeVisible();
    await expect(dialog.getByRole("alert")).toContainText("Error 185");
    await dialog.getByRole("button", { name: "Close" }).click();

    // A member (who may answer questions but not update logins) uses the card's alert.
    const memberPage = await browser.newPage();
    await org.signInAs(memberPage, "MEMBER");
    const card = connectionCard(memberPage, name);
    await expect(card.getByText("Action required", { exact: true })).toBeVisible();
    await expect(card.getByRole("button", { name: "Update Login" })).toHaveCount(0);
    await card.getByRole("alert").getByRole("link", { name: "click here" }).click();
    const memberDialog = flowDialog(memberPage);
    await expect(memberDialog.getByRole("heading", { name: `Answer ${name}'s security question` })).toBeVisible();
    const fix = securePage(memberDialog);
    await fix.getByLabel("Password").fill("go");
    await fix.getByRole("button", { name: "Connect" }).click();
    for (const n of [1, 2, 3]) {
      await expect(fix.getByText(`Question ${n} of 3`)).toBeVisible();
      await fix.getByRole("textbox").fill("blue");
      await fix.getByRole("button", { name: "Submit answer" }).click();
    }
    // Connected; choosing accounts is for owners and admins, so the member is done here.
    await expect(memberDialog.getByRole("heading", { name: `${name} is connected` })).toBeVisible();
    await memberDialog.getByRole("button", { name: "Done" }).click();
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await memberPage.close();
  });
});
