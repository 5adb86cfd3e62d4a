import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readStatementFile } from "./read-statement";
import { MAX_STATEMENT_BYTES, StatementError, type Statement } from "./types";

const fixture = (name: string) => new Uint8Array(readFileSync(path.join(import.meta.dirname, "fixtures", name)));
const read = (name: string) => readStatementFile(fixture(name), { fileName: name });
const statementOf = (name: string): Statement => read(name).statement!;

function refusal(run: () => unknown): StatementError {
  try {
    run();
  } catch (error) {
    if (error instanceof StatementError) return error;
    throw error;
  }
  throw new Error("the file was not refused");
}

describe("OFX 1.x (SGML)", () => {
  it("reads two accounts of one file, in Windows-1252 with HTML entities, values without closing tags", () => {
    const statement = statementOf("checking-and-savings.ofx");
    expect(statement).toMatchObject({ format: "ofx", encoding: "windows-1252" });
    const [checking, savings] = statement.accounts;
    expect(checking).toMatchObject({
      number: "000123456789",
      bankId: "121000248",
      kind: "checking",
      currency: "USD",
      signsReversed: false,
    });
    expect(savings).toMatchObject({ number: "000987654321", kind: "savings" });
    expect(
      checking!.transactions.map(({ reference, date, amountCents, description, checkNumber }) => ({
        reference,
        date,
        amountCents,
        description,
        checkNumber,
      })),
    ).toEqual([
      {
        reference: "2026030201",
        date: "2026-03-02",
        amountCents: -4213,
        description: "AMAZON MKTPLACE PMTS",
        checkNumber: null,
      },
      {
        reference: "2026030501",
        date: "2026-03-05",
        amountCents: -58225,
        description: "CHECK 1043",
        checkNumber: "1043",
      },
      {
        reference: "2026030601",
        date: "2026-03-06",
        amountCents: 125000,
        description: "Ben & Jerry's Foundation Grant été 2026",
        checkNumber: null,
      },
      {
        reference: "2026031001",
        date: "2026-03-10",
        amountCents: -1850,
        description: "CAFÉ ZURÜCK – MÜNCHEN",
        checkNumber: null,
      },
    ]);
    expect(savings!.transactions).toEqual([
      expect.objectContaining({ reference: "S2026033101", amountCents: 307, date: "2026-03-31" }),
    ]);
  });

  it("refuses a download cut off inside a transaction list, naming the element and its line", () => {
    const error = refusal(() => read("truncated.ofx"));
    expect(error.message).toMatch(/^line \d+: the file ends inside <STMTTRN> opened on line 55: it looks cut off/);
    expect(error.where.element).toBe("STMTTRN");
  });

  it("refuses an aggregate left open, and an amount that is not one, naming the line", () => {
    expect(refusal(() => read("unclosed-aggregate.ofx")).message).toBe(
      "line 74: <BANKTRANLIST> opened on line 36 is not closed before </STMTRS>",
    );
    expect(refusal(() => read("bad-amount.ofx")).message).toBe('line 66: "-18.5.0" is not an amount');
  });
});

describe("QFX and OFX 2.x", () => {
  it("turns a card statement's positive charges into money out, and says so", () => {
    const statement = statementOf("card-charges-positive.qfx");
    expect(statement.format).toBe("qfx");
    const [card] = statement.accounts;
    expect(card).toMatchObject({ number: "4111111111114242", kind: "creditCard", signsReversed: true });
    expect(card!.transactions.map((t) => t.amountCents)).toEqual([-500, -12999, 50000]);
  });

  it("reads OFX 2.x XML in UTF-8, with a payee aggregate and an HTML entity", () => {
    const [account] = statementOf("checking-v2.ofx").accounts;
    expect(account).toMatchObject({ number: "5550001234", kind: "checking" });
    expect(account!.transactions.map((t) => [t.reference, t.date, t.amountCents, t.description])).toEqual([
      ["X-0301-1", "2026-03-01", -320000, "MAPLE PROPERTIES RENT"],
      ["X-0307-1", "2026-03-07", -6420, "Café & Co Board lunch — ünïcode"],
    ]);
  });

  it("refuses OFX 2.x cut off, naming the open element", () => {
    expect(refusal(() => read("truncated-v2.ofx")).message).toMatch(
      /^line \d+: the file ends inside <STMTTRN> opened on line 2\d: it looks cut off/,
    );
  });
});

describe("QIF", () => {
  it("reads Quicken's dates (3/ 2'26), thousands separators and check numbers", () => {
    const [account] = statementOf("checking.qif").accounts;
    expect(
      account!.transactions.map((t) => [t.date, t.amountCents, t.description, t.checkNumber, t.reference]),
    ).toEqual([
      ["2026-03-02", -4213, "AMAZON MKTPLACE PMTS", null, null],
      ["2026-03-05", -58225, "Joe's Plumbing Check for the boiler", "1043", null],
      ["2026-03-14", 125000, "Riverside Donor", null, null],
    ]);
  });

  it("reads several accounts, day-first dates and decimal commas in ISO-8859-1, and a card's positive charges", () => {
    const { accounts, encoding } = statementOf("two-accounts.qif");
    expect(encoding).toBe("windows-1252");
    expect(accounts.map((a) => [a.number, a.kind, a.signsReversed])).toEqual([
      ["Operating Checking", "checking", false],
      ["Visa Card", "creditCard", true],
    ]);
    expect(accounts[0]!.transactions.map((t) => [t.date, t.amountCents, t.description])).toEqual([
      ["2026-03-14", -123456, "STADTWERKE MÜNCHEN"],
      ["2026-03-15", 25000, "SPENDE"],
    ]);
    expect(accounts[1]!.transactions.map((t) => [t.amountCents, t.description])).toEqual([
      [-1250, "BÄCKEREI"],
      [-820, "BAKKERIJ2"],
      [-410, "CAFÉ"],
    ]);
  });

  it("refuses a file whose last transaction has no closing ^", () => {
    expect(refusal(() => read("truncated.qif")).message).toBe(
      "line 12: the file ends inside a transaction that has no closing ^: it looks cut off (download it again)",
    );
  });
});

