import type { Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ofxText, type OfxRow } from "@/server/statements/testing/ofx";
import { linkDemo, feedRows, feedTable, registerRows, rowName, showFeed } from "../feed/fixtures";
import { expect, test } from "../portal/fixtures";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { apiAs } from "../support/trpc";

// Bank feed → Import statement, through the pages: a file of two accounts is read and shown before anything is
// saved, each account goes where the person says, its rows are flagged against what a connection brought and
// against entries typed by hand, Match and Find a match link them, the register undoes a match, and a cut-off
// file is refused whole.

const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10);
const dialog = (page: Page) => page.getByRole("dialog", { name: /Import a statement file|Statement imported/ });
const row = (page: Page, name: string) =>
  feedTable(page)
    .getByRole("row")
    .filter({ has: page.getByRole("button", { name: `Hide ${name}`, exact: true }) });

async function chooseFile(page: Page, name: string, content: string | Buffer) {
  await page.getByRole("button", { name: "Import statement" }).click();
  await dialog(page)
    .getByLabel("Statement file")
    .setInputFiles({
      name,
      mimeType: "application/x-ofx",
      buffer: Buffer.isBuffer(content) ? content : Buffer.from(content),
    });
}

test("import a statement: preview, where each account goes, duplicates of a re-link and of typed entries, Match, Find a match", async ({
  page,
  org,
}) => {
  test.setTimeout(180_000);
  await org.signInAs(page, "OWNER");
  const api = await apiAs(page);
  const { accounts, registers } = await linkDemo(api, org.slug);
  const checking = accounts.find((a) => a.kind === "checking")!;
  await api.feed.importAllNew.mutate({ orgSlug: org.slug, bankAccountId: checking.id });
  // Three transactions the connection brought, as the bank's statement shows them again.
  const imported = (
    await api.feed.list.query({ orgSlug: org.slug, bankAccountId: checking.id, view: "imported", pageSize: 200 })
  ).rows;
  const known = [
    ...new Map(imported.filter((r) => !r.pending).map((r) => [`${r.date}|${r.amountCents}`, r])).values(),
  ].slice(5, 8);
  // The bookkeeper typed the rent and a printer-ink purchase into the books by hand.
  await api.register.addEntry.mutate({
    orgSlug: org.slug,
    registerId: registers.checking!,
    date: day(4),
    description: "Rent",
    amountCents: -281_337,
    checkNumber: null,
  });
  await api.register.addEntry.mutate({
    orgSlug: org.slug,
    registerId: registers.checking!,
    date: day(20),
    description: "Printer ink",
    amountCents: -12_345,
    checkNumber: null,
  });

  const checkingRows: OfxRow[] = [
    ...known.map((r, at) => ({ fitid: `K${at}`, date: r.date, amountCents: r.amountCents, name: r.description })),
    { fitid: "R1", date: day(3), amountCents: -281_337, name: "MAPLE PROPERTIES RENT" },
    { fitid: "P1", date: day(6), amountCents: -12_345, name: "PAYPAL *XJ8822" },
    { fitid: "N1", date: day(2), amountCents: -4_977, name: "OFFICE DEPOT #412" },
  ];
  const file = ofxText([
    { number: "000123456789", rows: checkingRows },
    {
      number: "000987650042",
      kind: "SAVINGS",
      rows: [{ fitid: "S1", date: day(2), amountCents: 311, name: "INTEREST PAYMENT" }],
    },
  ]);

  const feedTotal = async () =>
    (await api.feed.list.query({ orgSlug: org.slug, bankAccountId: checking.id, view: "all" })).total;
  const before = await feedTotal();
  await page.goto(`/${org.slug}/feed`);
  await test.step("the file is read and shown before anything is saved", async () => {
    await chooseFile(page, "march.ofx", file);
    await expect(dialog(page)).toContainText("Read march.ofx as OFX: 2 accounts.");
    const table = dialog(page).getByRole("table", { name: "Accounts found in the file" });
    await expect(
      table
        .getByRole("row", { name: /Checking ••••6789/ })
        .getByRole("cell")
        .first(),
    ).toHaveText("6");
    await expect(table.getByRole("row", { name: /Savings ••••0042/ })).toContainText("$3.11");
    expect(await feedTotal()).toBe(before);
    await expectNoSeriousA11yViolations(page);
  });

  await test.step("each account of the file goes where the person says", async () => {
    await dialog(page).getByLabel("Where Checking ••••6789 goes").selectOption(`bank:${checking.id}`);
    await dialog(page).getByLabel("Where Savings ••••0042 goes").selectOption(`register:${registers.savings!}`);
    await dialog(page).getByRole("button", { name: "Import 7 transactions" }).click();
    await expect(dialog(page).getByRole("heading", { name: "Statement imported" })).toBeVisible();
    await expect(dialog(page)).toContainText(`${checking.name}: 6 new rows in the feed, 4 possible duplicates flagged`);
    await expect(dialog(page)).toContainText("(statement files): 1 new row in the feed");
    await dialog(page).getByRole("button", { name: "Done" }).click();
  });

  await showFeed(page, checking.id, "To review");
  await test.step("rows a connection brought are possible duplicates; the rent matches the entry typed by hand", async () => {
    const shown = await feedRows(page);
    for (const r of known)
      expect(
        shown.find((s) => s.date === r.date && s.amountCents === r.amountCents && s.description === r.description),
      ).toMatchObject({ mark: "Possible duplicate" });
    const rent = shown.find((s) => s.description === "MAPLE PROPERTIES RENT")!;
    expect(rent.mark).toBe("Matches an entry in the books");
    expect(rent.note).toContain("Rent");
    await feedTable(page)
      .getByRole("button", { name: `Match ${rowName(rent)} to the entry in the books` })
      .click();
    await expect(feedTable(page).getByText("MAPLE PROPERTIES RENT")).toHaveCount(0);
  });

  await test.step("Find a match links a row the matcher left new to the entry the person picks", async () => {
    const paypal = (await feedRows(page)).find((s) => s.description === "PAYPAL *XJ8822")!;
    expect(paypal).toMatchObject({ mark: "", state: "New" });
    await row(page, rowName(paypal))
      .getByRole("button", { name: `Find a match for ${rowName(paypal)}` })
      .click();
    const finder = page.getByRole("dialog", { name: "Find a match" });
    await finder.getByLabel("From").fill(day(40));
    await finder.getByRole("button", { name: "Search" }).click();
    await finder.getByRole("button", { name: /^Match to Printer ink on / }).click();
    await expect(finder).toBeHidden();
    await expect(feedTable(page).getByText("PAYPAL *XJ8822")).toHaveCount(0);
    await showFeed(page, checking.id, "Imported");
    const matched = (await feedRows(page))
      .filter((s) => s.state === "Matched")
      .map((s) => s.description)
      .sort();
    expect(matched).toEqual(["MAPLE PROPERTIES RENT", "PAYPAL *XJ8822"]);
  });

  await test.step("the register shows the entries cleared, in the bookkeeper's words, and undoes a match", async () => {
    await page.goto(`/${org.slug}/register`);
    await page.getByRole("combobox", { name: "Register", exact: true }).selectOption(registers.checking!);
    const entries = await registerRows(page);
    const rent = entries.find((e) => e.description === "Rent")!;
    expect(rent).toMatchObject({ date: day(3), amountCents: -281_337 });
    expect(rent.source).toContain("Cleared");
    expect(rent.source).toContain("Matched to the bank's");
    await page.getByRole("button", { name: "Undo the match of MAPLE PROPERTIES RENT" }).click();
    await expect.poll(async () => (await registerRows(page)).find((e) => e.description === "Rent")?.date).toBe(day(4));
    await page.goto(`/${org.slug}/feed`);
    await showFeed(page, checking.id, "To review");
    expect((await feedRows(page)).find((s) => s.description === "MAPLE PROPERTIES RENT")).toMatchObject({
      mark: "Matches an entry in the books",
    });
  });

  await test.step("the same file again adds nothing", async () => {
    await chooseFile(page, "march.ofx", file);
    await dialog(page).getByLabel("Where Checking ••••6789 goes").selectOption(`bank:${checking.id}`);
    await expect(dialog(page).getByLabel("Where Savings ••••0042 goes")).not.toHaveValue("");
    await dialog(page).getByRole("button", { name: "Import 7 transactions" }).click();
    await expect(dialog(page)).toContainText(
      "Everything in this file was in the feed already; nothing was added twice.",
    );
  });
});

test("a cut-off statement file is refused whole, naming where it breaks", async ({ page, org }) => {
  await org.signInAs(page, "MEMBER");
  await page.goto(`/${org.slug}/feed`);
  await chooseFile(
    page,
    "truncated.ofx",
    readFileSync(path.join(process.cwd(), "server/statements/fixtures/truncated.ofx")),
  );
  await expect(dialog(page).getByRole("alert")).toHaveText(
    "truncated.ofx cannot be imported: line 60: the file ends inside <STMTTRN> opened on line 55: it looks cut off (download it again). Nothing was saved.",
  );
  await expect(dialog(page).getByRole("button", { name: /^Import \d+ transaction/ })).toHaveCount(0);
  expect(await (await apiAs(page)).feed.accounts.query({ orgSlug: org.slug })).toEqual([]);
});
