import { connectionCard, expect, seedConnection, test } from "./fixtures";

test.describe("what each role sees", () => {
  test("a member retrieves but does not link, update or remove", async ({ page, org }) => {
    const { institutionName } = await seedConnection(org, { status: "ACTIVE", lastStatusCode: 0 });
    await org.signInAs(page, "MEMBER");
    const card = connectionCard(page, institutionName);
    await expect(card.getByRole("button", { name: "Retrieve Transactions" })).toBeVisible();
    await expect(card.getByRole("button", { name: "Update Login" })).toHaveCount(0);
    await expect(card.getByRole("button", { name: "Remove institution" })).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add institution" })).toHaveCount(0);
  });

  test("a viewer only looks, and a security question's alert has no link to answer it", async ({ page, org }) => {
    const { institutionName } = await seedConnection(org, { status: "ACTION_REQUIRED", lastStatusCode: 185 });
    await org.signInAs(page, "VIEWER");
    const card = connectionCard(page, institutionName);
    await expect(card.getByText("Action required", { exact: true })).toBeVisible();
    await expect(card.getByRole("alert")).toContainText("Error 185");
    await expect(card.getByRole("link", { name: "click here" })).toHaveCount(0);
    await expect(card.getByRole("button")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Add institution" })).toHaveCount(0);
  });
});
