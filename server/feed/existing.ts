import { Prisma } from "@/server/db/client";
import type { ExistingTransaction } from "@/server/dedup";
import { intSet, textSet, type Tx } from "./sql";

// What a retrieval is matched against: the register the bank account posts to (with the
// provider ids its entries were imported under) and the transactions the customer hid in
// any bank account of that register, including accounts of removed connections.

export interface BooksScope {
  organizationId: string;
  /** The register the account posts to; null for an account not mapped to one yet. */
  registerId: string | null;
  bankAccountId: string;
}

export interface MatchWindow {
  /** Amounts of the incoming rows. */
  amounts: number[];
  /** Provider ids the incoming rows carry (their own and their pending predecessors'). */
  providerIds: string[];
}

/** A superset of the descriptions the matcher reads a check number from ("CHECK 1043", "CHK #12"). */
const MAY_NAME_A_CHECK = String.raw`\y(che(ck|que)|chk|ck)\y`;

/**
 * Loads the existing rows the matcher can pair with this batch. A busy register holds
 * 200 000 entries and most of them share nothing with a batch, so entries are read only when
 * the matcher could use them: an amount the batch has, a provider id it names, a check
 * number, an entry imported while pending (its amount may have changed), plus the register's
 * first and last entry (the matcher measures how often an amount recurs over the register's
 * span). server/feed/existing.test.ts proves the result equals matching the whole register.
 */
export async function loadExisting(tx: Tx, scope: BooksScope, window: MatchWindow): Promise<{ existing: ExistingTransaction[]; accountKey: string }> {
  const accountKey = scope.registerId ?? scope.bankAccountId;
  const [entries, tombstones] = await Promise.all([
    scope.registerId ? loadEntries(tx, scope.organizationId, scope.registerId, window) : Promise.resolve([]),
    loadTombstones(tx, scope),
  ]);
  const existing: ExistingTransaction[] = [];
  for (const [id, date, amountCents, description, checkNumber, pending, providerIds] of entries) {
    existing.push({ id, account: accountKey, date, amountCents, description, checkNumber, providerIds: providerIds ?? [], kind: "register", pending });
  }
  for (const row of tombstones) {
    existing.push({
      id: row.id,
      account: accountKey,
      date: row.date,
      amountCents: row.amountCents,
      description: row.description,
      checkNumber: row.checkNumber,
      providerIds: row.pendingProviderTransactionId ? [row.providerTransactionId, row.pendingProviderTransactionId] : [row.providerTransactionId],
      kind: "hidden",
      pending: row.pending,
    });
  }
  return { existing, accountKey };
}

type EntryTuple = [id: string, date: string, amountCents: number, description: string, checkNumber: string | null, pending: boolean, providerIds: string[] | null];

async function loadEntries(tx: Tx, organizationId: string, registerId: string, window: MatchWindow): Promise<EntryTuple[]> {
  const [row] = await tx.$queryRaw<{ rows: string }[]>(Prisma.sql`
    WITH pending AS (
      SELECT DISTINCT f."registerEntryId" AS id FROM "FeedTransaction" f
      WHERE f."organizationId" = ${organizationId} AND f.state = 'IMPORTED' AND f.pending AND f."registerEntryId" IS NOT NULL
        AND f."bankAccountId" IN (SELECT id FROM "BankAccount" WHERE "organizationId" = ${organizationId} AND "registerId" = ${registerId})
    ), known AS (
      SELECT p."registerEntryId" AS id, array_agg(p."providerTransactionId") AS "providerIds" FROM "RegisterEntryProviderId" p
      WHERE p."organizationId" = ${organizationId} AND p."providerTransactionId" IN ${textSet(window.providerIds)}
      GROUP BY p."registerEntryId"
    ), edges AS (
      (SELECT id FROM "RegisterEntry" WHERE "registerId" = ${registerId} ORDER BY date ASC LIMIT 1)
      UNION
      (SELECT id FROM "RegisterEntry" WHERE "registerId" = ${registerId} ORDER BY date DESC LIMIT 1)
    ), wanted AS (
      SELECT e.id, e.date, e."amountCents", e.description, e."checkNumber" FROM "RegisterEntry" e
      WHERE e."registerId" = ${registerId} AND e."organizationId" = ${organizationId} AND (
        e."amountCents" IN ${intSet(window.amounts)}
        OR e."checkNumber" IS NOT NULL
        OR (e.description ~* 'c[hk]' AND e.description ~* ${MAY_NAME_A_CHECK})
        OR e.id IN (SELECT id FROM known)
        OR e.id IN (SELECT id FROM pending)
        OR e.id IN (SELECT id FROM edges)
      )
    )
    SELECT coalesce(json_agg(json_build_array(w.id, w.date, w."amountCents", w.description, w."checkNumber", p.id IS NOT NULL, k."providerIds")), '[]')::text AS rows
    FROM wanted w LEFT JOIN pending p ON p.id = w.id LEFT JOIN known k ON k.id = w.id`);
  return JSON.parse(row!.rows) as EntryTuple[];
}

function loadTombstones(tx: Tx, scope: BooksScope) {
  return tx.$queryRaw<
    {
      id: string;
      date: string;
      amountCents: number;
      description: string;
      checkNumber: string | null;
      pending: boolean;
      providerTransactionId: string;
      pendingProviderTransactionId: string | null;
    }[]
  >(Prisma.sql`
    SELECT f.id, to_char(f.date, 'YYYY-MM-DD') AS date, f."amountCents", f.description, f."checkNumber", f.pending,
           f."providerTransactionId", f."pendingProviderTransactionId"
    FROM "FeedTransaction" f
    WHERE f."organizationId" = ${scope.organizationId} AND f.state = 'HIDDEN' AND f."bankAccountId" IN (
      SELECT id FROM "BankAccount"
      WHERE "organizationId" = ${scope.organizationId}
        AND ${scope.registerId ? Prisma.sql`("registerId" = ${scope.registerId} OR id = ${scope.bankAccountId})` : Prisma.sql`id = ${scope.bankAccountId}`}
    )`);
}

/** Register entries of which the customer already hid a duplicate: another copy is hidden too. */
export async function entriesWithHiddenDuplicates(tx: Tx, scope: BooksScope): Promise<Set<string>> {
  if (!scope.registerId) return new Set();
  const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT DISTINCT f."matchRegisterEntryId" AS id
    FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f."organizationId" = ${scope.organizationId} AND b."registerId" = ${scope.registerId}
      AND f.state = 'HIDDEN' AND f."matchRegisterEntryId" IS NOT NULL`);
  return new Set(rows.map((r) => r.id));
}
