import { CsvError, parse } from "csv-parse/sync";
import { parseMoney, type DecimalMark } from "./amount";
import { fullYear, isoDate } from "./dates";
import type { CsvMapping } from "./schemas";
import { StatementError, type StatementAccount, type StatementTransaction } from "./types";

// A bank's CSV export: which column holds what differs per bank, so a person chooses the columns once per bank
// account (Bankline remembers them) after Bankline proposes them. Dates and decimal commas are detected from the
// values and shown for confirmation.

export const DATE_FORMATS = [
  "YYYY-MM-DD",
  "MM/DD/YYYY",
  "DD/MM/YYYY",
  "DD.MM.YYYY",
  "DD-MM-YYYY",
  "YYYYMMDD",
  "MM/DD/YY",
  "DD/MM/YY",
  "DD.MM.YY",
] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

export const DELIMITERS = [",", ";", "\t", "|"] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** How a CSV file's columns read (its schema: csvMappingSchema in schemas.ts). */
export type { CsvMapping };

export interface CsvLayout {
  /** Column names (the header), or "Column 1" … when the file has none. */
  columns: string[];
  /** The first rows as read, for the person choosing columns. */
  sample: string[][];
  /** What Bankline proposes; null where it could not tell (then the person chooses). */
  mapping: CsvMapping | null;
  /** Date formats every value of the date column reads in; the first is proposed. */
  dateFormats: DateFormat[];
}

/** At least two rows of two or more fields, the same number in each, with one of the delimiters. */
export function looksLikeCsv(text: string): boolean {
  return DELIMITERS.some((delimiter) => {
    try {
      const rows = records(text, delimiter, 20);
      return rows.length >= 2 && rows[0]!.record.length > 1;
    } catch {
      return false;
    }
  });
}

