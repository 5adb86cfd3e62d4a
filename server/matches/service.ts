import { Prisma, type Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";
import { amountSearch } from "@/server/feed/filters";
import { BULK_TRANSACTION, isoDay, lockBooks, textArray, type Tx } from "@/server/feed/sql";
import { UTC_NOW } from "@/server/feed/states";

// A bank row and an entry the bookkeeper wrote (typed by hand, or imported from their own file) are one
// transaction: Match links them instead of importing the row again. The entry keeps its description and amount
// and takes the bank's id, date and cleared state; the register can undo it.

interface Actor {
  organizationId: string;
  actorUserId: string;
}

interface FeedRowLocked {
  id: string;
  state: string;
  date: Date;
  providerTransactionId: string;
  pendingProviderTransactionId: string | null;
  registerEntryId: string | null;
  registerId: string | null;
  accountName: string;
}

/** An entry no bank transaction is linked to yet: not imported from the feed, not matched. */
const UNLINKED = Prisma.sql`e.source <> 'IMPORT' AND e."clearedAt" IS NULL`;

/**
 * Links an unreviewed feed row to an entry of the register its account posts to. `byHand`: the person found the
 * entry themselves (Find a match); the row then names it as its match. Safe to repeat.
 */
export async function matchToEntry(
  db: Db,
  args: Actor & { transactionId: string; entryId: string; byHand: boolean },
): Promise<{ matched: boolean }> {
  return db.$transaction(async (tx) => {
    const registerId = await registerOfRow(tx, args.organizationId, args.transactionId);
    if (registerId) await lockBooks(tx, [registerId]);
    const row = await lockRow(tx, args.organizationId, args.transactionId);
    if (row.state === "IMPORTED" && row.registerEntryId === args.entryId) return { matched: false };
    if (row.state === "IMPORTED")
      throw new DomainError("CONFLICT", "That transaction is already in the register; nothing was matched.");
    if (row.state === "HIDDEN")
      throw new DomainError("CONFLICT", "That transaction is hidden; un-hide it before matching.");
    if (!row.registerId)
      throw new DomainError(
        "PRECONDITION_FAILED",
        `Choose a register for the account “${row.accountName}” on Manage Institutions first.`,
      );
    const [entry] = await tx.$queryRaw<{ id: string; date: Date; linked: boolean }[]>(Prisma.sql`
      SELECT e.id, e.date, NOT (${UNLINKED}) AS linked FROM "RegisterEntry" e
      WHERE e.id = ${args.entryId} AND e."organizationId" = ${args.organizationId}
        AND e."registerId" = ${row.registerId}
      FOR UPDATE`);
    if (!entry) throw notFound("That register entry");
    if (entry.linked)
      throw new DomainError("CONFLICT", "That register entry already has its bank transaction; choose another.");
    const reasons = args.byHand
      ? Prisma.sql`, "matchRegisterEntryId" = ${entry.id}, "matchScore" = NULL,
          "matchReasons" = ${JSON.stringify(["matched by hand"])}::jsonb`
      : Prisma.empty;
    await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction" SET state = 'IMPORTED', "registerEntryId" = ${entry.id}, "importedAt" = ${UTC_NOW},
        "importedById" = ${args.actorUserId}, "matchedAt" = ${UTC_NOW}, "entryDateBeforeMatch" = ${entry.date},
        "updatedAt" = ${UTC_NOW} ${reasons}
      WHERE id = ${row.id}`);
    await tx.$executeRaw(Prisma.sql`
      UPDATE "RegisterEntry" SET date = ${row.date}, "clearedAt" = ${UTC_NOW} WHERE id = ${entry.id}`);
    const providerIds = [
      row.providerTransactionId,
      ...(row.pendingProviderTransactionId ? [row.pendingProviderTransactionId] : []),
    ];
    await tx.$executeRaw(Prisma.sql`
      INSERT INTO "RegisterEntryProviderId" (id, "organizationId", "registerEntryId", "providerTransactionId",
        "createdAt")
      SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), ${args.organizationId}, ${entry.id}, p.id, ${UTC_NOW}
      FROM unnest(${textArray(providerIds)}) AS p(id)
      ON CONFLICT ("organizationId", "providerTransactionId") DO NOTHING`);
    return { matched: true };
  }, BULK_TRANSACTION);
}

/**
 * Undoes a match from the register: the entry gets its own date
 * back and loses the bank's ids; the row is reviewed again.
 */
export async function undoMatch(db: Db, args: Actor & { entryId: string }): Promise<{ undone: number }> {
  return db.$transaction(async (tx) => {
    const entry = await tx.registerEntry.findFirst({
      where: { id: args.entryId, organizationId: args.organizationId },
      select: { id: true, registerId: true },
    });
    if (!entry) throw notFound("That register entry");
    await lockBooks(tx, [entry.registerId]);
    const rows = await tx.$queryRaw<
      {
        id: string;
        entryDateBeforeMatch: Date;
        providerTransactionId: string;
        pendingProviderTransactionId: string | null;
      }[]
    >(Prisma.sql`
      SELECT id, "entryDateBeforeMatch", "providerTransactionId", "pendingProviderTransactionId" FROM "FeedTransaction"
      WHERE "organizationId" = ${args.organizationId} AND "registerEntryId" = ${entry.id} AND "matchedAt" IS NOT NULL
      FOR UPDATE`);
    if (rows.length === 0) return { undone: 0 };
    const ids = rows.flatMap((row) => [
      row.providerTransactionId,
      ...(row.pendingProviderTransactionId ? [row.pendingProviderTransactionId] : []),
    ]);
    await tx.$executeRaw(Prisma.sql`
      DELETE FROM "RegisterEntryProviderId"
      WHERE "organizationId" = ${args.organizationId} AND "registerEntryId" = ${entry.id}
        AND "providerTransactionId" = ANY(${textArray(ids)})`);
    await tx.$executeRaw(Prisma.sql`
      UPDATE "RegisterEntry" SET date = ${rows[0]!.entryDateBeforeMatch}, "clearedAt" = NULL WHERE id = ${entry.id}`);
    const undone = await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction" SET
        state = CASE WHEN "matchRegisterEntryId" IS NOT NULL THEN 'POSSIBLE_DUPLICATE' ELSE 'NEW' END::"FeedState",
        "registerEntryId" = NULL, "importedAt" = NULL, "importedById" = NULL, "matchedAt" = NULL,
        "entryDateBeforeMatch" = NULL, "updatedAt" = ${UTC_NOW}
      WHERE id = ANY(${textArray(rows.map((row) => row.id))})`);
    return { undone };
  }, BULK_TRANSACTION);
}

