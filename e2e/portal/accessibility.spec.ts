import { expectNoSeriousA11yViolations } from "../support/a11y";
import { connectionCard, enterCredentials, expect, linkInstitution, pickInstitution, seedConnection, test } from "./fixtures";

test.describe("accessibility of Manage Institutions", () => {
  test("empty", async ({ page, org }) => {
    await org.signInAs(page, "OWNER");
    await expect(page.getByText("No bank connections yet.")).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test("with connections, an error, a transient error and a known issue", async ({ page, org }) => {
    const error = await seedConnection(org, { status: "ACTION_REQUIRED", lastStatusCode: 103 });
    const transient = await seedConnection(org, { status: "ERROR", lastStatusCode: 910, knownIssue: true, nextRetryAt: new Date(Date.now() + 600_000) });
    await org.signInAs(page, "OWNER");
    await linkInstitution(page, "tidewater", "Tidewater Bank (Personal)", "demo");
    await expect(connectionCard(page, error.institutionName).getByRole("alert")).toContainText("Error 103");
    const down = connectionCard(page, transient.institutionName);
    await expect(down.getByRole("alert")).toContainText("Error 910");
    await expect(down.getByRole("alert")).toContainText(/Next automatic try: in \d+ minutes/);
    await expect(down).toContainText("Nothing is needed from you; we are watching it");
    await expectNoSeriousA11yViolations(page);
  });

  test("the security question dialog", async ({ page, org }) => {
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
});
