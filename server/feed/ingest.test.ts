import { beforeAll, describe, expect, it } from "vitest";
import { removeConnection } from "@/server/connections/engine";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { ingestBankTransactions } from "./ingest";
import { hideTransactions, importAllNew, importTransactions } from "./review";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "./testing/books";
import type { Transaction } from "@/server/aggregator/client";

// Ingest against a real database: what a retrieval leaves in the feed, and how it meets the
// register and the hidden tombstones.

let fx: OrgFixture;
const db = () => testDb();

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Feed ingest");
});

const ingest = (books: Books, transactions: Transaction[]) =>
  ingestBankTransactions(db(), { organizationId: fx.org.id, bankAccountId: books.bankAccountId, transactions });

const feedOf = (books: Books) =>
  db().feedTransaction.findMany({
    where: { bankAccountId: books.bankAccountId },
    orderBy: [{ date: "asc" }, { amountCents: "asc" }, { id: "asc" }],
  });

const actor = () => ({ organizationId: fx.org.id, actorUserId: fx.users.MEMBER.id });

async function importAll(books: Books) {
  return importAllNew(db(), { ...actor(), bankAccountId: books.bankAccountId });
}

/** Removes the connection as Manage Institutions does and links the bank again into the same register. */
async function relink(books: Books): Promise<Books> {
  await removeConnection(
    { db: db(), aggregator: testAggregator(), log },
    { organizationId: fx.org.id, connectionId: books.connectionId, actorUserId: fx.users.OWNER.id },
  );
  return createBooks(db(), fx.org.id, { registerId: books.registerId });
}

function history(): Transaction[] {
  return [
    bankTransaction({ postedDate: daysAgo(40), amountCents: -4_512, description: "SHELL OIL 57444 SPRINGFIELD IL" }),
    bankTransaction({ postedDate: daysAgo(33), amountCents: 250_000, description: "ADP WAGE PAY" }),
    bankTransaction({ postedDate: daysAgo(30), amountCents: -12_000, description: "CHECK 1043", checkNumber: "1043" }),
    bankTransaction({ postedDate: daysAgo(21), amountCents: -2_999, description: "STAPLES #00123" }),
    bankTransaction({ postedDate: daysAgo(12), amountCents: -8_650, description: "COSTCO WHSE #0123" }),
  ];
}

