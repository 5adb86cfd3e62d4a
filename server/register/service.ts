import { Prisma, readRows, type Db } from "@/server/db/client";
import type { RegisterEntrySource } from "@/server/db/generated/enums";
import type { DbOrTx } from "@/server/db/transaction";
import { DomainError, notFound } from "@/server/errors";
import { amountSearch, likePattern } from "@/server/feed/filters";
import { STATEMENT_FILES } from "@/server/feed/list";
import { isoDay, isoTimestamp, pageWindow } from "@/server/feed/sql";

// The books: each register's entries with the running balance after each one, and entries
// added by hand.

export async function listRegisters(db: Db, organizationId: string) {
  // One statement; each register's count and total are kept on it by the database (the register_totals migration).
  const registers = await readRows<{
    id: string;
    name: string;
    kind: string;
    entryCount: number;
    balanceCents: bigint;
    bankAccounts: { name: string; mask: string }[];
  }>(
    db,
    Prisma.sql`
    SELECT r.id, r.name, r.kind, r."entryCount", r."balanceCents",
      coalesce((SELECT json_agg(json_build_object('name', a.name, 'mask', a.mask) ORDER BY a."createdAt", a.id)
        FROM "BankAccount" a WHERE a."registerId" = r.id AND a.linked), '[]'::json) AS "bankAccounts"
    FROM "Register" r
    WHERE r."organizationId" = ${organizationId}
    ORDER BY r.name ASC`,
  );
  return registers.map((register) => ({ ...register, balanceCents: Number(register.balanceCents) }));
}

export interface EntryQuery {
  registerId: string;
  from?: string | null;
  to?: string | null;
  text?: string | null;
  page: number;
  pageSize: number;
  after?: string | null;
}

/** An entry's place in the register (newest first): its day, when it was written, its id. */
const ENTRY_KEY = Prisma.sql`
  to_char(date, 'YYYY-MM-DD') || '_' || ${isoTimestamp(Prisma.raw('"createdAt"'))} || '_' || id`;

/** The register's order, newest first (entries read without a table alias). */
const NEWEST_FIRST = Prisma.sql`ORDER BY date DESC, "createdAt" DESC, id DESC`;

function afterEntryKey(after: string): Prisma.Sql {
  const m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([A-Za-z0-9]{1,64})$/.exec(after);
  if (!m) throw new DomainError("BAD_REQUEST", "That page no longer exists; start from the first.");
  return Prisma.sql`AND (date, "createdAt", id) < (${m[1]}::date, ${m[2]}::timestamptz AT TIME ZONE 'UTC', ${m[3]})`;
}

/** A page row as the statement gives it: JSON, so days and times arrive as text, the balance as a decimal string. */
interface EntryRow {
  id: string;
  date: string;
  amountCents: number;
  description: string;
  checkNumber: string | null;
  source: RegisterEntrySource;
  balanceCents: string;
  createdByName: string | null;
  accountName: string | null;
  accountMask: string | null;
  institutionName: string | null;
  /** The bank has shown it: imported from the feed, or matched to a bank row. */
  cleared: boolean;
  matched: {
    id: string;
    date: string;
    description: string;
    accountName: string | null;
    accountMask: string | null;
  } | null;
}

function entryFilters(query: EntryQuery): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (query.from) parts.push(Prisma.sql`date >= ${query.from}::date`);
  if (query.to) parts.push(Prisma.sql`date <= ${query.to}::date`);
  const text = query.text?.trim();
  if (text) {
    const amounts = amountSearch(text);
    parts.push(
      amounts.length
        ? Prisma.sql`(
            description ILIKE ${likePattern(text)} OR "checkNumber" = ${text} OR "amountCents" = ANY(${amounts}::int[])
          )`
        : Prisma.sql`(description ILIKE ${likePattern(text)} OR "checkNumber" = ${text})`,
    );
  }
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/**
 * One page of a register, newest first. The running balance is the sum of every entry up to
 * and including this one in date order (then entry order), whatever the filters, so it is the
 * same on every page and filter: the register's total less what came after the entry.
 */
