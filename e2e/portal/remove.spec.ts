import { connectionCard, enterCredentials, expect, linkInstitution, pickInstitution, test } from "./fixtures";

test("remove and re-add: the confirmation says imported transactions stay, and the same bank links again like a first time", async ({
  page,
  org,
}) => {
  const name = "Lakeshore Bank & Trust (Personal)";
  await org.signInAs(page, "OWNER");
  await linkInstitution(page, "lakeshore", name, "demo");

  const card = connectionCard(page, name);
  const trash = card.getByRole("button", { name: "Remove institution" });
  await trash.click();
  const confirm = page.getByRole("dialog", { name: `Remove ${name}?` });
  await expect(confirm).toContainText("Transactions already imported stay in your register.");
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(trash).toBeFocused();

  await trash.click();
  await confirm.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(confirm).toBeHidden();
  await expect(card).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: `${name} was removed` })).toBeVisible();
  await expect(page.getByText("No bank connections yet.")).toBeVisible();

  const dialog = await pickInstitution(page, "lakeshore", name);
  await enterCredentials(dialog, "demo");
  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeVisible();
  await expect(dialog.getByRole("checkbox", { name: /^Link / })).toHaveCount(2);
  // The registers the removed connection fed are free again and offered first.
  await expect(
    dialog.getByRole("combobox", { name: /^Register for Everyday Checking/ }).locator("option:checked"),
  ).toHaveText("Everyday Checking");
  await expect(dialog.getByRole("combobox", { name: /^Register for Savings/ }).locator("option:checked")).toHaveText(
    "Savings",
  );
});
