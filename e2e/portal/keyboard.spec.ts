import type { Page } from "@playwright/test";
import { connectionCard, expect, flowDialog, test } from "./fixtures";

/** Presses Tab until the focused element matches, as a keyboard user would; fails after a reasonable number of stops. */
async function tabTo(page: Page, role: "button" | "textbox" | "link" | "searchbox" | "radio", name: string | RegExp) {
  const target = page.getByRole(role, { name });
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${role} ${name} with Tab`);
}

test("the link flow works with the keyboard alone, and focus comes back to Add institution", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  await expect(page.getByText("No bank connections yet.")).toBeVisible();

  await tabTo(page, "button", "Add institution");
  await page.keyboard.press("Enter");
  const dialog = flowDialog(page);
  await expect(dialog.getByLabel("Search for your bank or credit union")).toBeFocused();
  await page.keyboard.type("desert sun");
  await tabTo(page, "button", /^Desert Sun Bank \(Business\)/);
  await page.keyboard.press("Enter");

  await expect(dialog.getByLabel("Username")).toBeFocused();
  await page.keyboard.type("demo");
  await page.keyboard.press("Tab");
  await page.keyboard.type("go");
  await page.keyboard.press("Enter");

  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeFocused();
  await tabTo(page, "button", "Link accounts and retrieve transactions");
  await page.keyboard.press("Enter");
  await expect(dialog.getByText(/\d+ new transactions? arrived/)).toBeVisible();
  await tabTo(page, "button", "Done");
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("button", { name: "Add institution" })).toBeFocused();
  await expect(connectionCard(page, "Desert Sun Bank (Business)").getByText("Active", { exact: true })).toBeVisible();
});

test("a security question with choices is answered with the keyboard; Escape closes the dialog", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  await tabTo(page, "button", "Add institution");
  await page.keyboard.press("Enter");
  await page.keyboard.type("keystone");
  await tabTo(page, "button", /^Keystone Heritage Bank \(Personal\)/);
  await page.keyboard.press("Enter");
  await page.keyboard.type("demo_mfa_choice");
  await page.keyboard.press("Tab");
  await page.keyboard.type("go");
  await page.keyboard.press("Enter");

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
