import type { Locator, Page } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import {
  chooseAllAccounts,
  connectionCard,
  enterCredentials,
  expect,
  flowDialog,
  linkInstitution,
  pickInstitution,
  test,
} from "../portal/fixtures";
import {
  accountCounts,
  buttonCount as count,
  feedAccounts,
  feedRows,
  feedTable,
  listTotal,
  showFeed as show,
  type ShownRow,
} from "./fixtures";

// The help article's flow 5, all through the pages: link `demo`, import everything; remove and
// re-add the bank. The new link brings back transactions that are already in the books: the
// link's result and the connection on Manage Institutions say so, per account, with a link to
// that account's possible duplicates; each carries a red Possible duplicate mark naming what it
// matches; Hide all possible duplicates hides them in one action, and the next retrieval never
// offers them again, nor does another re-link. The register never holds an entry twice.

const BANK = "Sandbox Bank (Personal)";

const shown = (row: ShownRow) => `${row.date} ${row.description} ${row.amountCents} ${row.state}`;

const CAME_BACK = /^(.+) ··(\d+): ([\d,]+) transactions? you already have came back — review (them|it)/;

/** The accounts a notice says came back, in order: "Everyday Checking ··1234: 229 transactions you already have came back — review them". */
async function cameBack(where: Locator) {
  const lines = await where.getByText(/transactions? you already have came back/).allInnerTexts();
  return lines.map((line) => {
    const [, name, mask, n] = CAME_BACK.exec(line.trim())!;
    return { account: `${name} ··${mask}`, count: Number(n!.replace(/,/g, "")) };
  });
}

/** Per bank account of the feed: its counts, what waits for review, and the first page of Show hidden. */
async function feedState(page: Page, orgSlug: string) {
  await page.goto(`/${orgSlug}/feed`);
  const state: {
    label: string;
    counts: Awaited<ReturnType<typeof accountCounts>>;
    review: number;
    flaggedShown: number;
    hidden: ShownRow[];
  }[] = [];
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
  for (const value of await choice
    .locator("option")
    .evaluateAll((nodes) => nodes.map((n) => (n as HTMLOptionElement).value))) {
    await choice.selectOption(value);
    await expect(page.getByRole("table")).toHaveAttribute("aria-busy", "false");
    const pager = page.getByRole("navigation", { name: "Pages of entries" });
    await expect(pager).toContainText(/ of [\d,]+ entries/);
    sizes[value] = /of ([\d,]+) entries/.exec(await pager.innerText())![1]!;
  }
  return sizes;
}

