import type { Page } from "@playwright/test";
import {
  aggregatorUrl,
  connectionCard,
  enterCredentials,
  expect,
  flowDialog,
  pickInstitution,
  resetBankUser,
  signInAtBank,
  test,
} from "./fixtures";

/** Links a login whose bank already wants something: the first retrieval after choosing accounts shows the code. */
async function linkUntilTheBankObjects(page: Page, search: string, name: string, username: string, code: number) {
  const dialog = await pickInstitution(page, search, name);
  await enterCredentials(dialog, username);
  await dialog.getByRole("button", { name: "Link accounts and retrieve transactions" }).click();
  await expect(dialog.getByRole("heading", { name: `${name} needs attention` })).toBeVisible();
  await expect(dialog.getByRole("alert")).toContainText(`Error ${code}`);
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
}

test.describe("logins the bank stops", () => {
  test("demo_terms: Error 108 until the terms are accepted at the bank's site, then Retrieve Transactions works", async ({
    page,
    org,
  }) => {
    const institutionId = "riverbendtrust-personal";
    const name = "Riverbend Trust (Personal)";
    await resetBankUser(institutionId, "demo_terms");
    await org.signInAs(page, "OWNER");
    await linkUntilTheBankObjects(page, "riverbend", name, "demo_terms", 108);

    const card = connectionCard(page, name);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    const problem = card.getByRole("alert");
    await expect(problem).toContainText("Error 108");
    await expect(problem).toContainText("accept any new terms");
    await expect(problem.getByRole("link", { name: "https://www.riverbendtrust.example/login" })).toBeVisible();
    await expect(problem.getByRole("link", { name: "Sandbox bank site" })).toHaveAttribute(
      "href",
      `${aggregatorUrl()}/bank/${institutionId}`,
    );
    await expect(card.getByText("Action required", { exact: true })).toBeVisible();
    await expect(page.getByRole("region", { name: "Open notices" })).toContainText("Error 108");

    await signInAtBank(page, institutionId, "demo_terms");
    await page.getByRole("button", { name: "Accept the new terms" }).click();
    await expect(page.getByTestId("bank-terms-accepted")).toBeVisible();

    await page.goto(org.institutionsUrl);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByText(/\d+ new transactions? arrived/)).toBeVisible();
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await expect(card.getByRole("alert")).toHaveCount(0);
    await expect(page.getByRole("region", { name: "Open notices" })).toContainText("No open notices");
  });

  test("demo_password: Error 109, the password changed at the bank's site, then Update Login with the new password", async ({
    page,
    org,
  }) => {
    const institutionId = "riverbendtrust-business";
    const name = "Riverbend Trust (Business)";
    await resetBankUser(institutionId, "demo_password");
    await org.signInAs(page, "OWNER");
    await linkUntilTheBankObjects(page, "riverbend", name, "demo_password", 109);

    const card = connectionCard(page, name);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    const problem = card.getByRole("alert");
    await expect(problem).toContainText("Error 109");
    await expect(problem).toContainText("Update Login");
    await expect(problem.getByRole("link", { name: "https://business.riverbendtrust.example/signin" })).toBeVisible();

    await signInAtBank(page, institutionId, "demo_password");
    await expect(page.getByTestId("bank-password-required")).toBeVisible();
    await page.getByLabel("Current password").fill("go");
    await page.getByLabel("New password", { exact: true }).fill("river-4242");
    await page.getByLabel("Confirm new password").fill("river-4242");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByTestId("bank-password-changed")).toBeVisible();

    await page.goto(org.institutionsUrl);
    await card.getByRole("button", { name: "Update Login" }).click();
    const dialog = flowDialog(page);
    await enterCredentials(dialog, "demo_password", "go", "Save login");
    await expect(dialog.getByRole("alert")).toContainText("Error 103");
    await dialog.getByRole("button", { name: "Update Login" }).click();
    await enterCredentials(dialog, "demo_password", "river-4242", "Save login");
    await expect(dialog.getByRole("heading", { name: `Login updated for ${name}` })).toBeVisible();
    await expect(dialog.getByText(/\d+ new transactions? arrived/)).toBeVisible();
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await expect(page.getByRole("article")).toHaveCount(1);
  });
});