function records(text: string, delimiter: Delimiter, limit?: number): { record: string[]; line: number }[] {
  try {
    const rows = parse(text, {
      delimiter,
      bom: true,
      skip_empty_lines: true,
      info: true,
      to_line: limit,
      trim: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return rows.map(({ record, info }) => ({ record, line: info.lines }));
  } catch (error) {
    if (error instanceof CsvError) {
      const line = (error as CsvError & { lines?: number }).lines ?? 0;
      throw new StatementError(`line ${line}: ${csvReason(error)}`, { line });
    }
    throw error;
  }
}

function csvReason(error: CsvError): string {
  switch (error.code) {
    case "CSV_RECORD_INCONSISTENT_FIELDS_LENGTH": {
      const fields = (error as CsvError & { record?: unknown[] }).record?.length ?? "another number of";
      const before = (error as unknown as { columns?: unknown[] }).columns?.length ?? "a different number";
      return `this row has ${fields} fields, the rows before it ${before}: the file looks cut off or damaged`;
    }
    case "CSV_QUOTE_NOT_CLOSED":
      return "a quoted field is never closed: the file looks cut off";
    default:
      return error.message.replace(/^Invalid Record Length: /, "").replace(/ at line \d+$/, "");
  }
}

/** Proposes how to read a CSV export: delimiter, header, and which column is what. */
export function detectCsvLayout(text: string): CsvLayout {
  const delimiter = detectDelimiter(text);
  const rows = records(text, delimiter);
  if (rows.length === 0) throw new StatementError("the CSV file is empty", { line: 1 });
  const width = rows[0]!.record.length;
  const first = rows[0]!.record;
  const body = rows.slice(1);
  const hasHeader =
    first.some((cell) => /[a-z]/i.test(cell)) &&
    !first.some((cell, column) => readsAsDate(cell) && body.every((row) => readsAsDate(row.record[column] ?? "")));
  const data = (hasHeader ? body : rows).map((row) => row.record);
  if (data.length === 0) throw new StatementError("the CSV file has no rows below its header", { line: rows.length });
  const columns = hasHeader
    ? first.map((name, at) => name || `Column ${at + 1}`)
    : Array.from({ length: width }, (_, at) => `Column ${at + 1}`);
  const names = columns.map((name) => name.toLowerCase());
  const sample = data.slice(0, 5);

  const dateColumn = bestColumn(
    names,
    /date|datum|fecha|data|posted|booking/,
    (column) =>
      data.every((row) => (row[column] ?? "") === "" || readsAsDate(row[column]!)) && data.some((row) => row[column]),
  );
  const dateFormats = dateColumn === null ? [] : formatsFor(data.map((row) => row[dateColumn] ?? "").filter(Boolean));
  const isMoney = (column: number) =>
    data.every((row) => (row[column] ?? "") === "" || /^[-+(]?[$€£]?\s*[\d.,]+\s*\)?-?$/.test(row[column]!)) &&
    data.some((row) => /\d/.test(row[column] ?? ""));
  const debit = bestColumn(
    names,
    /debit|withdraw|paid out|money out|outflow|spent|soll|d[ée]bit|uitgaven|charge/,
    isMoney,
    false,
  );
  const credit = bestColumn(
    names,
    /credit|deposit|paid in|money in|inflow|received|haben|cr[ée]dit|inkomsten|payment/,
    isMoney,
    false,
  );
  const signed = bestColumn(names, /amount|betrag|montant|importe|bedrag|value|sum/, isMoney);
  const amount =
    debit !== null &&
    credit !== null &&
    debit !== credit &&
    (signed === null || !/amount|betrag|montant|importe|bedrag/.test(names[signed]!))
      ? ({ kind: "split", debit, credit } as const)
      : signed !== null
        ? ({ kind: "signed", column: signed } as const)
        : null;
  const moneyColumns =
    amount === null ? [] : amount.kind === "signed" ? [amount.column] : [amount.debit, amount.credit];
  const decimalMark = detectDecimalMark(data.flatMap((row) => moneyColumns.map((column) => row[column] ?? "")));
  const used = new Set<number>([...(dateColumn === null ? [] : [dateColumn]), ...moneyColumns]);
  const reference = bestColumn(
    names,
    /^(reference|ref|transaction id|id|fitid|bank reference|referenz|r[ée]f[ée]rence)\b/,
    (column) => !used.has(column),
    false,
  );
  if (reference !== null) used.add(reference);
  const checkNumber = bestColumn(
    names,
    /check|cheque|chk/,
    (column) => !used.has(column) && data.every((row) => /^\d*$/.test(row[column] ?? "")),
    false,
  );
  if (checkNumber !== null) used.add(checkNumber);
  const descriptionByName = bestColumn(
    names,
    /description|payee|name|memo|details|narrative|verwendungszweck|omschrijving|libell|concepto|merchant|text/,
    (column) => !used.has(column),
    false,
  );
  const description = descriptionByName ?? longestText(data, width, used);

  const mapping: CsvMapping | null =
    dateColumn !== null && amount !== null && description !== null && dateFormats.length > 0
      ? {
          delimiter,
          hasHeader,
          date: dateColumn,
          dateFormat: dateFormats[0]!,
          amount,
          decimalMark,
          description: [description],
          reference,
          checkNumber,
          signsReversed: false,
        }
      : null;
  return { columns, sample, mapping, dateFormats: dateFormats.length > 0 ? dateFormats : [...DATE_FORMATS] };
}

function detectDelimiter(text: string): Delimiter {
  let best: Delimiter = ",";
  let bestWidth = 1;
  for (const delimiter of DELIMITERS) {
    let rows: { record: string[] }[];
    try {
      rows = records(text, delimiter, 20);
    } catch {
      continue;
    }
    const width = rows[0]?.record.length ?? 0;
    if (width > bestWidth && rows.every((row) => row.record.length === width)) {
      best = delimiter;
      bestWidth = width;
    }
  }
  return best;
}

/** The column whose name fits (first), or else the first column that passes the test. */
function bestColumn(
  names: readonly string[],
  pattern: RegExp,
  test: (column: number) => boolean,
  byTestAlone = true,
): number | null {
  const named = names.findIndex((name, column) => pattern.test(name) && test(column));
  if (named >= 0) return named;
  if (!byTestAlone) return null;
  const tested = names.findIndex((_, column) => test(column));
  return tested >= 0 ? tested : null;
}

function longestText(data: readonly string[][], width: number, used: Set<number>): number | null {
  let best: number | null = null;
  let bestLength = 0;
  for (let column = 0; column < width; column++) {
    if (used.has(column)) continue;
    const length = data.reduce(
      (sum, row) => sum + (/[a-z]/i.test(row[column] ?? "") ? (row[column] ?? "").length : 0),
      0,
    );
    if (length > bestLength) {
      best = column;
      bestLength = length;
    }
  }
  return best;
}

function detectDecimalMark(values: readonly string[]): DecimalMark {
  let comma = 0;
  let point = 0;
  for (const value of values) {
    if (/,\d{1,2}\)?-?$/.test(value.trim())) comma++;
    else if (/\.\d{1,2}\)?-?$/.test(value.trim())) point++;
  }
  return comma > point ? "," : ".";
}

