import type { Page } from "@playwright/test";
import { expect, test } from "../portal/fixtures";
import { apiAs } from "../support/trpc";
import {
  accountCounts,
  distinctRows,
  feedRows,
  feedTable,
  linkDemo,
  listTotal,
  registerRows,
  rowName,
  showFeed,
  type ShownRow,
} from "./fixtures";

// What a person does with single rows and selections of the bank feed, and how the filters
// narrow it. Each test links the sandbox's `demo` login through the API into an organization
// of its own, then works through the pages.

const status = (page: Page) => page.getByRole("status");
const button = (page: Page, name: string) => feedTable(page).getByRole("button", { name, exact: true });
const key = (row: Pick<ShownRow, "date" | "description" | "amountCents">) =>
  `${row.date} ${row.description} ${row.amountCents}`;
const money = (cents: number) =>
  new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" }).format(cents / 100);

/** The list's total and rows once they show what is expected (a filter settles after typing stops). */
async function expectList(page: Page, rows: ShownRow[]) {
  await expect
    .poll(async () => ({ total: await listTotal(page), rows: (await feedRows(page)).map(key) }))
    .toEqual({ total: rows.length, rows: rows.map(key) });
}

test("Hide takes one row out of the review; Show hidden → Un-hide brings it back", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  await linkDemo(await apiAs(page), org.slug);
  await page.goto(`/${org.slug}/feed`);
  const total = await listTotal(page);
  const counts = await accountCounts(page);
  const row = distinctRows(await feedRows(page)).find((r) => r.state === "New")!;
  const what = rowName(row);

  await button(page, `Hide ${what}`).click();
  await expect(status(page)).toContainText("Hid 1 transaction.");
  await expect(button(page, `Hide ${what}`)).toHaveCount(0);
  expect(await listTotal(page)).toBe(total - 1);
  await expect.poll(() => accountCounts(page)).toEqual({ ...counts, new: counts.new - 1, hidden: counts.hidden + 1 });

  await page.getByRole("button", { name: `Show hidden (${counts.hidden + 1})` }).click();
  await expect(page.getByRole("table", { name: /^Hidden transactions/ })).toBeVisible();
  const hidden = await feedRows(page);
  expect(hidden.map(key)).toEqual([key(row)]);
  expect(hidden[0]).toMatchObject({ state: "Hidden", mark: "" });
  expect(hidden[0]!.note).toContain("Hidden by you.");

  await button(page, `Un-hide ${what}`).click();
  await expect(status(page)).toHaveText("1 transaction back in the feed for review.");
  await expect(feedTable(page)).toContainText("No hidden transactions.");

  await page.getByRole("button", { name: "Back to the feed" }).click();
  await expect(button(page, `Hide ${what}`)).toHaveCount(1);
  expect((await feedRows(page)).filter((r) => rowName(r) === what)).toEqual([row]);
  expect(await listTotal(page)).toBe(total);
  await expect(page.getByRole("button", { name: `Show hidden (${counts.hidden})` })).toBeVisible();
  await expect.poll(() => accountCounts(page)).toEqual(counts);
});