export interface EntrySearch {
  transactionId: string;
  from?: string | null;
  to?: string | null;
  /** Text in the description, or an amount ("42.13"). */
  text?: string | null;
  /** Exactly this amount (in or out as the bank row); null for any. */
  amountCents?: number | null;
}

/**
 * Find a match: entries of the register the row's account posts to that no bank transaction is linked to yet,
 * by amount, date range and text; the nearest in date first. 25 at most.
 */
export async function searchEntries(db: Db, organizationId: string, search: EntrySearch) {
  const [row] = await db.$queryRaw<{ registerId: string | null; date: Date; amountCents: number }[]>(Prisma.sql`
    SELECT b."registerId", f.date, f."amountCents"
    FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f.id = ${search.transactionId} AND f."organizationId" = ${organizationId}`);
  if (!row) throw notFound("That transaction");
  if (!row.registerId) return { entries: [] };
  const parts: Prisma.Sql[] = [];
  if (search.from) parts.push(Prisma.sql`e.date >= ${search.from}::date`);
  if (search.to) parts.push(Prisma.sql`e.date <= ${search.to}::date`);
  if (search.amountCents !== undefined && search.amountCents !== null)
    parts.push(Prisma.sql`e."amountCents" = ${search.amountCents}`);
  const text = search.text?.trim();
  if (text) {
    const amounts = amountSearch(text);
    const like = `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    parts.push(
      amounts.length
        ? Prisma.sql`(e.description ILIKE ${like} OR e."amountCents" = ANY(${amounts}::int[]))`
        : Prisma.sql`e.description ILIKE ${like}`,
    );
  }
  const entries = await db.$queryRaw<
    { id: string; date: Date; description: string; amountCents: number; checkNumber: string | null; source: string }[]
  >(Prisma.sql`
    SELECT e.id, e.date, e.description, e."amountCents", e."checkNumber", e.source::text AS source
    FROM "RegisterEntry" e
    WHERE e."organizationId" = ${organizationId} AND e."registerId" = ${row.registerId} AND ${UNLINKED}
      ${parts.length ? Prisma.sql`AND ${Prisma.join(parts, " AND ")}` : Prisma.empty}
    ORDER BY abs(e.date - ${row.date}::date), e.date DESC, e.id
    LIMIT 25`);
  return {
    entries: entries.map((entry) => ({ ...entry, date: isoDay(entry.date), typedByHand: entry.source === "MANUAL" })),
  };
}

async function registerOfRow(tx: Tx, organizationId: string, transactionId: string): Promise<string | null> {
  const [row] = await tx.$queryRaw<{ registerId: string | null }[]>(Prisma.sql`
    SELECT b."registerId" FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f.id = ${transactionId} AND f."organizationId" = ${organizationId}`);
  if (!row) throw notFound("That transaction");
  return row.registerId;
}

async function lockRow(tx: Tx, organizationId: string, transactionId: string): Promise<FeedRowLocked> {
  const [row] = await tx.$queryRaw<FeedRowLocked[]>(Prisma.sql`
    SELECT f.id, f.state::text AS state, f.date, f."providerTransactionId", f."pendingProviderTransactionId",
      f."registerEntryId", b."registerId", b.name AS "accountName"
    FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f.id = ${transactionId} AND f."organizationId" = ${organizationId}
    FOR UPDATE OF f`);
  if (!row) throw notFound("That transaction");
  return row;
}