describe("CSV", () => {
  it("proposes the columns of a US export with money out and in apart, and reads it", () => {
    const file = read("us-debit-credit.csv");
    expect(file.csv!.layout.columns).toEqual(["Date", "Description", "Debit", "Credit", "Balance"]);
    expect(file.csv!.mapping).toMatchObject({
      delimiter: ",",
      hasHeader: true,
      date: 0,
      dateFormat: "MM/DD/YYYY",
      amount: { kind: "split", debit: 2, credit: 3 },
      decimalMark: ".",
      description: [1],
    });
    expect(
      file.statement!.accounts[0]!.transactions.map((t) => [t.date, t.amountCents, t.description, t.line]),
    ).toEqual([
      ["2026-03-02", -4213, "AMAZON MKTPLACE, PMTS", 2],
      ["2026-03-05", -58225, "CHECK 1043", 3],
      ["2026-03-06", 125000, "MOBILE DEPOSIT", 4],
      ["2026-03-13", -500, "SQ *BLUE BOTTLE COFFEE", 5],
    ]);
  });

  it("detects semicolons, day-first dates and decimal commas in ISO-8859-1, and the reference column", () => {
    const file = read("european.csv");
    expect(file.statement!.encoding).toBe("windows-1252");
    expect(file.csv!.mapping).toMatchObject({
      delimiter: ";",
      dateFormat: "DD.MM.YYYY",
      decimalMark: ",",
      amount: { kind: "signed", column: 2 },
      reference: 3,
      description: [1],
    });
    expect(
      file.statement!.accounts[0]!.transactions.map((t) => [t.date, t.amountCents, t.description, t.reference]),
    ).toEqual([
      ["2026-03-01", -120000, "Miete März", "R-100"],
      ["2026-03-02", -1250, "Bäckerei Müller", "R-101"],
      ["2026-03-05", 25000, "Spende Schulverein", "R-102"],
    ]);
  });

  it("applies the person's mapping: another date order, reversed signs", () => {
    const detected = read("us-debit-credit.csv").csv!.mapping!;
    const file = readStatementFile(fixture("us-debit-credit.csv"), {
      fileName: "x.csv",
      csvMapping: { ...detected, signsReversed: true },
    });
    expect(file.statement!.accounts[0]!.transactions[0]!.amountCents).toBe(4213);
    expect(
      refusal(() =>
        readStatementFile(fixture("us-debit-credit.csv"), {
          fileName: "x.csv",
          csvMapping: { ...detected, dateFormat: "YYYY-MM-DD" },
        }),
      ).message,
    ).toBe('line 2: "03/02/2026" is not a date in the form YYYY-MM-DD');
  });

  it("refuses a cut-off file and a row with an impossible date, naming the line", () => {
    expect(refusal(() => read("truncated.csv")).message).toMatch(
      /^line 6: a quoted field is never closed: the file looks cut off/,
    );
    // Bankline cannot propose a date column there; with the account's mapping the row is refused.
    expect(read("bad-date.csv")).toMatchObject({ statement: null, csv: { mapping: null } });
    const mapping = read("us-debit-credit.csv").csv!.mapping!;
    expect(refusal(() => readStatementFile(fixture("bad-date.csv"), { csvMapping: mapping })).message).toBe(
      'line 5: "13/13/2026" is not a date in the form MM/DD/YYYY',
    );
  });
});

describe("CAMT.053", () => {
  it("reads every statement of the file as an account, booked entries only, names and remittance text", () => {
    const statement = statementOf("two-accounts.camt053.xml");
    expect(statement.format).toBe("camt053");
    const [main, other] = statement.accounts;
    expect(main).toMatchObject({ number: "DE89370400440532013000", currency: "EUR" });
    expect(main!.transactions.map((t) => [t.reference, t.date, t.amountCents, t.description])).toEqual([
      ["2026030100001", "2026-03-01", -120000, "Hausverwaltung Schmidt Miete März 2026"],
      ["2026030500007", "2026-03-05", 25000, "Schulverein e.V. Spende"],
    ]);
    expect(other).toMatchObject({ number: "0532013001" });
    expect(other!.transactions).toEqual([
      expect.objectContaining({ reference: "Z-1", date: "2026-03-31", amountCents: 42, description: "Zinsen" }),
    ]);
  });

  it("refuses a statement cut off inside an entry, naming it", () => {
    expect(refusal(() => read("truncated.camt053.xml")).message).toMatch(
      /^line \d+: the file ends inside <Ntry> opened on line 32: it looks cut off/,
    );
  });
});

describe("any file", () => {
  it("refuses files over 10 MB before reading them, empty files and files of another kind", () => {
    expect(refusal(() => readStatementFile(new Uint8Array(MAX_STATEMENT_BYTES + 1))).message).toBe(
      "the file is 10.0 MB; statement files of up to 10 MB are read",
    );
    expect(refusal(() => readStatementFile(new Uint8Array(0))).message).toBe("the file is empty");
    expect(refusal(() => readStatementFile(new TextEncoder().encode("%PDF-1.7\n\u0000\u0001binary"))).message).toMatch(
      /not a text file/,
    );
    expect(
      refusal(() =>
        readStatementFile(new TextEncoder().encode("Dear treasurer, here is your statement."), {
          fileName: "letter.doc",
        }),
      ).message,
    ).toMatch(/not a statement file/);
  });
});