export async function listEntries(db: Db, organizationId: string, query: EntryQuery) {
  const filters = entryFilters(query);
  const filtered = filters !== Prisma.empty;
  const count = filtered
    ? Prisma.sql`(
          SELECT count(*)::int FROM "RegisterEntry"
          WHERE "registerId" = ${query.registerId} AND EXISTS (SELECT 1 FROM register) ${filters}
        )`
    : Prisma.sql`(SELECT "entryCount" FROM register)`;
  const offset = query.after ? 0 : (query.page - 1) * query.pageSize;
  // The register's newest entries, the page most requests read: nothing is newer than the page, so each balance is
  // the register's total less a running sum taken as the page is read.
  const top = !filtered && !query.after && offset === 0;
  // One statement: whether the register is the organization's (every part reads nothing otherwise), the count, and
  // the page with its balances. The page is read along RegisterEntry(registerId, date, createdAt, id) newest first and
  // stops at its last row. Each row's balance is the register's total less what is newer than it: on any other page,
  // the entries above the page (summed along the same index) and a running sum over the page's own span of the
  // register (the page may leave entries out). A running sum inside the page's own read would also serve those pages,
  // but PostgreSQL then judged its kept plan dearer and planned each request again (docs/performance.md). Each row
  // goes out as a record (json_agg of a row, its columns named as the keys), which PostgreSQL builds a quarter faster
  // than json_build_object.
  // What is newer than each row, the one place the two ways differ: the page's own columns and window, the parts
  // added after it, how the page joins them, and the sum to take from the register's total.
  const newer = top
    ? {
        column: Prisma.sql`, sum("amountCents") OVER newer AS "newerCents"`,
        window: Prisma.sql`WINDOW newer AS (${NEWEST_FIRST} ROWS UNBOUNDED PRECEDING)`,
        parts: Prisma.empty,
        join: Prisma.empty,
        cents: Prisma.sql`p."newerCents"`,
      }
    : {
        column: Prisma.empty,
        window: Prisma.empty,
        parts: Prisma.sql`, newest AS (
      SELECT date, "createdAt", id FROM page ${NEWEST_FIRST} LIMIT 1
    ), span AS (
      SELECT e.id, sum(e."amountCents") OVER newer AS "newerCents"
      FROM "RegisterEntry" e, newest n, oldest o
      WHERE e."registerId" = ${query.registerId}
        AND (e.date, e."createdAt", e.id) <= (n.date, n."createdAt", n.id)
        AND (e.date, e."createdAt", e.id) >= (o.date, o."createdAt", o.id)
      WINDOW newer AS (ORDER BY e.date DESC, e."createdAt" DESC, e.id DESC ROWS UNBOUNDED PRECEDING)
    ), above AS (
      SELECT coalesce(sum(e."amountCents"), 0) AS cents FROM "RegisterEntry" e, newest n
      WHERE e."registerId" = ${query.registerId} AND (e.date, e."createdAt", e.id) > (n.date, n."createdAt", n.id)
    )`,
        join: Prisma.sql`JOIN span s ON s.id = p.id`,
        cents: Prisma.sql`((SELECT cents FROM above) + s."newerCents")`,
      };
  const [result] = await readRows<{ found: boolean; total: number; lastKey: string | null; rows: EntryRow[] }>(
    db,
    Prisma.sql`
    WITH register AS (
      SELECT id, "entryCount", "balanceCents" FROM "Register"
      WHERE id = ${query.registerId} AND "organizationId" = ${organizationId}
    ), page AS (
      SELECT id, date, "amountCents", description, "checkNumber", source, "createdById", "createdAt",
        "feedTransactionId", "clearedAt" ${newer.column}
      FROM "RegisterEntry"
      WHERE "registerId" = ${query.registerId} AND EXISTS (SELECT 1 FROM register) ${filters}
        ${query.after ? afterEntryKey(query.after) : Prisma.empty}
      ${newer.window}
      ${NEWEST_FIRST}
      ${pageWindow(query.pageSize, offset)}
    ), oldest AS (
      SELECT date, "createdAt", id FROM page ORDER BY date, "createdAt", id LIMIT 1
    )${newer.parts}
    SELECT EXISTS (SELECT 1 FROM register) AS found,
      ${count} AS total,
      (SELECT ${ENTRY_KEY} FROM oldest) AS "lastKey",
      coalesce((
        SELECT json_agg(entry ORDER BY p.date DESC, p."createdAt" DESC, p.id DESC)
        FROM page p
        ${newer.join}
        LEFT JOIN "User" u ON u.id = p."createdById"
        LEFT JOIN LATERAL (
          -- Inside, so that PostgreSQL looks up the bank account only for an entry imported from the feed.
          SELECT b.name AS "accountName", b.mask AS "accountMask", i.name AS "institutionName"
          FROM "FeedTransaction" f
          JOIN "BankAccount" b ON b.id = f."bankAccountId"
          LEFT JOIN "Connection" c ON c.id = b."connectionId"
          LEFT JOIN "Institution" i ON i.id = c."institutionId"
          WHERE p."feedTransactionId" IS NOT NULL AND f.id = p."feedTransactionId"
        ) imported ON true
        LEFT JOIN LATERAL (
          -- Likewise the bank row an entry was matched to, only for an entry cleared.
          SELECT f2.id, f2.date, f2.description, mb.name AS "accountName", mb.mask AS "accountMask"
          FROM "FeedTransaction" f2
          LEFT JOIN "BankAccount" mb ON mb.id = f2."bankAccountId"
          WHERE p."clearedAt" IS NOT NULL AND f2."registerEntryId" = p.id AND f2."matchedAt" IS NOT NULL
          ORDER BY f2."matchedAt" DESC LIMIT 1
        ) m ON true
        CROSS JOIN LATERAL (
          SELECT p.id, p.date, p."amountCents", p.description, p."checkNumber", p.source,
            ((SELECT "balanceCents" FROM register) - ${newer.cents} + p."amountCents")::text AS "balanceCents",
            u.name AS "createdByName", imported."accountName", imported."accountMask", imported."institutionName",
            p.source = 'IMPORT' OR p."clearedAt" IS NOT NULL AS cleared,
            CASE WHEN m.id IS NOT NULL THEN
              json_build_object('id', m.id, 'date', m.date, 'description', m.description,
                'accountName', m."accountName", 'accountMask', m."accountMask") END AS matched
        ) entry
      ), '[]'::json) AS rows`,
  );
  if (!result?.found) throw notFound("That register");
  return {
    total: result.total,
    page: query.page,
    pageSize: query.pageSize,
    nextCursor:
      result.rows.length === query.pageSize && query.page * query.pageSize < result.total ? result.lastKey : null,
    rows: result.rows.map((row) => ({
      id: row.id,
      date: row.date,
      description: row.description,
      checkNumber: row.checkNumber,
      amountCents: row.amountCents,
      balanceCents: Number(row.balanceCents),
      source: row.source,
      createdByName: row.createdByName,
      importedFrom: row.accountName
        ? {
            accountName: row.accountName,
            accountMask: row.accountMask ?? "",
            institutionName: row.institutionName ?? STATEMENT_FILES,
          }
        : null,
      cleared: row.cleared,
      matchedTo: row.matched
        ? {
            transactionId: row.matched.id,
            date: row.matched.date,
            description: row.matched.description ?? "",
            accountName: row.matched.accountName ?? "",
            accountMask: row.matched.accountMask ?? "",
          }
        : null,
    })),
  };
}