describe("ingest", () => {
  it("adds a first retrieval as new rows and a repeat of it changes nothing", async () => {
    const books = await createBooks(db(), fx.org.id);
    const transactions = history();
    const first = await ingest(books, transactions);
    expect(first).toMatchObject({ received: 5, added: 5, updated: 0, flagged: 0, hidden: 0 });
    const before = await feedOf(books);
    expect(before.map((row) => row.state)).toEqual(["NEW", "NEW", "NEW", "NEW", "NEW"]);

    const again = await ingest(books, transactions);
    expect(again).toMatchObject({ received: 5, added: 0, updated: 0 });
    expect(await feedOf(books)).toEqual(before);
  });

  it("two ingests of the same retrieval at once add each transaction once", async () => {
    const books = await createBooks(db(), fx.org.id);
    const transactions = history();
    const results = await Promise.all([
      ingest(books, transactions),
      ingest(books, transactions),
      ingest(books, transactions),
    ]);
    expect(results.map((r) => r.added).sort()).toEqual([0, 0, 5]);
    expect(await feedOf(books)).toHaveLength(5);
  });

  it("a re-link brings the imported transactions back flagged, naming the register entry and why", async () => {
    const books = await createBooks(db(), fx.org.id);
    const transactions = history();
    await ingest(books, transactions);
    expect(await importAll(books)).toEqual({ imported: 5, alreadyImported: 0, flaggedLeft: 0 });

    const again = await relink(books);
    const moved = transactions.map((t, at) =>
      relinked(t, at === 0 ? { postedDate: daysAgo(39) } : at === 3 ? { description: "Staples Springfield" } : {}),
    );
    const result = await ingest(again, moved);
    expect(result).toMatchObject({ added: 5, flagged: 5, hidden: 0 });

    const entries = await db().registerEntry.findMany({
      where: { registerId: books.registerId },
      select: { id: true, description: true },
    });
    const rows = await feedOf(again);
    for (const row of rows) {
      expect(row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE").toBe(true);
      const entry = entries.find((e) => e.id === row.matchRegisterEntryId);
      expect(entry, `match of ${row.description}`).toBeDefined();
      expect(row.matchScore).toBeGreaterThan(0.5);
      expect((row.matchReasons as string[]).length).toBeGreaterThan(0);
    }
    const shell = rows.find((row) => row.description.startsWith("SHELL"))!;
    expect(shell.matchReasons).toEqual(expect.arrayContaining([expect.stringMatching(/1 day/)]));
    const check = rows.find((row) => row.checkNumber === "1043")!;
    expect((check.matchReasons as string[]).join(" ")).toMatch(/check number 1043/);
  });

  it("stores each tier as its own state: a sure duplicate, a possible one (dates 5 days apart), a new row", async () => {
    const books = await createBooks(db(), fx.org.id);
    await ingest(books, history());
    await importAll(books);
    const again = await relink(books);
    const [shell, wages] = history();
    await ingest(again, [
      relinked(shell!),
      relinked(wages!, { postedDate: daysAgo(28) }),
      bankTransaction({ postedDate: daysAgo(5), amountCents: -1_875, description: "OFFICE DEPOT #2231" }),
    ]);
    const rows = await feedOf(again);
    const state = (description: string) => rows.find((row) => row.description.startsWith(description))!;
    expect(state("SHELL")).toMatchObject({ state: "DUPLICATE" });
    expect(state("ADP")).toMatchObject({ state: "POSSIBLE_DUPLICATE" });
    expect(state("ADP").matchReasons).toEqual(expect.arrayContaining(["dates 5 days apart"]));
    expect(state("SHELL").matchScore!).toBeGreaterThan(state("ADP").matchScore!);
    expect(state("OFFICE DEPOT")).toMatchObject({ state: "NEW", matchRegisterEntryId: null });
  });

  it("a hidden duplicate is never offered again, even after another re-link", async () => {
    const books = await createBooks(db(), fx.org.id);
    const transactions = history();
    await ingest(books, transactions);
    await importAll(books);

    const second = await relink(books);
    const secondBatch = transactions.map((t) => relinked(t));
    await ingest(second, secondBatch);
    const flagged = await feedOf(second);
    expect(flagged.every((row) => row.state !== "NEW")).toBe(true);
    await hideTransactions(db(), { ...actor(), transactionIds: flagged.map((row) => row.id) });

    expect(await ingest(second, secondBatch)).toMatchObject({ added: 0, updated: 0 });
    expect((await feedOf(second)).every((row) => row.state === "HIDDEN")).toBe(true);

    const third = await relink(second);
    const result = await ingest(
      third,
      transactions.map((t, at) => relinked(t, at === 1 ? { postedDate: daysAgo(32) } : {})),
    );
    expect(result).toMatchObject({ added: 0, flagged: 0, hidden: 5 });
    const rows = await feedOf(third);
    expect(rows.every((row) => row.state === "HIDDEN" && row.hiddenById === null && row.hiddenAt !== null)).toBe(true);
    expect(await db().registerEntry.count({ where: { registerId: books.registerId } })).toBe(5);
  });

  it("a transaction hidden as new is hidden again when a re-link brings it back", async () => {
    const books = await createBooks(db(), fx.org.id);
    const junk = bankTransaction({
      postedDate: daysAgo(5),
      amountCents: -100,
      description: "TEMPORARY AUTHORIZATION HOLD",
    });
    await ingest(books, [junk]);
    const [row] = await feedOf(books);
    await hideTransactions(db(), { ...actor(), transactionIds: [row!.id] });

    const again = await relink(books);
    await ingest(again, [relinked(junk)]);
    const [back] = await feedOf(again);
    expect(back).toMatchObject({ state: "HIDDEN", matchFeedTransactionId: row!.id });
    expect(back!.matchReasons).toEqual(expect.arrayContaining(["matches a transaction hidden earlier"]));
  });

  it("two identical coffees on one day stay two, and a re-link flags both, one entry each", async () => {
    const books = await createBooks(db(), fx.org.id);
    const day = daysAgo(8);
    const coffees = [1, 2].map(() =>
      bankTransaction({ postedDate: day, amountCents: -500, description: "SQ *BLUE BOTTLE COFFEE" }),
    );
    expect(await ingest(books, coffees)).toMatchObject({ added: 2, flagged: 0 });
    await importAll(books);
    expect(await db().registerEntry.count({ where: { registerId: books.registerId } })).toBe(2);

    const again = await relink(books);
    const third = bankTransaction({ postedDate: day, amountCents: -500, description: "SQ *BLUE BOTTLE COFFEE" });
    await ingest(again, [...coffees.map((t) => relinked(t)), third]);
    const rows = await feedOf(again);
    const flagged = rows.filter((row) => row.state !== "NEW");
    expect(flagged).toHaveLength(2);
    expect(new Set(flagged.map((row) => row.matchRegisterEntryId)).size).toBe(2);
    expect(rows.filter((row) => row.state === "NEW")).toHaveLength(1);
  });

  it("a posted transaction replaces its pending row in the feed, with the tip it grew by", async () => {
    const books = await createBooks(db(), fx.org.id);
    const pending = bankTransaction({
      postedDate: daysAgo(2),
      amountCents: -2_400,
      description: "TST* PANERA BREAD 601",
      pending: true,
    });
    await ingest(books, [pending]);
    const [pendingRow] = await feedOf(books);
    expect(pendingRow).toMatchObject({ pending: true, state: "NEW" });

    const posted = bankTransaction({
      postedDate: daysAgo(1),
      amountCents: -2_880,
      description: "TST* PANERA BREAD 601",
      pendingTransactionId: pending.id,
    });
    expect(await ingest(books, [posted])).toMatchObject({ added: 0, updated: 1 });
    const rows = await feedOf(books);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      id: pendingRow!.id,
      providerTransactionId: posted.id,
      pendingProviderTransactionId: pending.id,
      pending: false,
      amountCents: -2_880,
      state: "NEW",
    });
  });

  it("a posted transaction whose pending one was imported is a duplicate by its pending link", async () => {
    const books = await createBooks(db(), fx.org.id);
    const pending = bankTransaction({
      postedDate: daysAgo(2),
      amountCents: -1_850,
      description: "UBER *TRIP",
      pending: true,
    });
    await ingest(books, [pending]);
    await importAll(books);
    const [entry] = await db().registerEntry.findMany({ where: { registerId: books.registerId } });

    const posted = bankTransaction({
      postedDate: daysAgo(1),
      amountCents: -2_100,
      description: "UBER TRIP HELP.UBER.COM",
      pendingTransactionId: pending.id,
    });
    expect(await ingest(books, [posted])).toMatchObject({ added: 1, flagged: 1 });
    const row = (await feedOf(books)).find((r) => r.providerTransactionId === posted.id)!;
    expect(row).toMatchObject({ state: "DUPLICATE", matchRegisterEntryId: entry!.id });
    expect(row.matchReasons).toEqual(expect.arrayContaining(["posted version of a pending transaction"]));
  });

  it("a pending transaction and its posted successor in one retrieval become one row", async () => {
    const books = await createBooks(db(), fx.org.id);
    const pending = bankTransaction({
      postedDate: daysAgo(3),
      amountCents: -999,
      description: "ZOOM.US",
      pending: true,
    });
    const posted = bankTransaction({
      postedDate: daysAgo(2),
      amountCents: -999,
      description: "ZOOM.US",
      pendingTransactionId: pending.id,
    });
    expect(await ingest(books, [pending, posted])).toMatchObject({ received: 2, added: 1 });
    expect((await feedOf(books)).map((row) => row.providerTransactionId)).toEqual([posted.id]);
  });

  it("revisions of the last days update rows waiting for review, never reviewed ones", async () => {
    const books = await createBooks(db(), fx.org.id);
    const waiting = bankTransaction({
      postedDate: daysAgo(4),
      amountCents: -3_300,
      description: "WHOLE FOODS MKT #10233",
    });
    const imported = bankTransaction({ postedDate: daysAgo(4), amountCents: -7_700, description: "HOME DEPOT #4410" });
    await ingest(books, [waiting, imported]);
    const importedRow = (await feedOf(books)).find((row) => row.providerTransactionId === imported.id)!;
    await importTransactions(db(), { ...actor(), transactionIds: [importedRow.id] });

    const result = await ingest(books, [
      { ...waiting, description: "Whole Foods Mkt Springfield", postedDate: daysAgo(3) },
      { ...imported, description: "HOME DEPOT SPRINGFIELD" },
    ]);
    expect(result).toMatchObject({ added: 0, updated: 1 });
    const rows = await feedOf(books);
    expect(rows.find((row) => row.providerTransactionId === waiting.id)).toMatchObject({
      description: "Whole Foods Mkt Springfield",
      date: new Date(`${daysAgo(3)}T00:00:00Z`),
    });
    expect(rows.find((row) => row.providerTransactionId === imported.id)).toMatchObject({
      description: "HOME DEPOT #4410",
      state: "IMPORTED",
    });
  });
});