test("Import on a row and on a selection puts them in the register, with the running balance", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  await linkDemo(await apiAs(page), org.slug);
  await page.goto(`/${org.slug}/feed`);
  const registerName = /Imports go to the register (.+?)\. [\d,]+ new/.exec(
    await page.getByText("Imports go to the register").innerText(),
  )![1]!;
  const total = await listTotal(page);
  const [one, ...selection] = distinctRows(await feedRows(page)).slice(0, 4) as [ShownRow, ...ShownRow[]];

  await button(page, `Import ${rowName(one)}`).click();
  await expect(status(page)).toHaveText(`Imported 1 transaction into the register “${registerName}”.`);
  await expect(button(page, `Import ${rowName(one)}`)).toHaveCount(0);

  for (const row of selection)
    await page.getByRole("checkbox", { name: `Select ${rowName(row)}`, exact: true }).check();
  await page.getByRole("button", { name: "Import selected (3)" }).click();
  await expect(status(page)).toHaveText(`Imported 3 transactions into the register “${registerName}”.`);
  for (const row of selection) await expect(button(page, `Import ${rowName(row)}`)).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Import selected (0)" })).toBeDisabled();
  expect(await listTotal(page)).toBe(total - 4);
  await expect.poll(async () => (await accountCounts(page)).imported).toBe(4);

  await page.getByLabel("Show", { exact: true }).selectOption({ label: "Imported" });
  await expect.poll(async () => (await feedRows(page)).map(key).sort()).toEqual([one, ...selection].map(key).sort());
  const imported = await feedRows(page);
  expect(imported.every((row) => row.state === "Imported")).toBe(true);

  await page.goto(`/${org.slug}/register`);
  await page.getByRole("combobox", { name: "Register", exact: true }).selectOption({ label: registerName });
  await expect(page.getByText(/Balance .* · 4 entries/)).toBeVisible();
  await expect.poll(() => listTotal(page, "entries")).toBe(4);
  const entries = await registerRows(page);
  expect(entries.map(key).sort()).toEqual(imported.map(key).sort());
  for (const entry of entries) expect(entry.source).toMatch(/^Imported from Sandbox Bank \(Personal\) · /);
  expect(entries.map((e) => e.date)).toEqual(
    entries
      .map((e) => e.date)
      .sort()
      .reverse(),
  );
  // Newest first, each balance is the one before it (below) plus the entry's amount.
  let balance = 0;
  for (const entry of [...entries].reverse()) {
    balance += entry.amountCents;
    expect(entry.balanceCents, entry.description).toBe(balance);
  }
  await expect(page.getByText(`Balance ${money(balance)} · 4 entries`)).toBeVisible();
});

test("Not a duplicate clears the red mark; the row stays to review", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  const api = await apiAs(page);
  const first = await linkDemo(api, org.slug);
  const checking = first.accounts.find((a) => a.kind === "checking")!;
  await api.feed.importAllNew.mutate({ orgSlug: org.slug, bankAccountId: checking.id });
  await api.connections.remove.mutate({ orgSlug: org.slug, connectionId: first.connectionId });
  const again = await linkDemo(api, org.slug, first.registers);
  const account = again.accounts.find((a) => a.kind === "checking")!;

  await page.goto(`/${org.slug}/feed`);
  await showFeed(page, account.id, "To review");
  const review = await listTotal(page);
  await showFeed(page, account.id, "Possible duplicates");
  const counts = await accountCounts(page);
  expect(counts.flagged).toBeGreaterThan(0);
  expect(await listTotal(page)).toBe(counts.flagged);
  const row = distinctRows(await feedRows(page))[0]!;
  const what = rowName(row);
  expect(row.mark).toBe("Possible duplicate");
  expect(row.note).toContain("Matches the register entry");

  await button(page, `Not a duplicate: ${what}`).click();
  await expect(status(page)).toHaveText("Cleared the duplicate flag on 1 transaction.");
  await expect(button(page, `Not a duplicate: ${what}`)).toHaveCount(0);
  expect(await listTotal(page)).toBe(counts.flagged - 1);
  await expect.poll(() => accountCounts(page)).toEqual({ ...counts, new: counts.new + 1, flagged: counts.flagged - 1 });

  await page.getByLabel("Show", { exact: true }).selectOption({ label: "To review" });
  await page.getByLabel("Search the feed").fill(row.description);
  await expect(button(page, `Hide ${what}`)).toHaveCount(1);
  const cleared = (await feedRows(page)).filter((r) => rowName(r) === what);
  expect(cleared).toEqual([{ ...row, mark: "", state: "New", note: expect.not.stringContaining("Matches") }]);
  await expect(button(page, `Import ${what}`)).toBeEnabled();
  await page.getByRole("button", { name: "Clear filters" }).click();
  await expect.poll(() => listTotal(page)).toBe(review);
});

