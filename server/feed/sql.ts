import { randomBytes } from "node:crypto";
import { Prisma } from "@/server/db/client";

// Helpers for the set-based statements of the feed and the register: rows travel to
// PostgreSQL as one JSON document (json_to_recordset) instead of one statement per row.

export type Tx = Prisma.TransactionClient;

/** A collision-resistant id in the shape of the ids Prisma generates (cuid-like). */
export function newId(): string {
  return `c${Date.now().toString(36)}${randomBytes(8).toString("hex")}`;
}

/** A calendar day of a @db.Date column, `YYYY-MM-DD`. */
export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/**
 * A list parameter as a set (`id IN ${textSet(ids)}`), sent as one JSON text: Prisma handles a
 * long array parameter element by element, which for 20 000 ids costs more than the query. A
 * set, not an array, lets PostgreSQL join on it instead of scanning the list for every row.
 */
export const textSet = (values: readonly string[]) => Prisma.sql`(SELECT json_array_elements_text(${JSON.stringify(values)}::json))`;
export const intSet = (values: readonly number[]) => Prisma.sql`(SELECT json_array_elements_text(${JSON.stringify(values)}::json)::int)`;

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