test("remove and re-add: re-brought transactions are possible duplicates; hidden, they never come back", async ({
  page,
  org,
}) => {
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

  let returned: Awaited<ReturnType<typeof cameBack>> = [];
  await test.step("remove the bank and add it again into the same registers: the result says what came back", async () => {
    await page.goto(org.institutionsUrl);
    await connectionCard(page, BANK).getByRole("button", { name: "Remove institution" }).click();
    await page
      .getByRole("dialog", { name: `Remove ${BANK}?` })
      .getByRole("button", { name: "Remove", exact: true })
      .click();
    await expect(connectionCard(page, BANK)).toHaveCount(0);
    const dialog = await pickInstitution(page, "sandbox", BANK);
    await enterCredentials(dialog, "demo");
    await chooseAllAccounts(dialog);
    await expect(dialog.getByText(/transactions? you already have came back/).first()).toBeVisible();
    returned = await cameBack(dialog);
    expect(returned).toHaveLength(2);
    for (const r of returned) expect(r.count, r.account).toBeGreaterThan(0);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(flowDialog(page)).toBeHidden();
  });

  await test.step("Manage Institutions says the same on the connection, with a link per account", async () => {
    const card = connectionCard(page, BANK);
    await expect(card.getByText(/transactions? you already have came back/)).toHaveCount(2);
    expect(await cameBack(card)).toEqual(returned);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("each link opens that account's possible duplicates; Hide all hides every page of them in one action", async () => {
    for (const [at, r] of returned.entries()) {
      await page.goto(org.institutionsUrl);
      await connectionCard(page, BANK)
        .getByRole("link", { name: new RegExp(`^review (them|it) \\(${r.account.replace(/[()]/g, "\\$&")}\\)$`) })
        .click();
      await expect(page).toHaveURL(/\/feed\?account=.+&view=flagged$/);
      await expect(page.getByLabel("Bank account").locator("option:checked")).toContainText(r.account);
      await expect(page.getByLabel("Show", { exact: true }).locator("option:checked")).toHaveText(
        "Possible duplicates",
      );
      await expect.poll(() => listTotal(page)).toBe(r.count);
      if (at === 0) expect(r.count, "more than one page").toBeGreaterThan(50);

      const first = feedTable(page).getByRole("row").nth(1);
      await expect(first.getByRole("cell").first()).toHaveText("Possible duplicate");
      await expect(first).toContainText("Matches the register entry");
      await expect(first).toContainText(/Why: .*same amount.* · score [01]\.\d\d/);

      expect(await count(page, /^Hide all possible duplicates/)).toBe(r.count);
      await page.getByRole("button", { name: /^Hide all possible duplicates/ }).click();
      const confirm = page.getByRole("dialog", {
        name: `Hide ${r.count.toLocaleString("en-US")} possible duplicates?`,
      });
      await expect(confirm).toContainText(
        `Every possible duplicate of ${r.account}, on every page: ${r.count.toLocaleString("en-US")} transactions.`,
      );
      await confirm.getByRole("button", { name: `Hide ${r.count.toLocaleString("en-US")} transactions` }).click();
      await expect(page.getByRole("status").filter({ hasText: "Hid" })).toHaveText(
        `Hid ${r.count.toLocaleString("en-US")} possible duplicates. They are under Show hidden, where Un-hide all brings them back.`,
      );
      await expect(confirm).toBeHidden();
      await expect(feedTable(page)).toContainText("Nothing to show here.");
      await expect(page.getByRole("navigation", { name: "Pages of transactions" })).toContainText("No transactions");
    }
  });

  await test.step("the notice is gone once they are reviewed", async () => {
    await page.goto(org.institutionsUrl);
    await expect(connectionCard(page, BANK).getByText("Active", { exact: true })).toBeVisible();
    await expect(connectionCard(page, BANK).getByText(/you already have came back/)).toHaveCount(0);
  });

  const afterHiding = await feedState(page, org.slug);
  for (const account of afterHiding) {
    expect(account.review, account.label).toBe(0);
    expect(account.counts, account.label).toMatchObject({ new: 0, flagged: 0 });
    expect(account.counts.hidden, account.label).toBe(returned.find((r) => account.label.includes(r.account))!.count);
    for (const row of account.hidden)
      expect(row.note, shown(row)).toContain("Hidden by you with Hide all possible duplicates.");
  }

  await test.step("retrieve again: nothing comes back to review; the hidden stay under Show hidden", async () => {
    await page.goto(org.institutionsUrl);
    const card = connectionCard(page, BANK);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("status").filter({ hasText: /transactions? arrived/ })).toBeVisible();
    await expect(card.getByText(/you already have came back/)).toHaveCount(0);

    const now = await feedState(page, org.slug);
    expect(now.map((a) => a.label)).toEqual(afterHiding.map((a) => a.label));
    for (const [at, account] of now.entries()) {
      const before = afterHiding[at]!;
      expect(account.review, account.label).toBe(0);
      expect(account.flaggedShown, account.label).toBe(0);
      expect(account.counts, account.label).toMatchObject({ new: 0, flagged: 0, imported: 0 });
      // A pending transaction the customer hid may have posted meanwhile: it is hidden with it.
      expect(account.counts.hidden, account.label).toBeGreaterThanOrEqual(before.counts.hidden);
      for (const row of account.hidden) expect(row.note, shown(row)).toMatch(/Hidden by you|Hidden automatically/);
    }
  });

  await test.step("remove and re-add the bank once more: what was hidden is not offered again", async () => {
    await page.goto(org.institutionsUrl);
    await connectionCard(page, BANK).getByRole("button", { name: "Remove institution" }).click();
    await page
      .getByRole("dialog", { name: `Remove ${BANK}?` })
      .getByRole("button", { name: "Remove", exact: true })
      .click();
    await expect(connectionCard(page, BANK)).toHaveCount(0);
    await linkInstitution(page, "sandbox", BANK, "demo");
    await expect(connectionCard(page, BANK).getByText(/you already have came back/)).toHaveCount(0);

    const relinked = await feedState(page, org.slug);
    expect(relinked.map((a) => a.label)).toEqual(afterHiding.map((a) => a.label));
    for (const [at, account] of relinked.entries()) {
      expect(account.review, account.label).toBe(0);
      expect(account.flaggedShown, account.label).toBe(0);
      // The same transactions, one each, all hidden again: none dropped, none offered.
      expect(account.counts, account.label).toEqual({
        new: 0,
        flagged: 0,
        hidden: afterHiding[at]!.counts.hidden,
        imported: 0,
      });
      for (const row of account.hidden) expect(row.note, shown(row)).toContain("Hidden automatically");
    }
  });

  await test.step("the register has no doubled entry", async () => {
    expect(await registerSizes(page, org.slug)).toEqual(imported);
  });
});
