import type { Page } from "@playwright/test";
import { connectionCard, expect, linkInstitution, test } from "../portal/fixtures";
import { accountCounts, buttonCount as count, feedAccounts, feedRows, feedTable, listTotal, showFeed as show, type ShownRow } from "./fixtures";

// The help article's flow 5, all through the pages: link `demo`, import everything; remove and
// re-add the bank. The new link brings back transactions that are already in the books; each
// carries a red Possible duplicate mark naming what it matches; Hide removes it, and the next
// retrieval never offers it again, nor does another re-link. The register never holds an
// entry twice.

const BANK = "Sandbox Bank (Personal)";

const shown = (row: ShownRow) => `${row.date} ${row.description} ${row.amountCents} ${row.state}`;

/** Per bank account of the feed: its counts, what waits for review, and the first page of Show hidden. */
async function feedState(page: Page, orgSlug: string) {
  await page.goto(`/${orgSlug}/feed`);
  const state: { label: string; counts: Awaited<ReturnType<typeof accountCounts>>; review: number; flaggedShown: number; hidden: ShownRow[] }[] = [];
  for (const account of await feedAccounts(page)) {
    await show(page, account.value, "To review");
    const counts = await accountCounts(page);
    const review = await listTotal(page);
    const flaggedShown = await feedTable(page).getByText("Possible duplicate", { exact: true }).count();
    await page.getByRole("button", { name: `Show hidden (${counts.hidden})` }).click();
    await expect(page.getByRole("table", { name: /^Hidden transactions/ })).toBeVisible();
    await expect.poll(() => listTotal(page)).toBe(counts.hidden);
    const hidden = await feedRows(page);
    await page.getByRole("button", { name: "Back to the feed" }).click();
    state.push({ label: account.label, counts, review, flaggedShown, hidden });
  }
  return state;
}

async function registerSizes(page: Page, orgSlug: string) {
  await page.goto(`/${orgSlug}/register`);
  const choice = page.getByRole("combobox", { name: "Register", exact: true });
  await expect(choice.locator("option").first()).toBeAttached();
  const sizes: Record<string, string> = {};
  for (const value of await choice.locator("option").evaluateAll((nodes) => nodes.map((n) => (n as HTMLOptionElement).value))) {
    await choice.selectOption(value);
    await expect(page.getByRole("table")).toHaveAttribute("aria-busy", "false");
    const pager = page.getByRole("navigation", { name: "Pages of entries" });
    await expect(pager).toContainText(/ of [\d,]+ entries/);
    sizes[value] = /of ([\d,]+) entries/.exec(await pager.innerText())![1]!;
  }
  return sizes;
}

