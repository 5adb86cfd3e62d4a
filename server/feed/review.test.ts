import { beforeAll, describe, expect, it } from "vitest";
import { DomainError } from "@/server/errors";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { ingestBankTransactions } from "./ingest";
import { hideTransactions, importAllNew, importTransactions, markNotDuplicate, unhideTransactions } from "./review";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "./testing/books";

// Hide, un-hide, Not a duplicate and Import on a real database: each all or nothing, each
// safe to repeat, and never a second register entry for one bank transaction.

let fx: OrgFixture;
let other: OrgFixture;
const db = () => testDb();

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Feed review");
  other = await createOrgWithMembers(db(), "Feed review other");
});

const actor = () => ({ organizationId: fx.org.id, actorUserId: fx.users.MEMBER.id });

async function feedWith(count: number, books?: Books) {
  const target = books ?? (await createBooks(db(), fx.org.id));
  const transactions = Array.from({ length: count }, (_, at) =>
    bankTransaction({
      postedDate: daysAgo(20 - at),
      amountCents: -(1_000 + at * 137),
      description: `VENDOR NUMBER ${at}`,
    }),
  );
  await ingestBankTransactions(db(), { organizationId: fx.org.id, bankAccountId: target.bankAccountId, transactions });
  const rows = await db().feedTransaction.findMany({
    where: { bankAccountId: target.bankAccountId },
    orderBy: { date: "asc" },
  });
  return { books: target, rows, transactions };
}

const entriesOf = (books: Books) =>
  db().registerEntry.findMany({ where: { registerId: books.registerId }, include: { providerIds: true } });
const stateOf = async (id: string) => (await db().feedTransaction.findUniqueOrThrow({ where: { id } })).state;

async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe("hide and un-hide", () => {
  it("hides a selection as tombstones and brings them back on un-hide", async () => {
    const { rows } = await feedWith(3);
    const ids = rows.slice(0, 2).map((row) => row.id);
    expect(await hideTransactions(db(), { ...actor(), transactionIds: ids })).toEqual({ hidden: 2 });
    expect(await hideTransactions(db(), { ...actor(), transactionIds: ids })).toEqual({ hidden: 0 });
    const hidden = await db().feedTransaction.findMany({ where: { id: { in: ids } } });
    expect(hidden.every((row) => row.state === "HIDDEN" && row.hiddenById === fx.users.MEMBER.id && row.hiddenAt)).toBe(
      true,
    );
    expect(await stateOf(rows[2]!.id)).toBe("NEW");

    expect(await unhideTransactions(db(), { ...actor(), transactionIds: ids })).toEqual({ unhidden: 2 });
    const back = await db().feedTransaction.findMany({ where: { id: { in: ids } } });
    expect(back.every((row) => row.state === "NEW" && row.hiddenAt === null)).toBe(true);
  });

  it("un-hiding a hidden duplicate flags it again with its match, at the matcher's tier", async () => {
    const { books, rows, transactions } = await feedWith(1);
    await importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] });
    const again = await createBooks(db(), fx.org.id, { registerId: books.registerId });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: again.bankAccountId,
      transactions: [relinked(transactions[0]!)],
    });
    const [copy] = await db().feedTransaction.findMany({ where: { bankAccountId: again.bankAccountId } });
    expect(copy!.state).toBe("DUPLICATE");
    await hideTransactions(db(), { ...actor(), transactionIds: [copy!.id] });
    await unhideTransactions(db(), { ...actor(), transactionIds: [copy!.id] });
    const row = await db().feedTransaction.findUniqueOrThrow({ where: { id: copy!.id } });
    expect(row).toMatchObject({
      state: "DUPLICATE",
      matchRegisterEntryId: copy!.matchRegisterEntryId,
      matchScore: copy!.matchScore,
    });

    // A possible duplicate comes back as one.
    await db().feedTransaction.update({
      where: { id: copy!.id },
      data: { state: "POSSIBLE_DUPLICATE", matchScore: 0.7 },
    });
    await hideTransactions(db(), { ...actor(), transactionIds: [copy!.id] });
    await unhideTransactions(db(), { ...actor(), transactionIds: [copy!.id] });
    expect(await stateOf(copy!.id)).toBe("POSSIBLE_DUPLICATE");
  });

  it("refuses to hide a selection that holds an imported transaction, and hides none of it", async () => {
    const { rows } = await feedWith(2);
    await importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] });
    const error = await domainError(hideTransactions(db(), { ...actor(), transactionIds: rows.map((row) => row.id) }));
    expect(error.code).toBe("CONFLICT");
    expect(await stateOf(rows[1]!.id)).toBe("NEW");
  });

  it("does not find another organization's transactions", async () => {
    const { rows } = await feedWith(1);
    const error = await domainError(
      hideTransactions(db(), {
        organizationId: other.org.id,
        actorUserId: other.users.OWNER.id,
        transactionIds: [rows[0]!.id],
      }),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(await stateOf(rows[0]!.id)).toBe("NEW");
  });
});

describe("not a duplicate", () => {
  it("clears a false flag: the row becomes new without a match", async () => {
    const { books, rows, transactions } = await feedWith(1);
    await importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] });
    const again = await createBooks(db(), fx.org.id, { registerId: books.registerId });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: again.bankAccountId,
      transactions: [relinked(transactions[0]!)],
    });
    const [flagged] = await db().feedTransaction.findMany({ where: { bankAccountId: again.bankAccountId } });
    expect(flagged!.state).not.toBe("NEW");

    expect(await markNotDuplicate(db(), { ...actor(), transactionIds: [flagged!.id] })).toEqual({ cleared: 1 });
    const row = await db().feedTransaction.findUniqueOrThrow({ where: { id: flagged!.id } });
    expect(row).toMatchObject({ state: "NEW", matchRegisterEntryId: null, matchScore: null });
    expect(await markNotDuplicate(db(), { ...actor(), transactionIds: [flagged!.id] })).toEqual({ cleared: 0 });
  });
});

