import type { Page } from "@playwright/test";
import { connectionCard, expect, linkInstitution, test } from "../portal/fixtures";

// The help article's flow 5, all through the pages: link `demo`, import everything; remove and
// re-add the bank. The new link brings back transactions that are already in the books; each
// carries a red Possible duplicate mark naming what it matches; Hide removes it, and the next
// retrieval never offers it again. The register never holds an entry twice.

const BANK = "Sandbox Bank (Personal)";

const feedTable = (page: Page) => page.getByRole("table", { name: /Bank feed transactions|Hidden transactions/ });
const count = async (page: Page, name: RegExp) => Number(/\((\d+)\)/.exec(await page.getByRole("button", { name }).innerText())![1]);

/** The bank accounts the feed offers (not those of removed connections). */
async function feedAccounts(page: Page) {
  const options = page.getByLabel("Bank account").locator("option");
  await expect(options.first()).toBeAttached();
  const all = await options.evaluateAll((nodes) => nodes.map((n) => ({ value: (n as HTMLOptionElement).value, label: n.textContent ?? "" })));
  return all.filter((o) => !o.label.includes("(removed)"));
}

async function show(page: Page, bankAccountId: string, view: "To review" | "Possible duplicates") {
  await page.getByLabel("Bank account").selectOption(bankAccountId);
  await page.getByLabel("Show", { exact: true }).selectOption({ label: view });
  await expect(feedTable(page)).toHaveAttribute("aria-busy", "false");
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

  await test.step("retrieve again: the hidden transactions do not come back", async () => {
    await page.goto(org.institutionsUrl);
    const card = connectionCard(page, BANK);
    await card.getByRole("button", { name: "Retrieve Transactions" }).click();
    await expect(card.getByRole("status").filter({ hasText: /transactions? arrived/ })).toBeVisible();

    await page.goto(`/${org.slug}/feed`);
    for (const account of await feedAccounts(page)) {
      await show(page, account.value, "To review");
      await expect(feedTable(page).getByText("Possible duplicate")).toHaveCount(0);
      await page.getByRole("button", { name: /^Show hidden/ }).click();
      await expect(feedTable(page).getByRole("row").nth(1)).toContainText(/Hidden (by you|automatically)/);
      await page.getByRole("button", { name: "Back to the feed" }).click();
    }
  });

  await test.step("the register has no doubled entry", async () => {
    expect(await registerSizes(page, org.slug)).toEqual(imported);
  });
});
