import { beforeAll, describe, expect, it } from "vitest";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { listFeed } from "@/server/feed/list";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "@/server/feed/testing/books";
import { DomainError } from "@/server/errors";
import { listEntries } from "@/server/register/service";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { matchToEntry, searchEntries, undoMatch } from "./service";

// Matching a bank row to an entry the bookkeeper typed, against a real database.

let fx: OrgFixture;
const db = () => testDb();

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Matches");
});

const actor = () => ({ organizationId: fx.org.id, actorUserId: fx.users.MEMBER.id });

async function typed(books: Books, date: string, amountCents: number, description: string) {
  return db().registerEntry.create({
    data: {
      organizationId: fx.org.id,
      registerId: books.registerId,
      date: new Date(`${date}T00:00:00Z`),
      amountCents,
      description,
      source: "MANUAL",
      createdById: fx.users.MEMBER.id,
    },
  });
}

async function retrieve(
  books: Books,
  transactions = [
    bankTransaction({ postedDate: daysAgo(3), amountCents: -320_000, description: "MAPLE PROPERTIES RENT" }),
  ],
) {
  await ingestBankTransactions(db(), { organizationId: fx.org.id, bankAccountId: books.bankAccountId, transactions });
  return db().feedTransaction.findMany({
    where: { bankAccountId: books.bankAccountId },
    orderBy: { createdAt: "asc" },
  });
}

const feedRow = async (books: Books, id: string) =>
  (
    await listFeed(db(), fx.org.id, { bankAccountId: books.bankAccountId, view: "all", page: 1, pageSize: 50 })
  ).rows.find((row) => row.id === id)!;
const entryRow = async (books: Books, id: string) =>
  (await listEntries(db(), fx.org.id, { registerId: books.registerId, page: 1, pageSize: 50 })).rows.find(
    (row) => row.id === id,
  )!;