describe("import", () => {
  it("creates one register entry per transaction with the provider ids it was seen under", async () => {
    const { books, rows } = await feedWith(3);
    expect(await importTransactions(db(), { ...actor(), transactionIds: rows.map((row) => row.id) })).toEqual({
      imported: 3,
      alreadyImported: 0,
    });
    const entries = await entriesOf(books);
    expect(entries).toHaveLength(3);
    for (const row of await db().feedTransaction.findMany({ where: { id: { in: rows.map((r) => r.id) } } })) {
      const entry = entries.find((e) => e.id === row.registerEntryId)!;
      expect(row).toMatchObject({ state: "IMPORTED", importedById: fx.users.MEMBER.id });
      expect(entry).toMatchObject({
        feedTransactionId: row.id,
        amountCents: row.amountCents,
        description: row.description,
        date: row.date,
        source: "IMPORT",
      });
      expect(entry.providerIds.map((p) => p.providerTransactionId)).toEqual([row.providerTransactionId]);
    }
  });

  it("is idempotent: a retry and a double click create nothing more", async () => {
    const { books, rows } = await feedWith(2);
    const ids = rows.map((row) => row.id);
    await importTransactions(db(), { ...actor(), transactionIds: ids });
    expect(await importTransactions(db(), { ...actor(), transactionIds: ids })).toEqual({
      imported: 0,
      alreadyImported: 2,
    });
    expect(await importAllNew(db(), { ...actor(), bankAccountId: books.bankAccountId })).toEqual({
      imported: 0,
      alreadyImported: 0,
      flaggedLeft: 0,
    });
    expect(await entriesOf(books)).toHaveLength(2);
  });

  it("concurrent imports of the same rows (two tabs) create one entry each", async () => {
    const { books, rows } = await feedWith(25);
    const ids = rows.map((row) => row.id);
    const results = await Promise.all([
      importTransactions(db(), { ...actor(), transactionIds: ids }),
      importTransactions(db(), { ...actor(), transactionIds: [...ids].reverse() }),
      importAllNew(db(), { ...actor(), bankAccountId: books.bankAccountId }),
      importTransactions(db(), { ...actor(), transactionIds: ids.slice(5, 10) }),
    ]);
    expect(results.reduce((sum, r) => sum + r.imported, 0)).toBe(25);
    const entries = await entriesOf(books);
    expect(entries).toHaveLength(25);
    expect(new Set(entries.map((e) => e.feedTransactionId)).size).toBe(25);
  });

  it("the database refuses a second entry for one feed transaction", async () => {
    const { books, rows } = await feedWith(1);
    await importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] });
    await expect(
      db().registerEntry.create({
        data: {
          organizationId: fx.org.id,
          registerId: books.registerId,
          date: rows[0]!.date,
          amountCents: -1,
          description: "again",
          source: "IMPORT",
          feedTransactionId: rows[0]!.id,
        },
      }),
    ).rejects.toThrow();
  });

  it("is all or nothing: a hidden row in the selection imports none of it", async () => {
    const { books, rows } = await feedWith(3);
    await hideTransactions(db(), { ...actor(), transactionIds: [rows[2]!.id] });
    const error = await domainError(
      importTransactions(db(), { ...actor(), transactionIds: rows.map((row) => row.id) }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(await entriesOf(books)).toHaveLength(0);
    expect(await stateOf(rows[0]!.id)).toBe("NEW");
  });

  it("import all new takes the new rows and leaves flagged and hidden ones", async () => {
    const { books, rows, transactions } = await feedWith(2);
    await importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] });
    const again = await createBooks(db(), fx.org.id, { registerId: books.registerId });
    const fresh = bankTransaction({ postedDate: daysAgo(1), amountCents: -4_242, description: "NEW VENDOR" });
    const hiddenOne = bankTransaction({ postedDate: daysAgo(1), amountCents: -5_151, description: "TO HIDE" });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: again.bankAccountId,
      transactions: [relinked(transactions[0]!), fresh, hiddenOne],
    });
    const hide = await db().feedTransaction.findFirstOrThrow({
      where: { bankAccountId: again.bankAccountId, providerTransactionId: hiddenOne.id },
    });
    await hideTransactions(db(), { ...actor(), transactionIds: [hide.id] });

    expect(await importAllNew(db(), { ...actor(), bankAccountId: again.bankAccountId })).toEqual({
      imported: 1,
      alreadyImported: 0,
      flaggedLeft: 1,
    });
    const states = await db().feedTransaction.findMany({
      where: { bankAccountId: again.bankAccountId },
      select: { providerTransactionId: true, state: true },
    });
    expect(states.find((s) => s.providerTransactionId === fresh.id)!.state).toBe("IMPORTED");
    expect(states.filter((s) => s.state === "DUPLICATE" || s.state === "POSSIBLE_DUPLICATE")).toHaveLength(1);
    expect(states.find((s) => s.providerTransactionId === hiddenOne.id)!.state).toBe("HIDDEN");
  });

  it("needs a register for the account", async () => {
    const books = await createBooks(db(), fx.org.id);
    await db().bankAccount.update({ where: { id: books.bankAccountId }, data: { registerId: null } });
    const { rows } = await feedWith(1, books);
    const error = await domainError(importTransactions(db(), { ...actor(), transactionIds: [rows[0]!.id] }));
    expect(error.code).toBe("PRECONDITION_FAILED");
    expect(error.message).toMatch(/Choose a register/);
  });
});