test("remove and re-add: re-brought transactions are possible duplicates; hidden, they never come back", async ({ page, org }) => {
  test.setTimeout(180_000);
  await org.signInAs(page, "OWNER");
  await linkInstitution(page, "sandbox", BANK, "demo");

  await test.step("import all new transactions of both accounts", async () => {
    await page.goto(`/${org.slug}/feed`);
    const accounts = await feedAccounts(page);
    expect(accounts).toHaveLength(2);
    for (const account of accounts) {
      await show(page, account.value, "To review");
      const n = await count(page, /^Import all new/);
      expect(n).toBeGreaterThan(0);
      await page.getByRole("button", { name: /^Import all new/ }).click();
      await expect(page.getByRole("status")).toContainText(`Imported ${n} transaction`);
      await expect(feedTable(page)).toContainText("Nothing to show here.");
    }
  });
  const imported = await registerSizes(page, org.slug);

  await test.step("remove the bank and add it again into the same registers", async () => {
    await page.goto(org.institutionsUrl);
    await connectionCard(page, BANK).getByRole("button", { name: "Remove institution" }).click();
    await page.getByRole("dialog", { name: `Remove ${BANK}?` }).getByRole("button", { name: "Remove", exact: true }).click();
    await expect(connectionCard(page, BANK)).toHaveCount(0);
    await linkInstitution(page, "sandbox", BANK, "demo");
  });

  await test.step("the re-brought transactions carry Possible duplicate, naming the register entry; hide them", async () => {
    await page.goto(`/${org.slug}/feed`);
    for (const account of await feedAccounts(page)) {
      await show(page, account.value, "Possible duplicates");
      const first = feedTable(page).getByRole("row").nth(1);
      await expect(first.getByRole("cell").first()).toHaveText("Possible duplicate");
      await expect(first).toContainText("Matches the register entry");
      await expect(first).toContainText(/Why: .*same amount.* · score [01]\.\d\d/);

      const pager = page.getByRole("navigation", { name: "Pages of transactions" });
      let remaining = Number(/of ([\d,]+) transactions/.exec(await pager.innerText())![1]!.replace(/,/g, ""));
      while (remaining > 0) {
        await page.getByRole("checkbox", { name: "Select all on this page" }).check();
        const n = await count(page, /^Hide selected/);
        await page.getByRole("button", { name: /^Hide selected/ }).click();
        await expect(page.getByRole("status")).toContainText(`Hid ${n} transaction`);
        remaining -= n;
        await expect(pager).toContainText(remaining === 0 ? "No transactions" : `of ${remaining.toLocaleString("en-US")} transactions`);
      }
      await expect(feedTable(page)).toContainText("Nothing to show here.");
    }
  });

  const afterHiding = await feedState(page, org.slug);
  for (const account of afterHiding) {
    expect(account.review, account.label).toBe(0);
    expect(account.counts, account.label).toMatchObject({ new: 0, flagged: 0 });
    for (const row of account.hidden) expect(row.note, shown(row)).toContain("Hidden by you.");
  }

  await test.step("retrieve again: nothing comes back to review; the hidden stay under Show hidden", async () => {
    await page.goto(org.institutionsUrl);
    const card = connectionCard(page, BANK);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("status").filter({ hasText: /transactions? arrived/ })).toBeVisible();

    const now = await feedState(page, org.slug);
    expect(now.map((a) => a.label)).toEqual(afterHiding.map((a) => a.label));
    for (const [at, account] of now.entries()) {
      const before = afterHiding[at]!;
      expect(account.review, account.label).toBe(0);
      expect(account.flaggedShown, account.label).toBe(0);
      expect(account.counts, account.label).toMatchObject({ new: 0, flagged: 0, imported: 0 });
      // A pending transaction the customer hid may have posted meanwhile: it is hidden with it.
      expect(account.counts.hidden, account.label).toBeGreaterThanOrEqual(before.counts.hidden);
      for (const row of account.hidden) expect(row.note, shown(row)).toMatch(/Hidden by you\.|Hidden automatically/);
    }
  });

  await test.step("remove and re-add the bank once more: what was hidden is not offered again", async () => {
    await page.goto(org.institutionsUrl);
    await connectionCard(page, BANK).getByRole("button", { name: "Remove institution" }).click();
    await page.getByRole("dialog", { name: `Remove ${BANK}?` }).getByRole("button", { name: "Remove", exact: true }).click();
    await expect(connectionCard(page, BANK)).toHaveCount(0);
    await linkInstitution(page, "sandbox", BANK, "demo");

    const relinked = await feedState(page, org.slug);
    expect(relinked.map((a) => a.label)).toEqual(afterHiding.map((a) => a.label));
    for (const [at, account] of relinked.entries()) {
      expect(account.review, account.label).toBe(0);
      expect(account.flaggedShown, account.label).toBe(0);
      // The same transactions, one each, all hidden again: none dropped, none offered.
      expect(account.counts, account.label).toEqual({ new: 0, flagged: 0, hidden: afterHiding[at]!.counts.hidden, imported: 0 });
      for (const row of account.hidden) expect(row.note, shown(row)).toContain("Hidden automatically");
    }
  });

  await test.step("the register has no doubled entry", async () => {
    expect(await registerSizes(page, org.slug)).toEqual(imported);
  });
});
