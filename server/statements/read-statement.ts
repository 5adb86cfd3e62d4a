import { looksLikeCamt053, parseCamt053 } from "./camt";
import { detectCsvLayout, looksLikeCsv, parseCsvStatement, type CsvLayout, type CsvMapping } from "./csv";
import { decodeStatementBytes } from "./decode";
import { isQfx, looksLikeOfx, parseOfx } from "./ofx";
import { looksLikeQif, parseQif } from "./qif";
import { MAX_STATEMENT_BYTES, StatementError, type Statement } from "./types";

export interface StatementFile {
  /** What the file says; null only for a CSV file whose columns Bankline could not tell (the person chooses them). */
  statement: Statement | null;
  /** For CSV: the columns found and the mapping used (the one given, else the one proposed). */
  csv: { layout: CsvLayout; mapping: CsvMapping | null } | null;
}

/**
 * Reads a statement file whole: OFX 1.x/2.x, QFX, QIF, CSV (with a column mapping) or CAMT.053, in UTF-8,
 * Windows-1252 or ISO-8859-1. Anything malformed or cut off throws a StatementError naming the line or
 * element; nothing is returned for part of a file.
 */
export function readStatementFile(
  bytes: Uint8Array,
  options: { fileName?: string; csvMapping?: CsvMapping | null } = {},
): StatementFile {
  if (bytes.length > MAX_STATEMENT_BYTES) {
    throw new StatementError(
      `the file is ${(bytes.length / 1024 / 1024).toFixed(1)} MB; statement files of up to 10 MB are read`,
    );
  }
  if (bytes.length === 0) throw new StatementError("the file is empty");
  const { text, encoding } = decodeStatementBytes(bytes);
  const name = options.fileName?.toLowerCase() ?? "";
  if (text.includes("\u0000"))
    throw new StatementError("this is not a text file: Bankline reads OFX, QFX, QIF, CSV and CAMT.053 statements");
  if (looksLikeCamt053(text))
    return { statement: { format: "camt053", encoding, accounts: parseCamt053(text) }, csv: null };
  if (looksLikeOfx(text))
    return {
      statement: { format: isQfx(text) || name.endsWith(".qfx") ? "qfx" : "ofx", encoding, accounts: parseOfx(text) },
      csv: null,
    };
  if (looksLikeQif(text)) return { statement: { format: "qif", encoding, accounts: parseQif(text) }, csv: null };
  if (options.csvMapping || name.endsWith(".csv") || name.endsWith(".txt") || looksLikeCsv(text)) {
    const layout = detectCsvLayout(text);
    const mapping = options.csvMapping ?? layout.mapping;
    if (!mapping) return { statement: null, csv: { layout, mapping: null } };
    return {
      statement: { format: "csv", encoding, accounts: [parseCsvStatement(text, mapping)] },
      csv: { layout, mapping },
    };
  }
  throw new StatementError("this is not a statement file Bankline reads: OFX, QFX, QIF, CSV or CAMT.053");
}
