import type { Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { apiAs } from "../support/trpc";
import { expect, test } from "../portal/fixtures";
import {
  accountCounts,
  buttonCount as count,
  distinctRows,
  feedRow,
  feedRows,
  feedSettled,
  feedTable,
  listTotal,
  relinkedChecking,
  rowName,
  showFeed,
} from "./fixtures";

// After a re-link the safe action leads: on a possible duplicate Hide is the primary button and
// Import asks first, naming what the row looks like; Import all new leaves possible duplicates
// out and says so; Hide all takes the filters into account, and Un-hide all brings back exactly
// its batch.

const status = (page: Page) => page.getByRole("status").filter({ hasText: /\w/ }).first();
const registerName = async (page: Page) =>
  /Imports go to the register (.+?)\. [\d,]+ new/.exec(
    await page.getByText("Imports go to the register").innerText(),
  )![1]!;

test("Import on a possible duplicate asks before it books; Import all new leaves possible duplicates out and says so", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  const { account } = await relinkedChecking(await apiAs(page), org.slug, 4);
  await page.goto(`/${org.slug}/feed?account=${account.id}&view=flagged`);
  await feedSettled(page);
  const counts = await accountCounts(page);
  expect(counts.new).toBeGreaterThan(0);
  expect(counts.flagged).toBeGreaterThan(50);
  const books = await registerName(page);

  const row = distinctRows(await feedRows(page))[0]!;
  const what = rowName(row);
  const matched = /Matches the register entry (.+)/.exec(row.note)![1]!.trim();
  const shown = feedRow(page, row);
  await expect(shown.getByRole("button")).toHaveText(["Hide", "Not a duplicate", "Import…"]);
  await expect(shown.getByRole("button", { name: `Hide ${what}` })).toHaveClass(/btn-primary/);
  await expect(shown.getByRole("button", { name: `Import ${what}` })).toHaveClass(/btn-secondary/);

  await test.step("Import asks, with the safe answer focused; Enter on it books nothing", async () => {
    await shown.getByRole("button", { name: `Import ${what}` }).click();
    const dialog = page.getByRole("dialog", { name: "Import this possible duplicate?" });
    await expect(dialog).toContainText(`This looks like ${matched}, already in the register. Import it anyway?`);
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await expectNoSeriousA11yViolations(page);
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(feedRow(page, row)).toHaveCount(1);
    expect(await listTotal(page)).toBe(counts.flagged);
    expect(await accountCounts(page)).toEqual(counts);
  });

  await test.step("a selection holding possible duplicates asks too", async () => {
    const [a, b] = distinctRows(await feedRows(page)).slice(1, 3);
    for (const r of [a!, b!]) await page.getByRole("checkbox", { name: `Select ${rowName(r)}`, exact: true }).check();
    await page.getByRole("button", { name: "Import selected (2)" }).click();
    const dialog = page.getByRole("dialog", { name: "Import possible duplicates?" });
    await expect(dialog).toContainText("All 2 selected transactions look like entries already in the books:");
    await expect(dialog.getByRole("listitem")).toHaveCount(2);
    await dialog.getByRole("button", { name: "Cancel" }).click();
    await expect(dialog).toBeHidden();
    expect(await accountCounts(page)).toEqual(counts);
  });

  await test.step("Import anyway books it", async () => {
    await feedRow(page, row)
      .getByRole("button", { name: `Import ${what}` })
      .click();
    await page
      .getByRole("dialog", { name: "Import this possible duplicate?" })
      .getByRole("button", { name: "Import anyway" })
      .click();
    await expect(status(page)).toHaveText(`Imported 1 transaction into the register “${books}”.`);
    await expect(feedRow(page, row)).toHaveCount(0);
    await expect.poll(() => accountCounts(page)).toEqual({ ...counts, flagged: counts.flagged - 1, imported: 1 });
  });

  await test.step("Import all new takes the new ones only, and says what it left", async () => {
    await showFeed(page, account.id, "To review");
    const left = counts.flagged - 1;
    await expect(page.getByText(`Leaves out the ${left} possible duplicates.`)).toBeVisible();
    await page.getByRole("button", { name: `Import all new (${counts.new})` }).click();
    await expect(status(page)).toHaveText(
      `Imported ${counts.new} transaction${counts.new === 1 ? "" : "s"} into the register “${books}”. ${left} possible duplicates were left for review.`,
    );
    await expect
      .poll(() => accountCounts(page))
      .toEqual({ new: 0, flagged: left, hidden: 0, imported: counts.new + 1 });
  });
});