describe("match to an entry typed by hand", () => {
  it("offers the entry as a match the bookkeeper wrote, not one the bank gave", async () => {
    const books = await createBooks(db(), fx.org.id);
    const entry = await typed(books, daysAgo(5), -320_000, "Rent");
    const [row] = await retrieve(books);
    expect(row).toMatchObject({ matchRegisterEntryId: entry.id });
    expect((await feedRow(books, row!.id)).match).toMatchObject({
      kind: "register",
      id: entry.id,
      fromBank: false,
      description: "Rent",
    });
  });

  it("Match links the row: not imported again, the entry gains the bank's id, date and cleared state, keeps its words and amount", async () => {
    const books = await createBooks(db(), fx.org.id);
    const entry = await typed(books, daysAgo(5), -320_000, "Rent");
    const [row] = await retrieve(books);
    expect(await matchToEntry(db(), { ...actor(), transactionId: row!.id, entryId: entry.id, byHand: false })).toEqual({
      matched: true,
    });
    expect(await matchToEntry(db(), { ...actor(), transactionId: row!.id, entryId: entry.id, byHand: false })).toEqual({
      matched: false,
    });
    expect(await db().registerEntry.count({ where: { registerId: books.registerId } })).toBe(1);
    const after = await db().registerEntry.findUniqueOrThrow({
      where: { id: entry.id },
      include: { providerIds: true },
    });
    expect(after).toMatchObject({
      description: "Rent",
      amountCents: -320_000,
      date: new Date(`${daysAgo(3)}T00:00:00Z`),
    });
    expect(after.clearedAt).not.toBeNull();
    expect(after.providerIds.map((p) => p.providerTransactionId)).toEqual([row!.providerTransactionId]);
    expect(await feedRow(books, row!.id)).toMatchObject({
      state: "IMPORTED",
      matchedEntry: { id: entry.id, description: "Rent" },
    });
    expect(await entryRow(books, entry.id)).toMatchObject({
      cleared: true,
      matchedTo: { transactionId: row!.id, description: "MAPLE PROPERTIES RENT" },
    });

    // The same bank transaction retrieved again, or brought by a re-link, is never offered as new.
    const again = await retrieve(books, [
      bankTransaction({
        id: row!.providerTransactionId,
        postedDate: daysAgo(3),
        amountCents: -320_000,
        description: "MAPLE PROPERTIES RENT",
      }),
    ]);
    expect(again).toHaveLength(1);
    const relinkBooks = await createBooks(db(), fx.org.id, { registerId: books.registerId });
    const [relinkedRow] = await retrieve(relinkBooks, [
      relinked(
        bankTransaction({ postedDate: daysAgo(3), amountCents: -320_000, description: "MAPLE PROPERTIES RENT" }),
      ),
    ]);
    expect(relinkedRow).toMatchObject({ state: "DUPLICATE", matchRegisterEntryId: entry.id });
    expect((await feedRow(relinkBooks, relinkedRow!.id)).match).toMatchObject({ fromBank: true });
  });

  it("undo from the register gives the entry its own date back and the row back to review", async () => {
    const books = await createBooks(db(), fx.org.id);
    const entry = await typed(books, daysAgo(5), -320_000, "Rent");
    const [row] = await retrieve(books);
    await matchToEntry(db(), { ...actor(), transactionId: row!.id, entryId: entry.id, byHand: false });
    expect(await undoMatch(db(), { ...actor(), entryId: entry.id })).toEqual({ undone: 1 });
    const after = await db().registerEntry.findUniqueOrThrow({
      where: { id: entry.id },
      include: { providerIds: true },
    });
    expect(after).toMatchObject({ date: new Date(`${daysAgo(5)}T00:00:00Z`), clearedAt: null, providerIds: [] });
    expect(await feedRow(books, row!.id)).toMatchObject({
      state: "POSSIBLE_DUPLICATE",
      matchedAt: null,
      matchedEntry: null,
      match: { id: entry.id },
    });
    expect(await undoMatch(db(), { ...actor(), entryId: entry.id })).toEqual({ undone: 0 });
  });

  it("Find a match searches the register's entries still without a bank transaction, nearest first, and links by hand", async () => {
    const books = await createBooks(db(), fx.org.id);
    const [row] = await retrieve(books, [
      bankTransaction({ postedDate: daysAgo(3), amountCents: -12_345, description: "PAYPAL *XJ8822" }),
    ]);
    expect(row!.state).toBe("NEW");
    const far = await typed(books, daysAgo(40), -12_345, "Printer paper");
    const near = await typed(books, daysAgo(6), -12_345, "Printer ink and paper");
    await typed(books, daysAgo(4), -99_00, "Something else");
    const imported = await db().registerEntry.create({
      data: {
        organizationId: fx.org.id,
        registerId: books.registerId,
        date: new Date(`${daysAgo(3)}T00:00:00Z`),
        amountCents: -12_345,
        description: "From the bank",
        source: "IMPORT",
      },
    });
    const byAmount = await searchEntries(db(), fx.org.id, { transactionId: row!.id, amountCents: -12_345 });
    expect(byAmount.entries.map((e) => e.id)).toEqual([near.id, far.id]);
    expect(byAmount.entries.map((e) => e.id)).not.toContain(imported.id);
    expect(
      (await searchEntries(db(), fx.org.id, { transactionId: row!.id, text: "ink" })).entries.map((e) => e.id),
    ).toEqual([near.id]);
    expect(
      (
        await searchEntries(db(), fx.org.id, { transactionId: row!.id, from: daysAgo(50), to: daysAgo(30) })
      ).entries.map((e) => e.id),
    ).toEqual([far.id]);

    await matchToEntry(db(), { ...actor(), transactionId: row!.id, entryId: near.id, byHand: true });
    expect(await feedRow(books, row!.id)).toMatchObject({ state: "IMPORTED", matchedEntry: { id: near.id } });
    expect(await db().feedTransaction.findUniqueOrThrow({ where: { id: row!.id } })).toMatchObject({
      matchRegisterEntryId: near.id,
      matchReasons: ["matched by hand"],
    });
    expect(
      (await searchEntries(db(), fx.org.id, { transactionId: row!.id, amountCents: -12_345 })).entries.map((e) => e.id),
    ).toEqual([far.id]);
    // An entry that has its bank transaction cannot take another one.
    const [other] = (
      await retrieve(books, [
        bankTransaction({ postedDate: daysAgo(2), amountCents: -12_345, description: "PAYPAL *XJ9911" }),
      ])
    ).filter((r) => r.id !== row!.id);
    await expect(
      matchToEntry(db(), { ...actor(), transactionId: other!.id, entryId: near.id, byHand: true }),
    ).rejects.toThrow(DomainError);
    await expect(
      matchToEntry(db(), { ...actor(), transactionId: other!.id, entryId: imported.id, byHand: true }),
    ).rejects.toThrow(/already has its bank transaction/);
  });

  it("entries of another organization or another register are not found", async () => {
    const books = await createBooks(db(), fx.org.id);
    const otherBooks = await createBooks(db(), fx.org.id);
    const [row] = await retrieve(books);
    const elsewhere = await typed(otherBooks, daysAgo(3), -320_000, "Rent");
    await expect(
      matchToEntry(db(), { ...actor(), transactionId: row!.id, entryId: elsewhere.id, byHand: true }),
    ).rejects.toThrow(/register entry was not found/);
    const stranger = await createOrgWithMembers(db(), "Matches stranger");
    await expect(
      matchToEntry(db(), {
        organizationId: stranger.org.id,
        actorUserId: stranger.users.OWNER.id,
        transactionId: row!.id,
        entryId: elsewhere.id,
        byHand: true,
      }),
    ).rejects.toThrow(/transaction was not found/);
  });
});
