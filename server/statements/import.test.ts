import { beforeAll, describe, expect, it } from "vitest";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { importTransactions } from "@/server/feed/review";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "@/server/feed/testing/books";
import { DomainError } from "@/server/errors";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { readFileSync } from "node:fs";
import path from "node:path";
import { importStatement, previewStatement, type StatementTarget } from "./import";
import { ofxBytes, type OfxRow } from "./testing/ofx";

// Importing statement files into the feed against a real database: what lands there, what is matched,
// what is never added twice, and what is refused whole.

let fx: OrgFixture;
const db = () => testDb();

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Statements");
});

const actor = () => ({ organizationId: fx.org.id, actorUserId: fx.users.MEMBER.id });
const run = (bytes: Uint8Array, targets: StatementTarget[], fileName = "statement.ofx") =>
  importStatement(db(), { ...actor(), fileName, bytes, targets });
const feedOf = (bankAccountId: string) =>
  db().feedTransaction.findMany({ where: { bankAccountId }, orderBy: [{ date: "asc" }, { amountCents: "asc" }] });
let serial = 0;
const number = () => `0000${100000 + ++serial}`;

function month(): OfxRow[] {
  return [
    { fitid: "F1", date: daysAgo(30), amountCents: -320_000, name: "MAPLE PROPERTIES RENT" },
    { fitid: "F2", date: daysAgo(25), amountCents: -4_213, name: "AMAZON MKTPLACE PMTS" },
    { fitid: "F3", date: daysAgo(20), amountCents: 125_000, name: "MOBILE DEPOSIT" },
    { fitid: "F4", date: daysAgo(15), amountCents: -500, name: "SQ *BLUE BOTTLE COFFEE" },
  ];
}

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error("not refused");
}

describe("statement preview", () => {
  it("says what the file holds, per account, and saves nothing", async () => {
    const before = await db().bankAccount.count({ where: { organizationId: fx.org.id } });
    const preview = await previewStatement(db(), {
      organizationId: fx.org.id,
      fileName: "checking-and-savings.ofx",
      bytes: new Uint8Array(readFileSync(path.join(import.meta.dirname, "fixtures", "checking-and-savings.ofx"))),
    });
    expect(preview).toMatchObject({ format: "ofx", encoding: "windows-1252", csv: null });
    expect(preview.accounts).toEqual([
      expect.objectContaining({
        index: 0,
        label: "Checking ••••6789",
        count: 4,
        firstDate: "2026-03-02",
        lastDate: "2026-03-10",
        totalCents: -4213 - 58225 + 125000 - 1850,
      }),
      expect.objectContaining({
        index: 1,
        label: "Savings ••••4321",
        count: 1,
        firstDate: "2026-03-31",
        lastDate: "2026-03-31",
        totalCents: 307,
      }),
    ]);
    expect(await db().bankAccount.count({ where: { organizationId: fx.org.id } })).toBe(before);
  });

  it("refuses a cut-off file with the line and element, as a message a person can act on", async () => {
    const error = await refusal(
      previewStatement(db(), {
        organizationId: fx.org.id,
        fileName: "truncated.ofx",
        bytes: new Uint8Array(readFileSync(path.join(import.meta.dirname, "fixtures", "truncated.ofx"))),
      }),
    );
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toBe(
      "truncated.ofx cannot be imported: line 60: the file ends inside <STMTTRN> opened on line 55: it looks cut off (download it again). Nothing was saved.",
    );
  });
});

