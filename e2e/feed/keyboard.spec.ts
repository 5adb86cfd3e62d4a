import type { Locator, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { apiAs } from "../support/trpc";
import { expect, test } from "../portal/fixtures";
import { accountCounts, feedRows, feedSettled, feedTable, relinkedChecking, rowName } from "./fixtures";

// Reviewing hundreds of rows without the mouse: j/k and the arrows move between rows; h, i and
// n act on the row in focus (i asks first on a possible duplicate); ? lists the keys. After an
// action the focus is on the row that took the acted one's place, never back at the top.

async function tabTo(page: Page, target: Locator) {
  for (let i = 0; i < 40; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`could not reach ${target} with Tab`);
}

test("review with the keyboard: move, Hide, Not a duplicate, Import after its question, the shortcuts help; focus stays in place", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  const { account } = await relinkedChecking(await apiAs(page), org.slug);
  await page.goto(`/${org.slug}/feed?account=${account.id}&view=flagged`);
  await feedSettled(page);
  const counts = await accountCounts(page);
  const before = await feedRows(page);
  const row = (i: number) =>
    feedTable(page)
      .getByRole("row")
      .nth(i + 1);
  const status = page.getByRole("status").filter({ hasText: /\w/ }).first();
  /** The row in focus shows this feed row (its actions name it). */
  const focusedShows = async (i: number, shown: (typeof before)[number]) => {
    await expect(row(i)).toBeFocused();
    await expect(row(i).getByRole("button", { name: `Hide ${rowName(shown)}`, exact: true })).toHaveCount(1);
  };

  await tabTo(page, row(0));
  await page.keyboard.press("j");
  await expect(row(1)).toBeFocused();
  await page.keyboard.press("ArrowDown");
  await expect(row(2)).toBeFocused();
  await page.keyboard.press("k");
  await focusedShows(1, before[1]!);

  await test.step("h hides the row; the next one takes its place and the focus", async () => {
    await page.keyboard.press("h");
    await expect(status).toHaveText(/^Hid 1 transaction\./);
    await focusedShows(1, before[2]!);
  });

  await test.step("n clears the flag; the row leaves the possible duplicates and the focus moves to the next", async () => {
    await page.keyboard.press("n");
    await expect(status).toHaveText("Cleared the duplicate flag on 1 transaction.");
    await focusedShows(1, before[3]!);
  });

  await test.step("i asks first; Escape answers no and the focus comes back to the row", async () => {
    await page.keyboard.press("i");
    const dialog = page.getByRole("dialog", { name: "Import this possible duplicate?" });
    await expect(dialog).toContainText("This looks like ");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await focusedShows(1, before[3]!);
  });

  await test.step("i, then Import anyway: booked, and the focus is on the next row", async () => {
    await page.keyboard.press("i");
    const dialog = page.getByRole("dialog", { name: "Import this possible duplicate?" });
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(dialog.getByRole("button", { name: "Import anyway" })).toBeFocused();
    await page.keyboard.press("Enter");
    await expect(status).toHaveText(/^Imported 1 transaction into the register/);
    await expect(dialog).toBeHidden();
    await focusedShows(1, before[4]!);
  });

  await test.step("? lists the shortcuts; Escape closes the list and the focus is where it was", async () => {
    await page.keyboard.press("?");
    const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
    await expect(help.getByRole("row", { name: /Hide the transaction/ })).toContainText("h");
    await expect(help.getByRole("row", { name: /Not a duplicate/ })).toContainText("n");
    await expect(help.getByRole("row", { name: /Next transaction/ })).toContainText("j");
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Escape");
    await expect(help).toBeHidden();
    await focusedShows(1, before[4]!);
  });

  await expect
    .poll(() => accountCounts(page))
    .toEqual({
      new: counts.new + 1,
      flagged: counts.flagged - 3,
      hidden: counts.hidden + 1,
      imported: counts.imported + 1,
    });
  await expectNoSeriousA11yViolations(page);
});
