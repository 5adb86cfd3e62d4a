import { expectNoSeriousA11yViolations } from "../support/a11y";
import {
  chooseAllAccounts,
  connectionCard,
  enterCredentials,
  expect,
  linkInstitution,
  pickInstitution,
  seedConnection,
  test,
} from "./fixtures";

test.describe("accessibility of Manage Institutions", () => {
  test("empty", async ({ page, org }) => {
    await org.signInAs(page, "OWNER");
    await expect(page.getByText("No bank connections yet.")).toBeVisible();
    await expect(page.getByText(/Known issues? at/)).toHaveCount(0);
    await expectNoSeriousA11yViolations(page);
  });

  test("with connections, an error, a transient error and a known issue", async ({ page, org }) => {
    const error = await seedConnection(org, { status: "ACTION_REQUIRED", lastStatusCode: 103 });
    const transient = await seedConnection(org, {
      status: "ERROR",
      lastStatusCode: 910,
      knownIssue: true,
      nextRetryAt: new Date(Date.now() + 600_000),
    });
    await org.signInAs(page, "OWNER");
    await linkInstitution(page, "tidewater", "Tidewater Bank (Personal)", "demo");
    const broken = connectionCard(page, error.institutionName);
    await expect(broken.getByRole("alert")).toContainText("Error 103");
    await expect(broken.locator("dl > div").filter({ hasText: "Last attempt" })).toContainText("1 hour ago");
    await expect(broken.locator("dl > div").filter({ hasText: "Last successful aggregation" })).toContainText(
      "3 days ago",
    );
    const down = connectionCard(page, transient.institutionName);
    await expect(down.getByRole("alert")).toContainText("Error 910");
    await expect(down.getByRole("alert")).toContainText(/Next automatic try: in \d+ minutes/);
    const banner = page.getByRole("status").filter({ hasText: "Known issue at" });
    await expect(banner).toHaveCount(1);
    await expect(banner).toContainText(`Known issue at ${transient.institutionName}`);
    await expect(banner).toContainText("Nothing is needed from you: Bankline keeps retrying");
    await expect(banner).not.toContainText(error.institutionName);
    await expect(banner).not.toContainText("Tidewater");
    await expectNoSeriousA11yViolations(page);
  });

  test("the credentials form and the security question dialog", async ({ page, org }) => {
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "copper canyon", "Copper Canyon Bank (Personal)");
    await expectNoSeriousA11yViolations(page);
    await enterCredentials(dialog, "demo_mfa_choice");
    await expect(dialog.getByRole("radio", { name: "Blue" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await dialog.getByRole("radio", { name: "Red" }).check();
    await dialog.getByRole("button", { name: "Answer" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Error 187");
    await expectNoSeriousA11yViolations(page);
  });

  test("the dialogs of a connection: Choose accounts, Update Login with its Error 103, the Remove confirmation", async ({
    page,
    org,
  }) => {
    const name = "Northwind Bank (Personal)";
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "northwind", name);
    await enterCredentials(dialog, "demo");
    await expect(dialog.getByRole("checkbox", { name: /^Link / })).toHaveCount(2);
    await expectNoSeriousA11yViolations(page);
    await chooseAllAccounts(dialog);
    await dialog.getByRole("button", { name: "Done" }).click();

    const card = connectionCard(page, name);
    await card.getByRole("button", { name: "Update Login" }).click();
    await expect(dialog.getByRole("heading", { name: `Update Login for ${name}` })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await enterCredentials(dialog, "demo", "not-the-password", "Save login");
    await expect(dialog.getByRole("alert")).toContainText("Error 103");
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Escape");

    await card.getByRole("button", { name: "Remove institution" }).click();
    await expect(page.getByRole("dialog", { name: `Remove ${name}?` })).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});
