/** What a statement file says, whatever its format. Money is integer cents, dates `YYYY-MM-DD`. */

export const STATEMENT_FORMATS = ["ofx", "qfx", "qif", "csv", "camt053"] as const;
export type StatementFormat = (typeof STATEMENT_FORMATS)[number];

export const ACCOUNT_KINDS = ["checking", "savings", "creditCard", "other"] as const;
export type AccountKind = (typeof ACCOUNT_KINDS)[number];

export interface StatementTransaction {
  /** The file's own reference (OFX FITID, CAMT AcctSvcrRef, a CSV reference column); null when it has none. */
  reference: string | null;
  date: string;
  /** Negative: money leaving the account, whatever sign convention the file used. */
  amountCents: number;
  description: string;
  checkNumber: string | null;
  /** Where the transaction stands in the file, for messages: a line number. */
  line: number;
}

export interface StatementAccount {
  /** The account number as the file gives it (OFX ACCTID, an IBAN), or null when the file names none (CSV). */
  number: string | null;
  /** Bank or routing id when the file gives one. */
  bankId: string | null;
  kind: AccountKind;
  currency: string | null;
  /** The file listed charges as positive amounts (some card statements); its signs were turned around. */
  signsReversed: boolean;
  transactions: StatementTransaction[];
}

export interface Statement {
  format: StatementFormat;
  /** How the bytes were read: utf-8, windows-1252 … */
  encoding: string;
  accounts: StatementAccount[];
}

/** A file that cannot be read as a statement: refused whole, with where and why. */
export class StatementError extends Error {
  constructor(
    message: string,
    readonly where: { line?: number; element?: string } = {},
  ) {
    super(message);
    this.name = "StatementError";
  }
}

/** Statement files larger than this are refused before they are read. */
export const MAX_STATEMENT_BYTES = 10 * 1024 * 1024;