test("the date range, state and text filters narrow the list, and the counts agree", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  const api = await apiAs(page);
  const { accounts } = await linkDemo(api, org.slug);
  const checking = accounts.find((a) => a.kind === "checking")!;
  // Rows of every state, set up through the API: this test is about the filters.
  const { rows } = await api.feed.list.query({
    orgSlug: org.slug,
    bankAccountId: checking.id,
    view: "review",
    page: 1,
    pageSize: 60,
  });
  await api.feed.import.mutate({
    orgSlug: org.slug,
    transactionIds: rows.filter((_, at) => at % 10 === 1).map((r) => r.id),
  });
  await api.feed.hide.mutate({
    orgSlug: org.slug,
    transactionIds: rows.filter((_, at) => at % 10 === 2).map((r) => r.id),
  });

  await page.goto(`/${org.slug}/feed`);
  await page.getByLabel("Bank account").selectOption(checking.id);
  await expect(page.getByRole("button", { name: "Show hidden (6)" })).toBeVisible();
  const counts = await accountCounts(page);
  expect(counts).toMatchObject({ hidden: 6, imported: 6 });

  await test.step("each state shows its rows, as many as the account's counts say", async () => {
    const views = [
      ["To review", counts.new + counts.flagged, ["New", "Possible duplicate", "Duplicate"]],
      ["New", counts.new, ["New"]],
      ["Possible duplicates", counts.flagged, ["Possible duplicate", "Duplicate"]],
      ["Imported", counts.imported, ["Imported"]],
      [
        "All",
        counts.new + counts.flagged + counts.hidden + counts.imported,
        ["New", "Possible duplicate", "Duplicate", "Hidden", "Imported"],
      ],
    ] as const;
    for (const [view, total, states] of views) {
      await showFeed(page, checking.id, view);
      expect(await listTotal(page), view).toBe(total);
      const shown = await feedRows(page);
      expect(shown.length, view).toBe(Math.min(50, total));
      for (const row of shown) expect(states, `${view}: ${rowName(row)}`).toContain(row.state);
    }
  });

  // All, newest first: a range well inside the first page, so the page shows every row it holds.
  const all = await feedRows(page);
  const [to, from] = [all[4]!.date, all[30]!.date];
  expect(from > all.at(-1)!.date).toBe(true);
  const inRange = all.filter((r) => r.date >= from && r.date <= to);
  expect(inRange.length).toBeLessThan(all.length);
  expect(inRange.filter((r) => r.state === "Imported").length).toBeGreaterThan(0);

  await test.step("the date range", async () => {
    await page.getByLabel("From", { exact: true }).fill(from);
    await page.getByLabel("To", { exact: true }).fill(to);
    await expectList(page, inRange);
  });

  await test.step("text within the range, in any case", async () => {
    const words = [...new Set(inRange.flatMap((r) => r.description.match(/[A-Za-z]{4,}/g) ?? []))];
    const narrowing = (word: string) => inRange.filter((r) => r.description.toLowerCase().includes(word.toLowerCase()));
    const word = words.find((w) => narrowing(w).length > 1 && narrowing(w).length < inRange.length) ?? words[0]!;
    expect(narrowing(word).length).toBeLessThan(inRange.length);
    await page.getByLabel("Search the feed").fill(word.toLowerCase());
    await expectList(page, narrowing(word));
    await page.getByLabel("Search the feed").fill("");
    await expectList(page, inRange);
  });

  await test.step("a state within the range", async () => {
    await page.getByLabel("Show", { exact: true }).selectOption({ label: "Imported" });
    await expectList(
      page,
      inRange.filter((r) => r.state === "Imported"),
    );
    await page.getByRole("button", { name: "Clear filters" }).click();
    await expect.poll(() => listTotal(page)).toBe(counts.imported);
  });
});