test("Hide all respects the filters; Show hidden → Un-hide all brings back exactly that batch", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  const api = await apiAs(page);
  const { account } = await relinkedChecking(api, org.slug);
  const flagged = async () => {
    const states = new Map<string, string>();
    for (let page = 1; ; page++) {
      const list = await api.feed.list.query({
        orgSlug: org.slug,
        bankAccountId: account.id,
        view: "flagged",
        page,
        pageSize: 200,
      });
      for (const r of list.rows) states.set(r.id, r.state);
      if (states.size >= list.total) return states;
    }
  };
  const before = await flagged();
  await page.goto(`/${org.slug}/feed?account=${account.id}&view=flagged`);
  const total = await listTotal(page);
  expect(total).toBe(before.size);

  // One row hidden on its own stays out of the batch.
  const alone = distinctRows(await feedRows(page))[0]!;
  await feedRow(page, alone)
    .getByRole("button", { name: `Hide ${rowName(alone)}` })
    .click();
  await expect(status(page)).toContainText("Hid 1 transaction.");

  const shown = await feedRows(page);
  const [to, from] = [shown[3]!.date, shown[30]!.date];
  await page.getByLabel("From", { exact: true }).fill(from);
  await page.getByLabel("To", { exact: true }).fill(to);
  await expect.poll(() => feedRows(page).then((rows) => rows.every((r) => r.date >= from && r.date <= to))).toBe(true);
  const inRange = await listTotal(page);
  expect(inRange).toBeGreaterThan(10);
  expect(await count(page, /^Hide all possible duplicates/)).toBe(inRange);

  await page.getByRole("button", { name: /^Hide all possible duplicates/ }).click();
  const confirm = page.getByRole("dialog", { name: `Hide ${inRange} possible duplicates?` });
  await expect(confirm).toContainText(`that the filters let through, on every page: ${inRange} transactions (from `);
  await confirm.getByRole("button", { name: `Hide ${inRange} transactions` }).click();
  await expect(status(page)).toHaveText(
    `Hid ${inRange} possible duplicates. They are under Show hidden, where Un-hide all brings them back.`,
  );
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect.poll(() => listTotal(page)).toBe(total - 1 - inRange);

  await page.getByRole("button", { name: `Show hidden (${inRange + 1})` }).click();
  const batches = page.getByRole("region", { name: "Hidden together" });
  await expect(batches.getByRole("listitem")).toHaveCount(1);
  await expect(batches).toContainText(
    new RegExp(`Hide all possible duplicates from .+ by OWNER person, .+: ${inRange} transactions still hidden\\.`),
  );
  const hiddenRows = await feedRows(page);
  expect(hiddenRows.filter((r) => r.note.includes("Hidden by you with Hide all possible duplicates."))).toHaveLength(
    Math.min(50, inRange),
  );
  await expectNoSeriousA11yViolations(page);

  await batches.getByRole("button", { name: new RegExp(`^Un-hide all ${inRange} transactions`) }).click();
  await expect(status(page)).toHaveText(`${inRange} transactions back in the feed for review.`);
  await expect(batches).toHaveCount(0);
  await expect.poll(() => listTotal(page)).toBe(1);
  expect((await feedRows(page)).map(rowName)).toEqual([rowName(alone)]);

  // Exactly as before, state for state (Duplicate or Possible duplicate), but the one hidden alone.
  const after = await flagged();
  const expected = new Map(before);
  for (const [id] of before) if (!after.has(id)) expected.delete(id);
  expect(before.size - expected.size).toBe(1);
  expect(after).toEqual(expected);
  await page.getByRole("button", { name: "Back to the feed" }).click();
  await expect(feedTable(page)).toBeVisible();
});
