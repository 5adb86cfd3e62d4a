import type { Locator, Page } from "@playwright/test";
import { connectionCard, expect, flowDialog, test } from "./fixtures";

// Every flow of Manage Institutions with the keyboard alone: no clicks, only the keys a
// keyboard user has (Tab, Shift+Tab, Enter, Space, Escape, arrows).

/** Presses Tab (or Shift+Tab) until the target has focus, as a keyboard user would; fails after a reasonable number of stops. */
async function tabTo(page: Page, target: Locator, key: "Tab" | "Shift+Tab" = "Tab") {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press(key);
  }
  throw new Error(`could not reach ${target} with ${key}`);
}

/** Add institution up to the credentials form: search, then pick the result by its exact name. */
async function pickWithKeyboard(page: Page, search: string, name: string) {
  await tabTo(page, page.getByRole("button", { name: "Add institution" }));
  await page.keyboard.press("Enter");
  const dialog = flowDialog(page);
  await expect(dialog.getByLabel("Search for your bank or credit union")).toBeFocused();
  await page.keyboard.type(search);
  await tabTo(page, dialog.getByRole("button", { name: new RegExp(`^${name.replace(/[()]/g, "\\$&")}`) }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Username")).toBeFocused();
  return dialog;
}

/** Types a login into the focused Username field and submits it with Enter. */
async function signInWithKeyboard(page: Page, username: string, password = "go") {
  await page.keyboard.type(username);
  await page.keyboard.press("Tab");
  await page.keyboard.type(password);
  await page.keyboard.press("Enter");
}

/** From a focused Choose accounts heading: links every account, waits for the first retrieval, and closes with Done. */
async function linkAllAndFinish(page: Page, dialog: Locator) {
  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeFocused();
  await tabTo(page, dialog.getByRole("button", { name: "Link accounts and retrieve transactions" }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByText(/\d+ new transactions? arrived/)).toBeVisible({ timeout: 30_000 });
  await tabTo(page, dialog.getByRole("button", { name: "Done" }));
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
}

test("the link flow works with the keyboard alone, and focus comes back to Add institution", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  await expect(page.getByText("No bank connections yet.")).toBeVisible();

  const dialog = await pickWithKeyboard(page, "desert sun", "Desert Sun Bank (Business)");
  await signInWithKeyboard(page, "demo");
  await linkAllAndFinish(page, dialog);
  await expect(page.getByRole("button", { name: "Add institution" })).toBeFocused();
  await expect(connectionCard(page, "Desert Sun Bank (Business)").getByText("Active", { exact: true })).toBeVisible();
});

test("a security question with choices is answered with the keyboard; Escape closes the dialog", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  await pickWithKeyboard(page, "keystone", "Keystone Heritage Bank (Personal)");
  await signInWithKeyboard(page, "demo_mfa_choice");

  const dialog = flowDialog(page);
  await expect(dialog.getByRole("radio", { name: "Red" })).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("ArrowDown");
  await expect(dialog.getByRole("radio", { name: "Blue" })).toBeChecked();
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("textbox", { name: "What color was your first bicycle?" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Add institution" })).toBeFocused();
});

test("Retrieve Transactions, Update Login after Error 103 and Remove with its confirmation work with the keyboard alone", async ({
  page,
  org,
}) => {
  const name = "Harborview Bank (Personal)";
  await org.signInAs(page, "OWNER");
  const dialog = await pickWithKeyboard(page, "harborview", name);
  await signInWithKeyboard(page, "demo");
  await linkAllAndFinish(page, dialog);
  const card = connectionCard(page, name);

  const retrieve = card.getByRole("button", { name: "Retrieve Transactions" });
  await tabTo(page, retrieve);
  await page.keyboard.press("Enter");
  await expect(card.getByText(/\d+ new transactions? arrived/)).toBeVisible({ timeout: 30_000 });
  await expect(retrieve).toBeFocused();

  const updateLogin = card.getByRole("button", { name: "Update Login" });
  await tabTo(page, updateLogin);
  await page.keyboard.press("Enter");
  await expect(dialog.getByRole("heading", { name: `Update Login for ${name}` })).toBeVisible();
  await expect(dialog.getByLabel("Username")).toBeFocused();
  await signInWithKeyboard(page, "demo", "not-the-password");
  await expect(dialog.getByRole("heading", { name: `${name} needs attention` })).toBeFocused();
  await expect(dialog.getByRole("alert")).toContainText("Error 103");
  await tabTo(page, dialog.getByRole("button", { name: "Update Login" }));
  await page.keyboard.press("Space");
  await expect(dialog.getByLabel("Username")).toBeFocused();
  await signInWithKeyboard(page, "demo");
  await expect(dialog.getByRole("heading", { name: `Login updated for ${name}` })).toBeFocused({ timeout: 30_000 });
  await tabTo(page, dialog.getByRole("button", { name: "Done" }));
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(updateLogin).toBeFocused();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();

  const trash = card.getByRole("button", { name: "Remove institution" });
  await tabTo(page, trash);
  await page.keyboard.press("Enter");
  const confirm = page.getByRole("dialog", { name: `Remove ${name}?` });
  await expect(confirm.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(confirm).toBeHidden();
  await expect(trash).toBeFocused();
  await page.keyboard.press("Enter");
  await page.keyboard.press("Shift+Tab");
  await expect(confirm.getByRole("button", { name: "Remove", exact: true })).toBeFocused();
  await page.keyboard.press("Space");
  await expect(confirm).toBeHidden();
  await expect(card).toHaveCount(0);
  await expect(page.getByRole("status").filter({ hasText: `${name} was removed` })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Manage Institutions" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Add institution" })).toBeFocused();
});

test("the click here link of a security-question alert works with the keyboard; focus lands on the card once it is answered", async ({
  page,
  org,
}) => {
  const name = "Cascade Federal (Personal)";
  await org.signInAs(page, "OWNER");
  const dialog = await pickWithKeyboard(page, "cascade", name);
  await signInWithKeyboard(page, "demo_mfa");
  await expect(dialog.getByText("Question 1 of 3")).toBeVisible();
  await expect(dialog.getByRole("textbox")).toBeFocused();
  await page.keyboard.type("blue");
  await page.keyboard.press("Enter");
  await expect(dialog.getByText("Question 2 of 3")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();

  const card = connectionCard(page, name);
  const clickHere = card.getByRole("alert").getByRole("link", { name: "click here" });
  await expect(card.getByRole("alert")).toContainText("Error 185");
  await tabTo(page, clickHere);
  await page.keyboard.press("Enter");
  await expect(dialog.getByText("Question 2 of 3")).toBeVisible();
  await expect(dialog.getByRole("textbox")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(clickHere).toBeFocused();

  await page.keyboard.press("Enter");
  for (const n of [2, 3]) {
    await expect(dialog.getByText(`Question ${n} of 3`)).toBeVisible();
    await expect(dialog.getByRole("textbox")).toBeFocused();
    await page.keyboard.type("blue");
    await page.keyboard.press("Enter");
  }
  await linkAllAndFinish(page, dialog);
  await expect(card.getByRole("heading", { name })).toBeFocused();
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
});

test("after Error 103, Choose another institution goes back to the search with the keyboard", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  const dialog = await pickWithKeyboard(page, "redwood", "Redwood Community Bank (Personal)");
  await signInWithKeyboard(page, "demo_business");
  await expect(
    dialog.getByRole("heading", { name: "Could not connect to Redwood Community Bank (Personal)" }),
  ).toBeFocused();
  await expect(dialog.getByRole("alert")).toContainText("Error 103");

  await tabTo(page, dialog.getByRole("button", { name: "Choose another institution" }));
  await page.keyboard.press("Enter");
  const search = dialog.getByLabel("Search for your bank or credit union");
  await expect(search).toBeFocused();
  await expect(search).toHaveValue("redwood");
  await tabTo(page, dialog.getByRole("button", { name: /^Redwood Community Bank \(Business\)/ }));
  await page.keyboard.press("Enter");
  await expect(dialog.getByLabel("Username")).toBeFocused();
  await signInWithKeyboard(page, "demo_business");
  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Add institution" })).toBeFocused();
  await expect(connectionCard(page, "Redwood Community Bank (Business)")).toBeVisible();
});
