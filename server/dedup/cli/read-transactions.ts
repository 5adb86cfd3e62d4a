import { parseAmountCents } from "../amount";
import { CsvSyntaxError, parseCsv, type CsvRecord } from "../csv";
import { dayNumber } from "../dates";
import type { ExistingTransaction, IncomingTransaction } from "../types";

export const REQUIRED_COLUMNS = ["id", "account", "date", "amount", "description", "pending", "provider_id"] as const;
/** Accepted when present: a check number column, the pending id a posted row replaces, and `register`/`hidden`. */
export const OPTIONAL_COLUMNS = ["check_number", "pending_provider_id", "kind"] as const;

type Column = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number];

/** A problem in an input file, located for the person who has to fix it. */
export interface InputProblem {
  file: string;
  line: number;
  message: string;
}

export type ReadResult<T> = { ok: true; rows: T[] } | { ok: false; problems: InputProblem[] };

interface CsvRow {
  line: number;
  id: string;
  account: string;
  date: string;
  amountCents: number;
  description: string;
  pending: boolean;
  providerId: string | null;
  checkNumber: string | null;
  pendingProviderId: string | null;
  kind: ExistingTransaction["kind"];
}

const MAX_PROBLEMS = 20;

export function readExistingCsv(file: string, text: string): ReadResult<ExistingTransaction> {
  const read = readRows(file, text);
  if (!read.ok) return read;
  return {
    ok: true,
    rows: read.rows.map((row) => ({
      id: row.id,
      account: row.account,
      date: row.date,
      amountCents: row.amountCents,
      description: row.description,
      checkNumber: row.checkNumber,
      providerIds: row.providerId ? [row.providerId] : [],
      kind: row.kind,
      pending: row.pending,
      fromBank: row.providerId !== null,
    })),
  };
}

export function readIncomingCsv(file: string, text: string): ReadResult<IncomingTransaction> {
  const read = readRows(file, text);
  if (!read.ok) return read;
  return {
    ok: true,
    rows: read.rows.map((row) => ({
      id: row.id,
      account: row.account,
      date: row.date,
      amountCents: row.amountCents,
      description: row.description,
      pending: row.pending,
      providerId: row.providerId,
      pendingProviderId: row.pendingProviderId,
      checkNumber: row.checkNumber,
    })),
  };
}

function readRows(file: string, text: string): ReadResult<CsvRow> {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError)
      return { ok: false, problems: [{ file, line: error.line, message: error.message }] };
    throw error;
  }
  const [header, ...body] = records;
  if (!header)
    return {
      ok: false,
      problems: [{ file, line: 1, message: `the file is empty; expected the header ${REQUIRED_COLUMNS.join(",")}` }],
    };
  const positions = new Map<string, number>();
  header.fields.forEach((name, index) => positions.set(name.trim().toLowerCase(), index));
  const missing = REQUIRED_COLUMNS.filter((column) => !positions.has(column));
  if (missing.length > 0) {
    const names = missing.map((column) => `"${column}"`).join(", ");
    return {
      ok: false,
      problems: [
        {
          file,
          line: header.line,
          message:
            `missing column${missing.length > 1 ? "s" : ""} ${names}; ` +
            `the header must include ${REQUIRED_COLUMNS.join(",")}`,
        },
      ],
    };
  }

  const problems: InputProblem[] = [];
  const rows: CsvRow[] = [];
  const seenIds = new Map<string, number>();
  for (const record of body) {
    const row = readRow(record, header.fields.length, positions, (message) =>
      problems.push({ file, line: record.line, message }),
    );
    if (row) {
      const firstLine = seenIds.get(row.id);
      if (firstLine !== undefined)
        problems.push({ file, line: record.line, message: `id "${row.id}" already used on line ${firstLine}` });
      else seenIds.set(row.id, record.line);
      rows.push(row);
    }
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, rows };
}

function readRow(
  record: CsvRecord,
  width: number,
  positions: Map<string, number>,
  report: (message: string) => void,
): CsvRow | null {
  if (record.fields.length !== width) {
    report(`expected ${width} fields like the header, found ${record.fields.length}`);
    return null;
  }
  const field = (column: Column) => {
    const at = positions.get(column);
    return at === undefined ? "" : record.fields[at]!;
  };
  const problemsBefore = { count: 0 };
  const fail = (message: string) => {
    problemsBefore.count++;
    report(message);
  };

  const id = field("id").trim();
  if (id === "") fail("id is empty");
  const account = field("account").trim();
  if (account === "") fail("account is empty");
  const date = field("date").trim();
  if (dayNumber(date) === null) fail(`date ${JSON.stringify(date)} is not a calendar date YYYY-MM-DD`);
  const amount = parseAmountCents(field("amount"));
  if (!amount.ok) fail(`amount ${amount.error}`);
  const pending = parseBoolean(field("pending"));
  if (pending === null) fail(`pending ${JSON.stringify(field("pending"))} must be true or false`);
  const kind = field("kind").trim().toLowerCase() || "register";
  if (kind !== "register" && kind !== "hidden") fail(`kind ${JSON.stringify(kind)} must be register or hidden`);
  if (problemsBefore.count > 0 || !amount.ok || pending === null) return null;

  return {
    line: record.line,
    id,
    account,
    date,
    amountCents: amount.cents,
    description: field("description"),
    pending,
    providerId: field("provider_id").trim() || null,
    checkNumber: field("check_number").trim() || null,
    pendingProviderId: field("pending_provider_id").trim() || null,
    kind: kind as ExistingTransaction["kind"],
  };
}

function parseBoolean(text: string): boolean | null {
  const value = text.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  return null;
}