export interface NewEntry {
  registerId: string;
  date: string;
  description: string;
  amountCents: number;
  checkNumber?: string | null;
}

/** Money limits of a hand-written entry: a register amount fits PostgreSQL's integer. */
export const MAX_ENTRY_CENTS = 1_000_000_000;

export async function addEntry(db: DbOrTx, args: NewEntry & { organizationId: string; actorUserId: string }) {
  const register = await db.register.findFirst({
    where: { id: args.registerId, organizationId: args.organizationId },
    select: { id: true },
  });
  if (!register) throw notFound("That register");
  if (args.amountCents === 0) throw new DomainError("BAD_REQUEST", "Enter an amount other than zero.");
  if (!Number.isSafeInteger(args.amountCents) || Math.abs(args.amountCents) >= MAX_ENTRY_CENTS) {
    throw new DomainError("BAD_REQUEST", "Enter an amount under $10,000,000.00.");
  }
  const entry = await db.registerEntry.create({
    data: {
      organizationId: args.organizationId,
      registerId: register.id,
      date: new Date(`${args.date}T00:00:00.000Z`),
      description: args.description,
      amountCents: args.amountCents,
      checkNumber: args.checkNumber || null,
      source: "MANUAL",
      createdById: args.actorUserId,
    },
    select: { id: true, date: true, description: true, amountCents: true, checkNumber: true },
  });
  return { ...entry, date: isoDay(entry.date) };
}