/** The date of `text` in `format`, or null. */
export function readDate(text: string, format: DateFormat): string | null {
  const value = text.trim();
  const parts = (pattern: RegExp) => pattern.exec(value)?.slice(1).map(Number) ?? null;
  switch (format) {
    case "YYYY-MM-DD": {
      const p = parts(/^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/);
      return p && isoDate(p[0]!, p[1]!, p[2]!);
    }
    case "YYYYMMDD": {
      const p = parts(/^(\d{4})(\d{2})(\d{2})$/);
      return p && isoDate(p[0]!, p[1]!, p[2]!);
    }
    case "MM/DD/YYYY":
    case "MM/DD/YY": {
      const p = parts(format === "MM/DD/YYYY" ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/ : /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/);
      return p && isoDate(fullYear(p[2]!), p[0]!, p[1]!);
    }
    case "DD/MM/YYYY":
    case "DD/MM/YY": {
      const p = parts(format === "DD/MM/YYYY" ? /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/ : /^(\d{1,2})\/(\d{1,2})\/(\d{2})$/);
      return p && isoDate(fullYear(p[2]!), p[1]!, p[0]!);
    }
    case "DD.MM.YYYY":
    case "DD.MM.YY": {
      const p = parts(format === "DD.MM.YYYY" ? /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/ : /^(\d{1,2})\.(\d{1,2})\.(\d{2})$/);
      return p && isoDate(fullYear(p[2]!), p[1]!, p[0]!);
    }
    case "DD-MM-YYYY": {
      const p = parts(/^(\d{1,2})-(\d{1,2})-(\d{4})$/);
      return p && isoDate(p[2]!, p[1]!, p[0]!);
    }
  }
}

function readsAsDate(text: string): boolean {
  return DATE_FORMATS.some((format) => readDate(text, format) !== null);
}

/** Formats every value reads in, the likeliest first: evidence (a 13th month) rules formats out. */
function formatsFor(values: readonly string[]): DateFormat[] {
  return DATE_FORMATS.filter((format) => values.every((value) => readDate(value, format) !== null));
}

/** Reads the file with the person's (or the remembered) mapping: one account, its rows in file order. */
export function parseCsvStatement(text: string, mapping: CsvMapping): StatementAccount {
  const rows = records(text, mapping.delimiter);
  const body = mapping.hasHeader ? rows.slice(1) : rows;
  const transactions: StatementTransaction[] = [];
  for (const { record, line } of body) {
    const cell = (column: number | null) => (column === null ? "" : (record[column] ?? "").trim());
    const dateText = cell(mapping.date);
    const amountCells =
      mapping.amount.kind === "signed"
        ? [cell(mapping.amount.column)]
        : [cell(mapping.amount.debit), cell(mapping.amount.credit)];
    if (dateText === "" && amountCells.every((value) => value === "")) continue;
    const date = readDate(dateText, mapping.dateFormat);
    if (!date)
      throw new StatementError(`line ${line}: "${dateText}" is not a date in the form ${mapping.dateFormat}`, { line });
    let amountCents: number;
    if (mapping.amount.kind === "signed") {
      if (amountCells[0] === "") throw new StatementError(`line ${line}: the amount is empty`, { line });
      amountCents = parseMoney(amountCells[0]!, mapping.decimalMark, line);
    } else {
      const [out, into] = amountCells.map((value) =>
        value === "" ? 0 : Math.abs(parseMoney(value, mapping.decimalMark, line)),
      );
      if (out === 0 && into === 0 && amountCells.every((value) => value === ""))
        throw new StatementError(`line ${line}: both amount columns are empty`, { line });
      amountCents = into! - out!;
    }
    if (mapping.signsReversed) amountCents = -amountCents;
    const description = mapping.description
      .map((column) => cell(column))
      .filter(Boolean)
      .join(" ")
      .replace(/\s+/g, " ")
      .trim();
    const checkNumber = cell(mapping.checkNumber).replace(/^0+(?=\d)/, "");
    transactions.push({
      reference: cell(mapping.reference) || null,
      date,
      amountCents,
      description: description || (checkNumber ? `CHECK ${checkNumber}` : ""),
      checkNumber: /^\d+$/.test(checkNumber) ? checkNumber : null,
      line,
    });
  }
  if (transactions.length === 0) throw new StatementError("the CSV file holds no transactions", { line: rows.length });
  return {
    number: null,
    bankId: null,
    kind: "checking",
    currency: null,
    signsReversed: mapping.signsReversed,
    transactions,
  };
}
