import { Prisma } from "@/server/db/client";

// Helpers for the set-based statements of the feed and the register: rows travel to
// PostgreSQL as one JSON document (json_to_recordset) instead of one statement per row.

export { newId } from "@/server/db/ids";

export type Tx = Prisma.TransactionClient;

/** A calendar day of a @db.Date column, `YYYY-MM-DD`. */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A timestamp column (stored in UTC) as the text `Date#toISOString` gives, for JSON a statement builds. */
export const isoTimestamp = (column: Prisma.Sql) => Prisma.sql`to_char(${column}, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/**
 * A list parameter as a PostgreSQL array (`id = ANY(${textArray(ids)})`), sent as one array
 * literal: Prisma handles a long JavaScript array parameter element by element, which for 20 000
 * ids costs more than the query. The parameter is typed by its cast, so the planner sees the
 * values themselves: it knows the list's length, and matches a long list with a hash, not a scan.
 */
export const textArray = (values: readonly string[]) => Prisma.sql`${arrayLiteral(values)}::text[]`;
export const intArray = (values: readonly number[]) => {
  for (const value of values) if (!Number.isSafeInteger(value)) throw new TypeError(`${value} is not an integer`);
  return Prisma.sql`${`{${values.join(",")}}`}::int[]`;
};

/** `{"a","b\"c"}`: every element quoted, backslashes and quotes escaped, so any text survives. */
function arrayLiteral(values: readonly string[]): string {
  return `{${values.map((value) => `"${value.replace(/[\\"]/g, "\\$&")}"`).join(",")}}`;
}

/** Serializes rows for `json_to_recordset(${rowsJson(rows)}::json)`. */
export const rowsJson = (rows: readonly object[]) => JSON.stringify(rows);

/**
 * Serializes the writers of one register (ingest and import) until the transaction ends, so
 * an import cannot slip between an ingest's reading of the register and its writing of the
 * feed, and two ingests of one account never interleave.
 */
export async function lockBooks(tx: Tx, keys: readonly string[]): Promise<void> {
  for (const key of [...new Set(keys)].sort()) {
    await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${`books:${key}`}, 0))`);
  }
}

/** Interactive transactions that move thousands of rows need more than Prisma's 5 s default. */
export const BULK_TRANSACTION = { timeout: 120_000, maxWait: 30_000 } as const;

/**
 * The page size written into the statement rather than passed: PostgreSQL then plans a page of
 * that size once and keeps the plan (a size it does not know, it takes for a tenth of the rows
 * and plans each time). Page sizes are few, so the statements stay few.
 */
const pageLimit = (pageSize: number) => {
  if (!Number.isSafeInteger(pageSize) || pageSize < 1 || pageSize > 1_000)
    throw new RangeError(`not a page size: ${pageSize}`);
  return Prisma.raw(String(pageSize));
};

/**
 * `LIMIT` and, past the first page, `OFFSET`: an offset PostgreSQL does not know it also takes for a
 * tenth of the rows, judges the kept plan dearer and plans again, so the first page (most requests,
 * and every page read after a cursor) has none.
 */
export const pageWindow = (pageSize: number, offset: number) =>
  offset > 0 ? Prisma.sql`LIMIT ${pageLimit(pageSize)} OFFSET ${offset}` : Prisma.sql`LIMIT ${pageLimit(pageSize)}`;
