import { chooseAllAccounts, connectionCard, enterCredentials, expect, pickInstitution, test } from "./fixtures";

test.describe("Add institution", () => {
  test("demo links with its two accounts, brings their history, and Retrieve Transactions says how many arrived", async ({
    page,
    org,
  }) => {
    const consoleErrors: string[] = [];
    page.on("console", (m) => {
      // The app has no favicon yet; that 404 is the browser's own request, not the page's.
      if (m.type() === "error" && !m.location().url.endsWith("/favicon.ico"))
        consoleErrors.push(`${m.text()} ${m.location().url}`);
    });
    await org.signInAs(page, "OWNER");
    await expect(page.getByText("No bank connections yet.")).toBeVisible();

    const dialog = await pickInstitution(page, "sandbox bank", "Sandbox Bank (Personal)");
    await expect(dialog.getByText("https://personal.sandboxbank.example")).toBeVisible();
    await enterCredentials(dialog, "demo");

    await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeVisible();
    await expect(dialog.getByRole("checkbox", { name: /^Link Everyday Checking ••••\d{4}$/ })).toBeChecked();
    await expect(dialog.getByRole("checkbox", { name: /^Link Savings ••••\d{4}$/ })).toBeChecked();
    await dialog
      .getByRole("textbox", { name: /^Name of the new register for Everyday Checking/ })
      .fill("Operating checking");
    await chooseAllAccounts(dialog);
    await expect(dialog.getByRole("link", { name: "Go to the Bank feed" })).toHaveAttribute(
      "href",
      `/${org.slug}/feed`,
    );
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(dialog).toBeHidden();

    const card = connectionCard(page, "Sandbox Bank (Personal)");
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await expect(card.getByText("Personal", { exact: true })).toBeVisible();
    const accounts = card.getByRole("table", { name: "Linked accounts" });
    await expect(accounts.getByRole("row", { name: /Everyday Checking/ })).toContainText(/••••\d{4}/);
    await expect(accounts.getByRole("row", { name: /Everyday Checking/ })).toContainText("Operating checking");
    await expect(accounts.getByRole("row", { name: /Savings/ })).toContainText(/\$[\d,]+\.\d{2}/);
    await expect(card.getByText(/Last successful aggregation/)).toBeVisible();
    await expect(card.locator("dd time").first()).toContainText(/just now|minute/);

    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("status").filter({ hasText: /\d+ new transactions? arrived/ })).toBeVisible();
    await expect(card.getByRole("link", { name: "Review them in the Bank feed" })).toBeVisible();
    await page.reload();
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    expect(consoleErrors, "errors in the browser console (hydration, failed requests)").toEqual([]);
  });
});