describe("statement import", () => {
  it("lands rows in a bank account's feed like retrieved ones, and the same file again adds nothing", async () => {
    const books = await createBooks(db(), fx.org.id);
    const bytes = ofxBytes([{ number: number(), rows: month() }]);
    const first = await run(bytes, [{ account: 0, bankAccountId: books.bankAccountId }]);
    expect(first.accounts).toEqual([expect.objectContaining({ received: 4, added: 4, alreadyInFeed: 0, flagged: 0 })]);
    const rows = await feedOf(books.bankAccountId);
    expect(rows.map((row) => [row.state, row.origin, row.amountCents])).toEqual([
      ["NEW", "STATEMENT", -320_000],
      ["NEW", "STATEMENT", -4_213],
      ["NEW", "STATEMENT", 125_000],
      ["NEW", "STATEMENT", -500],
    ]);
    const again = await run(bytes, [{ account: 0, bankAccountId: books.bankAccountId }]);
    expect(again.accounts).toEqual([expect.objectContaining({ received: 4, added: 0, alreadyInFeed: 4 })]);
    expect(await feedOf(books.bankAccountId)).toEqual(rows);
    expect(await db().statementImport.count({ where: { bankAccountId: books.bankAccountId } })).toBe(2);
  });

  it("an overlapping statement adds only what is new, even when the bank numbered its rows anew", async () => {
    const books = await createBooks(db(), fx.org.id);
    const account = number();
    await run(ofxBytes([{ number: account, rows: month() }]), [{ account: 0, bankAccountId: books.bankAccountId }]);
    const later = [
      ...month().slice(2),
      { fitid: "F5", date: daysAgo(10), amountCents: -6_420, name: "OFFICE DEPOT #412" },
      { fitid: "F6", date: daysAgo(5), amountCents: -500, name: "SQ *BLUE BOTTLE COFFEE" },
    ];
    expect(
      (await run(ofxBytes([{ number: account, rows: later }]), [{ account: 0, bankAccountId: books.bankAccountId }]))
        .accounts[0],
    ).toMatchObject({ added: 2, alreadyInFeed: 2 });
    const renumbered = later.map((row, at) => ({ ...row, fitid: `NEW-${at}` }));
    expect(
      (
        await run(ofxBytes([{ number: account, rows: renumbered }]), [
          { account: 0, bankAccountId: books.bankAccountId },
        ])
      ).accounts[0],
    ).toMatchObject({ added: 0, alreadyInFeed: 4 });
    expect(await feedOf(books.bankAccountId)).toHaveLength(6);
  });

  it("two imports of one file at once add each row once", async () => {
    const books = await createBooks(db(), fx.org.id);
    const bytes = ofxBytes([{ number: number(), rows: month() }]);
    const results = await Promise.all(
      [1, 2, 3].map(() => run(bytes, [{ account: 0, bankAccountId: books.bankAccountId }])),
    );
    expect(results.map((r) => r.accounts[0]!.added).sort()).toEqual([0, 0, 4]);
    expect(await feedOf(books.bankAccountId)).toHaveLength(4);
  });

  it("flags what a connection already brought into the register, across sources", async () => {
    const books = await createBooks(db(), fx.org.id);
    const retrieved = month().map((row) =>
      bankTransaction({ postedDate: row.date, amountCents: row.amountCents, description: row.name }),
    );
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: books.bankAccountId,
      transactions: retrieved,
    });
    const feed = await feedOf(books.bankAccountId);
    await importTransactions(db(), { ...actor(), transactionIds: feed.map((row) => row.id) });
    // The link breaks; the treasurer imports the bank's statement into the same account.
    const result = await run(ofxBytes([{ number: number(), rows: month() }]), [
      { account: 0, bankAccountId: books.bankAccountId },
    ]);
    expect(result.accounts[0]).toMatchObject({ added: 4, flagged: 4 });
    const statementRows = (await feedOf(books.bankAccountId)).filter((row) => row.origin === "STATEMENT");
    expect(statementRows.map((row) => row.state)).toEqual(["DUPLICATE", "DUPLICATE", "DUPLICATE", "DUPLICATE"]);
    expect(statementRows.every((row) => row.matchRegisterEntryId !== null)).toBe(true);
  });

  it("flags an entry typed by hand, and within the account's own statements a new reference is a new row", async () => {
    const books = await createBooks(db(), fx.org.id);
    const typed = await db().registerEntry.create({
      data: {
        organizationId: fx.org.id,
        registerId: books.registerId,
        date: new Date(`${daysAgo(31)}T00:00:00Z`),
        amountCents: -320_000,
        description: "Rent",
        source: "MANUAL",
      },
    });
    const account = number();
    await run(ofxBytes([{ number: account, rows: month() }]), [{ account: 0, bankAccountId: books.bankAccountId }]);
    const rent = (await feedOf(books.bankAccountId)).find((row) => row.amountCents === -320_000)!;
    expect(rent.matchRegisterEntryId).toBe(typed.id);
    expect(rent.state === "DUPLICATE" || rent.state === "POSSIBLE_DUPLICATE").toBe(true);

    // Import the coffee; the next statement has another coffee two days later under its own reference.
    const coffee = (await feedOf(books.bankAccountId)).find((row) => row.amountCents === -500)!;
    await importTransactions(db(), { ...actor(), transactionIds: [coffee.id] });
    await run(
      ofxBytes([
        {
          number: account,
          rows: [{ fitid: "F9", date: daysAgo(13), amountCents: -500, name: "SQ *BLUE BOTTLE COFFEE" }],
        },
      ]),
      [{ account: 0, bankAccountId: books.bankAccountId }],
    );
    const second = (await feedOf(books.bankAccountId)).find((row) => row.providerTransactionId.endsWith("ref:F9"))!;
    expect(second).toMatchObject({ state: "NEW", matchRegisterEntryId: null });
    expect(second.matchReasons).toBeNull();
  });

  it("sends a file account to a register through an account without a connection, found again next time", async () => {
    const register = await db().register.create({
      data: { organizationId: fx.org.id, name: `Petty cash ${number()}`, kind: "checking" },
    });
    const account = number();
    const first = await run(ofxBytes([{ number: account, rows: month() }]), [{ account: 0, registerId: register.id }]);
    const created = await db().bankAccount.findUniqueOrThrow({ where: { id: first.accounts[0]!.bankAccountId } });
    expect(created).toMatchObject({
      connectionId: null,
      registerId: register.id,
      linked: true,
      mask: account.slice(-4),
    });
    expect(created.statementAccountKey).toMatch(/^[0-9a-f]{64}$/);
    const preview = await previewStatement(db(), {
      organizationId: fx.org.id,
      fileName: "next.ofx",
      bytes: ofxBytes([{ number: account, rows: month() }]),
    });
    expect(preview.accounts[0]!.suggestedBankAccountId).toBe(created.id);
    const second = await run(ofxBytes([{ number: account, rows: month() }]), [{ account: 0, registerId: register.id }]);
    expect(second.accounts[0]).toMatchObject({ bankAccountId: created.id, added: 0, alreadyInFeed: 4 });
  });

  it("imports a file's accounts all or nothing", async () => {
    const books = await createBooks(db(), fx.org.id);
    const other = await createOrgWithMembers(db(), "Statements other");
    const foreign = await createBooks(db(), other.org.id);
    const bytes = ofxBytes([
      { number: number(), rows: month() },
      {
        number: number(),
        kind: "SAVINGS",
        rows: [{ fitid: "S1", date: daysAgo(3), amountCents: 307, name: "INTEREST" }],
      },
    ]);
    const error = await refusal(
      run(bytes, [
        { account: 0, bankAccountId: books.bankAccountId },
        { account: 1, bankAccountId: foreign.bankAccountId },
      ]),
    );
    expect(error.code).toBe("NOT_FOUND");
    expect(await feedOf(books.bankAccountId)).toHaveLength(0);
    expect(await feedOf(foreign.bankAccountId)).toHaveLength(0);
  });

  it("remembers a CSV column mapping for the account and reads the bank's next export with it", async () => {
    const books = await createBooks(db(), fx.org.id);
    const csv = (rows: string[]) => new TextEncoder().encode(["Posted;Text;Money;Id", ...rows].join("\n"));
    const first = csv([
      `${daysAgo(9).split("-").reverse().join("/")};COFFEE ROASTERS;-12,50;A1`,
      `${daysAgo(8).split("-").reverse().join("/")};DONATION;100,00;A2`,
    ]);
    const preview = await previewStatement(db(), { organizationId: fx.org.id, fileName: "export.csv", bytes: first });
    const mapping = { ...preview.csv!.mapping!, dateFormat: "DD/MM/YYYY" as const, reference: 3 };
    await importStatement(db(), {
      ...actor(),
      fileName: "export.csv",
      bytes: first,
      csvMapping: mapping,
      targets: [{ account: 0, bankAccountId: books.bankAccountId }],
    });
    const next = csv([`${daysAgo(2).split("-").reverse().join("/")};PRINTER INK;-40,00;A3`]);
    const again = await previewStatement(db(), { organizationId: fx.org.id, fileName: "export-2.csv", bytes: next });
    expect(again.csv).toMatchObject({
      rememberedFor: books.bankAccountId,
      mapping: { dateFormat: "DD/MM/YYYY", reference: 3, decimalMark: "," },
    });
    expect(again.accounts[0]).toMatchObject({
      suggestedBankAccountId: books.bankAccountId,
      count: 1,
      totalCents: -4_000,
    });
  });

  it("a re-link after a statement import flags the statement's rows once they are in the register", async () => {
    const books = await createBooks(db(), fx.org.id);
    await run(ofxBytes([{ number: number(), rows: month() }]), [{ account: 0, bankAccountId: books.bankAccountId }]);
    await importTransactions(db(), {
      ...actor(),
      transactionIds: (await feedOf(books.bankAccountId)).map((row) => row.id),
    });
    const relinkedBooks: Books = await createBooks(db(), fx.org.id, { registerId: books.registerId });
    const retrieval = month().map((row) =>
      relinked(bankTransaction({ postedDate: row.date, amountCents: row.amountCents, description: row.name })),
    );
    const result = await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: relinkedBooks.bankAccountId,
      transactions: retrieval,
    });
    expect(result).toMatchObject({ added: 4, flagged: 4 });
  });

  it("shows in the support console's long work while it runs: finished with its rows, or failed when refused", async () => {
    const books = await createBooks(db(), fx.org.id);
    const progressOf = (fileName: string) =>
      db().workProgress.findMany({
        where: { kind: "statement-import", organizationId: fx.org.id, label: `Statement import: ${fileName}` },
      });
    await run(
      ofxBytes([{ number: number(), rows: month() }]),
      [{ account: 0, bankAccountId: books.bankAccountId }],
      "march.ofx",
    );
    expect(await progressOf("march.ofx")).toEqual([
      expect.objectContaining({ total: 4, done: 4, failed: 0, finishedAt: expect.any(Date) }),
    ]);

    const other = await createOrgWithMembers(db(), "Statements progress other");
    const foreign = await createBooks(db(), other.org.id);
    await refusal(
      run(
        ofxBytes([{ number: number(), rows: month() }]),
        [{ account: 0, bankAccountId: foreign.bankAccountId }],
        "april.ofx",
      ),
    );
    expect(await progressOf("april.ofx")).toEqual([
      expect.objectContaining({ total: 4, done: 0, failed: 4, finishedAt: expect.any(Date) }),
    ]);
  });
});
