import { expect, test, type Page } from "@playwright/test";
import { apiAs, type Api } from "../support/trpc";
import { storageStateOf } from "../support/users";
import { linkDemo, newOrganization } from "./fixtures";

// The help article's flow 5: remove and re-add a bank. The new link brings back transactions
// that are already in the books; each carries a red Possible duplicate mark naming what it
// matches; Hide removes it, and a later retrieval never offers it again.

test.use({ storageState: storageStateOf("owner") });

const table = (page: Page) => page.getByRole("table", { name: /Bank feed transactions|Hidden transactions/ });

async function showAccount(page: Page, bankAccountId: string, view: "To review" | "Possible duplicates" | "New") {
  await page.getByLabel("Bank account").selectOption(bankAccountId);
  await page.getByLabel("Show", { exact: true }).selectOption({ label: view });
  await expect(table(page).getByText("Loading transactions…")).toHaveCount(0);
}

async function entryCounts(api: Api, orgSlug: string) {
  return Object.fromEntries((await api.register.list.query({ orgSlug })).map((r) => [r.id, r.entryCount]));
}

test("a re-link's transactions come back as possible duplicates; hidden, they never come back", async ({ page }) => {
  test.setTimeout(120_000);
  const org = await newOrganization({ owner: "OWNER" });
  await page.goto(`/${org.slug}/feed`);
  const api = await apiAs(page);
  const first = await linkDemo(api, org.slug);

  await test.step("import all new transactions of both accounts", async () => {
    await page.reload();
    for (const account of first.accounts) {
      await showAccount(page, account.id, "To review");
      const importAll = page.getByRole("button", { name: /^Import all new \(\d+\)$/ });
      await expect(importAll).toBeEnabled();
      const count = Number(/\((\d+)\)/.exec(await importAll.innerText())![1]);
      expect(count).toBeGreaterThan(0);
      await importAll.click();
      await expect(page.getByRole("status")).toContainText(`Imported ${count} transaction`);
      await expect(table(page).getByRole("row")).toHaveCount(2);
      await expect(table(page)).toContainText("Nothing to show here.");
    }
  });
  const imported = await entryCounts(api, org.slug);
  expect(Object.values(imported).every((count) => count > 0)).toBe(true);

  await api.connections.remove.mutate({ orgSlug: org.slug, connectionId: first.connectionId });
  const second = await linkDemo(api, org.slug, first.registers);

  await test.step("the re-brought transactions carry Possible duplicate, naming the register entry; hide them", async () => {
    await page.reload();
    for (const account of second.accounts) {
      await showAccount(page, account.id, "Possible duplicates");
      const firstRow = table(page).getByRole("row").nth(1);
      await expect(firstRow.getByRole("cell").first()).toHaveText("Possible duplicate");
      await expect(firstRow).toContainText("Matches the register entry");
      await expect(firstRow).toContainText(/Why: .*same amount.* · score [01]\.\d\d/);

      const flagged = Number(/of ([\d,]+) transactions/.exec(await page.getByRole("navigation", { name: "Pages of transactions" }).innerText())![1]!.replace(",", ""));
      expect(flagged).toBeGreaterThanOrEqual(Math.floor(imported[account.register!.id]! * 0.9));
      let hidden = 0;
      while (hidden < flagged) {
        const selectAll = page.getByRole("checkbox", { name: "Select all on this page" });
        await expect(selectAll).toBeEnabled();
        await selectAll.check();
        const hide = page.getByRole("button", { name: /^Hide selected \(\d+\)$/ });
        const count = Number(/\((\d+)\)/.exec(await hide.innerText())![1]);
        await hide.click();
        await expect(page.getByRole("status")).toContainText(`Hid ${count} transaction`);
        hidden += count;
      }
      await expect(table(page)).toContainText("Nothing to show here.");
    }
  });

  await test.step("retrieve again: the hidden transactions do not come back", async () => {
    const retrieved = await api.connections.retrieve.mutate({ orgSlug: org.slug, connectionId: second.connectionId });
    expect(retrieved).toMatchObject({ kind: "connected", status: "ACTIVE" });
    await page.reload();
    for (const account of second.accounts) {
      await showAccount(page, account.id, "To review");
      await expect(table(page).getByText("Possible duplicate")).toHaveCount(0);
      await page.getByRole("button", { name: /^Show hidden/ }).click();
      await expect(table(page).getByRole("row").nth(1)).toContainText(/Hidden (by you|automatically)/);
      await page.getByRole("button", { name: "Back to the feed" }).click();
    }
  });

  await test.step("the register has no doubled entry", async () => {
    expect(await entryCounts(api, org.slug)).toEqual(imported);
    await page.goto(`/${org.slug}/register`);
    for (const account of second.accounts) {
      await page.getByRole("combobox", { name: "Register", exact: true }).selectOption(account.register!.id);
      await expect(page.getByText(`${imported[account.register!.id]!.toLocaleString("en-US")} entries`, { exact: false }).first()).toBeVisible();
    }
  });
});
