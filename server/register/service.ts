import { Prisma, type Db } from "@/server/db/client";
import { escapeLike } from "@/server/db/paging";
import type { DbOrTx } from "@/server/db/transaction";
import { DomainError, notFound } from "@/server/errors";
import { amountSearch } from "@/server/feed/filters";
import { STATEMENT_FILES } from "@/server/feed/list";
import { isoDay } from "@/server/feed/sql";

// The books: each register's entries with the running balance after each one, and entries
// added by hand.

export async function listRegisters(db: Db, organizationId: string) {
  const [registers, totals] = await Promise.all([
    db.register.findMany({
      where: { organizationId },
      select: { id: true, name: true, kind: true, bankAccounts: { select: { name: true, mask: true, linked: true } } },
      orderBy: { name: "asc" },
    }),
    db.registerEntry.groupBy({ by: ["registerId"], where: { organizationId }, _count: { _all: true }, _sum: { amountCents: true } }),
  ]);
  return registers.map((register) => {
    const total = totals.find((t) => t.registerId === register.id);
    return {
      id: register.id,
      name: register.name,
      kind: register.kind,
      entryCount: total?._count._all ?? 0,
      balanceCents: total?._sum.amountCents ?? 0,
      bankAccounts: register.bankAccounts.filter((a) => a.linked).map((a) => ({ name: a.name, mask: a.mask })),
    };
  });
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
const entryKey = (row: { date: Date; createdAt: Date; id: string }) => `${isoDay(row.date)}_${row.createdAt.toISOString()}_${row.id}`;

function afterEntryKey(after: string): Prisma.Sql {
  const m = /^(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)_([A-Za-z0-9]{1,64})$/.exec(after);
  if (!m) throw new DomainError("BAD_REQUEST", "That page no longer exists; start from the first.");
  return Prisma.sql`AND (date, "createdAt", id) < (${m[1]}::date, ${m[2]}::timestamptz AT TIME ZONE 'UTC', ${m[3]})`;
}

interface EntryRow {
  id: string;
  date: Date;
  amountCents: number;
  description: string;
  checkNumber: string | null;
  source: "MANUAL" | "IMPORT" | "STATEMENT";
  createdAt: Date;
  balanceCents: bigint;
  createdByName: string | null;
  accountName: string | null;
  accountMask: string | null;
  institutionName: string | null;
  clearedAt: Date | null;
  matchedId: string | null;
  matchedDate: Date | null;
  matchedDescription: string | null;
  matchedAccountName: string | null;
  matchedAccountMask: string | null;
}

const likePattern = (text: string) => `%${escapeLike(text)}%`;

function entryFilters(query: EntryQuery): Prisma.Sql {
  const parts: Prisma.Sql[] = [];
  if (query.from) parts.push(Prisma.sql`date >= ${query.from}::date`);
  if (query.to) parts.push(Prisma.sql`date <= ${query.to}::date`);
  const text = query.text?.trim();
  if (text) {
    const amounts = amountSearch(text);
    parts.push(
      amounts.length
        ? Prisma.sql`(description ILIKE ${likePattern(text)} OR "checkNumber" = ${text} OR "amountCents" = ANY(${amounts}::int[]))`
        : Prisma.sql`(description ILIKE ${likePattern(text)} OR "checkNumber" = ${text})`,
    );
  }
  return parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty;
}

/**
 * One page of a register, newest first. The running balance is the sum of every entry up to
 * and including this one in date order (then entry order), computed by PostgreSQL over the
 * whole register before filtering and paging, so it is the same on every page and filter: the
 * register's total less what came after the entry. The window runs newest first along the
 * index, so a page near the top reads only the entries above it.
 */
export async function listEntries(db: Db, organizationId: string, query: EntryQuery) {
  const register = await db.register.findFirst({ where: { id: query.registerId, organizationId }, select: { id: true } });
  if (!register) throw notFound("That register");
  const filters = entryFilters(query);
  const [[counted], rows] = await Promise.all([
    db.$queryRaw<{ total: number }[]>(Prisma.sql`
      SELECT count(*)::int AS total FROM "RegisterEntry" WHERE "registerId" = ${register.id} AND "organizationId" = ${organizationId} ${filters}`),
    db.$queryRaw<EntryRow[]>(Prisma.sql`
      WITH ledger AS (
        SELECT id, date, "amountCents", description, "checkNumber", source, "createdById", "createdAt", "feedTransactionId", "clearedAt",
          sum("amountCents"::bigint) OVER (ORDER BY date DESC, "createdAt" DESC, id DESC ROWS UNBOUNDED PRECEDING) AS "newerCents"
        FROM "RegisterEntry"
        WHERE "registerId" = ${register.id} AND "organizationId" = ${organizationId}
      ), page AS (
        SELECT * FROM ledger WHERE true ${filters} ${query.after ? afterEntryKey(query.after) : Prisma.empty}
        ORDER BY date DESC, "createdAt" DESC, id DESC
        LIMIT ${query.pageSize} OFFSET ${query.after ? 0 : (query.page - 1) * query.pageSize}
      )
      SELECT p.id, p.date, p."amountCents", p.description, p."checkNumber", p.source::text AS source, p."createdAt",
        (SELECT coalesce(sum("amountCents"::bigint), 0) FROM "RegisterEntry" WHERE "registerId" = ${register.id}) - p."newerCents" + p."amountCents" AS "balanceCents",
        u.name AS "createdByName", b.name AS "accountName", b.mask AS "accountMask", i.name AS "institutionName", p."clearedAt",
        m.id AS "matchedId", m.date AS "matchedDate", m.description AS "matchedDescription", mb.name AS "matchedAccountName", mb.mask AS "matchedAccountMask"
      FROM page p
      LEFT JOIN "User" u ON u.id = p."createdById"
      LEFT JOIN "FeedTransaction" f ON f.id = p."feedTransactionId"
      LEFT JOIN "BankAccount" b ON b.id = f."bankAccountId"
      LEFT JOIN "Connection" c ON c.id = b."connectionId"
      LEFT JOIN "Institution" i ON i.id = c."institutionId"
      LEFT JOIN LATERAL (
        SELECT f2.id, f2.date, f2.description, f2."bankAccountId" FROM "FeedTransaction" f2
        WHERE f2."registerEntryId" = p.id AND f2."matchedAt" IS NOT NULL ORDER BY f2."matchedAt" DESC LIMIT 1
      ) m ON p."clearedAt" IS NOT NULL
      LEFT JOIN "BankAccount" mb ON mb.id = m."bankAccountId"
      ORDER BY p.date DESC, p."createdAt" DESC, p.id DESC`),
  ]);
  return {
    total: counted!.total,
    page: query.page,
    pageSize: query.pageSize,
    nextCursor: rows.length === query.pageSize && query.page * query.pageSize < counted!.total ? entryKey(rows[rows.length - 1]!) : null,
    rows: rows.map((row) => ({
      id: row.id,
      date: isoDay(row.date),
      description: row.description,
      checkNumber: row.checkNumber,
      amountCents: row.amountCents,
      balanceCents: Number(row.balanceCents),
      source: row.source,
      createdAt: row.createdAt,
      createdByName: row.createdByName,
      importedFrom: row.accountName
        ? { accountName: row.accountName, accountMask: row.accountMask ?? "", institutionName: row.institutionName ?? STATEMENT_FILES }
        : null,
      /** The bank has shown it: imported from the feed, or matched to a bank row. */
      cleared: row.source === "IMPORT" || row.clearedAt !== null,
      matchedTo: row.matchedId
        ? { transactionId: row.matchedId, date: isoDay(row.matchedDate!), description: row.matchedDescription ?? "", accountName: row.matchedAccountName ?? "", accountMask: row.matchedAccountMask ?? "" }
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
  const register = await db.register.findFirst({ where: { id: args.registerId, organizationId: args.organizationId }, select: { id: true } });
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
