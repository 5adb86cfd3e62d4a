import { Prisma } from "@/server/db/client";
import type { FeedOrigin } from "@/server/db/generated/client";
import {
  extractCheckNumber,
  normalizeCheckNumber,
  type ExistingTransaction,
  type IncomingTransaction,
} from "@/server/dedup";
import { intArray, textArray, type Tx } from "./sql";

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
  /** Whether an incoming row names a check: only then do the register's checks matter to the matcher. */
  checks: boolean;
  /**
   * The earliest incoming date, `YYYY-MM-DD`: entries imported
   * while pending long before it cannot be its pending versions.
   */
  firstDate: string;
}

/**
 * How far before a batch's first day an entry imported while pending is still read. The matcher
 * pairs a pending entry with a differently posted amount (a tip) only within days of it, and
 * counts pending rows from 10 days before the batch; a bank posts or drops a hold within weeks.
 */
export const PENDING_LOOKBACK_DAYS = 60;

/** What of a batch decides which register entries are read: its amounts, provider ids, checks and first day. */
export function matchWindow(
  rows: readonly Pick<
    IncomingTransaction,
    "date" | "amountCents" | "providerId" | "pendingProviderId" | "checkNumber" | "description"
  >[],
): MatchWindow {
  const amounts = new Set<number>();
  const providerIds: string[] = [];
  let checks = false;
  let firstDate = "9999-12-31";
  for (const row of rows) {
    if (row.date < firstDate) firstDate = row.date;
    amounts.add(row.amountCents);
    if (row.providerId) providerIds.push(row.providerId);
    if (row.pendingProviderId) providerIds.push(row.pendingProviderId);
    checks ||= (normalizeCheckNumber(row.checkNumber) ?? extractCheckNumber(row.description)) !== null;
  }
  return { amounts: [...amounts], providerIds, checks, firstDate };
}

/** A superset of the descriptions the matcher reads a check number from ("CHECK 1043", "CHK #12"). */
const MAY_NAME_A_CHECK = String.raw`\y(che(ck|que)|chk|ck)\y`;

/**
 * Loads the existing rows the matcher can pair with this batch. A busy register holds
 * 200 000 entries and most of them share nothing with a batch, so entries are read only when
 * the matcher could use them: an amount the batch has, a provider id it names, an entry
 * imported while pending in the weeks before the batch (its amount may have changed), a check
 * when the batch has checks, plus the register's first and last entry (the matcher measures
 * how often an amount recurs over the register's span). server/feed/existing.test.ts proves
 * the result equals matching the whole register.
 */
export async function loadExisting(
  tx: Tx,
  scope: BooksScope,
  window: MatchWindow,
  batch: { origin: FeedOrigin; source: string } = { origin: "CONNECTION", source: `${scope.bankAccountId}:CONNECTION` },
): Promise<{ existing: ExistingTransaction[]; accountKey: string }> {
  const accountKey = scope.registerId ?? scope.bankAccountId;
  const entries = scope.registerId ? await loadEntries(tx, scope, scope.registerId, window, batch.origin) : null;
  const tombstones = await loadTombstones(tx, scope);
  const existing: ExistingTransaction[] = [];
  if (entries) {
    const [ids, days, amounts, descriptions, checks, named, pending, notImported, fromBatchSource, matched] = entries;
    const sameSource = new Set(fromBatchSource);
    const matchedByHand = new Set(matched);
    const checkNumbers = new Map(checks);
    const providerIds = new Map<string, string[]>();
    for (const [id, providerId] of named) {
      const known = providerIds.get(id);
      if (known) known.push(providerId);
      else providerIds.set(id, [providerId]);
    }
    const importedPending = new Set(pending);
    const notFromBank = new Set(notImported);
    const dates = new Map<number, string>();
    for (let at = 0; at < ids.length; at++) {
      const id = ids[at]!;
      const day = days[at]!;
      let date = dates.get(day);
      if (date === undefined) {
        date = new Date(day * DAY_MS).toISOString().slice(0, 10);
        dates.set(day, date);
      }
      existing.push({
        id,
        account: accountKey,
        date,
        amountCents: amounts[at]!,
        description: descriptions[at]!,
        checkNumber: checkNumbers.get(id) ?? null,
        providerIds: providerIds.get(id) ?? [],
        kind: "register",
        pending: importedPending.has(id),
        fromBank: !notFromBank.has(id),
        ...(sameSource.has(id) ? { sources: [batch.source] } : {}),
        ...(matchedByHand.has(id) ? { typedByHand: true } : {}),
      });
    }
  }
  for (const row of tombstones) {
    existing.push({
      id: row.id,
      account: accountKey,
      date: row.date,
      amountCents: row.amountCents,
      description: row.description,
      checkNumber: row.checkNumber,
      providerIds: row.pendingProviderTransactionId
        ? [row.providerTransactionId, row.pendingProviderTransactionId]
        : [row.providerTransactionId],
      kind: "hidden",
      pending: row.pending,
      sources: [`${row.bankAccountId}:${row.origin}`],
    });
  }
  return { existing, accountKey };
}

const DAY_MS = 86_400_000;

/**
 * The wanted entries column by column (id, day, amount, description), then the few facts most
 * entries lack as [entry, value] pairs or lists: check numbers, the batch's provider ids found on
 * entries, entries imported while pending, entries neither imported from a bank feed nor matched to one (typed by hand:
 * the matcher's `fromBank: false`; it reads only the provider ids a batch names, so it cannot
 * tell by itself). One JSON text, as small as it goes: 100 000 rows as four arrays travel and
 * parse far faster than as rows, and a day is a number (days since 1970-01-01), not a string.
 */
type EntryColumns = [
  ids: string[],
  days: number[],
  amounts: number[],
  descriptions: string[],
  checkNumbers: [entryId: string, checkNumber: string][],
  named: [entryId: string, providerId: string][],
  pending: string[],
  notImported: string[],
  /** Entries imported from this bank account's rows of the batch's origin: the batch's own source. */
  fromBatchSource: string[],
  /** Entries whose words are a bookkeeper's (not imported from a feed), matched to a bank row since. */
  matched: string[],
];

/**
 * Entries with an amount of the batch come straight from RegisterEntry(registerId, amountCents).
 * The few others are found by id (named by the batch, imported while pending, first and last),
 * so a batch without checks never reads the rest of the register; checks are looked for in
 * every entry only when the batch has one.
 */
async function loadEntries(
  tx: Tx,
  scope: BooksScope,
  registerId: string,
  window: MatchWindow,
  origin: FeedOrigin,
): Promise<EntryColumns> {
  const organizationId = scope.organizationId;
  const amounts = intArray(window.amounts);
  const [row] = await tx.$queryRaw<{ columns: string }[]>(Prisma.sql`
    WITH named AS (
      SELECT p."registerEntryId" AS id, p."providerTransactionId" AS "providerId" FROM "RegisterEntryProviderId" p
      WHERE p."organizationId" = ${organizationId} AND p."providerTransactionId" = ANY(${textArray(window.providerIds)})
    ), pending AS (
      SELECT DISTINCT f."registerEntryId" AS id FROM "BankAccount" b
      JOIN "FeedTransaction" f ON f."bankAccountId" = b.id AND f.state = 'IMPORTED'
        AND f.date >= ${window.firstDate}::date - ${PENDING_LOOKBACK_DAYS}::int
      WHERE b."organizationId" = ${organizationId} AND b."registerId" = ${registerId}
        AND f.pending AND f."registerEntryId" IS NOT NULL
    ), others AS (
      SELECT id FROM named
      UNION SELECT id FROM pending
      UNION (SELECT id FROM "RegisterEntry" WHERE "registerId" = ${registerId} ORDER BY date ASC LIMIT 1)
      UNION (SELECT id FROM "RegisterEntry" WHERE "registerId" = ${registerId} ORDER BY date DESC LIMIT 1)
    ), wanted AS (
      SELECT e.id, e.date, e."amountCents", e.description, e."checkNumber", e.source, e."clearedAt"
      FROM "RegisterEntry" e
      WHERE e."registerId" = ${registerId} AND e."organizationId" = ${organizationId}
        AND e."amountCents" = ANY(${amounts})
      UNION ALL
      SELECT e.id, e.date, e."amountCents", e.description, e."checkNumber", e.source, e."clearedAt"
      FROM "RegisterEntry" e
      WHERE e.id = ANY(ARRAY(SELECT id FROM others))
        AND e."registerId" = ${registerId} AND e."organizationId" = ${organizationId}
        AND e."amountCents" <> ALL(${amounts})
      ${
        window.checks
          ? Prisma.sql`
      UNION ALL
      SELECT e.id, e.date, e."amountCents", e.description, e."checkNumber", e.source, e."clearedAt"
      FROM "RegisterEntry" e
      WHERE e."registerId" = ${registerId} AND e."organizationId" = ${organizationId}
        AND e."amountCents" <> ALL(${amounts})
        AND e.id <> ALL(ARRAY(SELECT id FROM others))
        AND (e."checkNumber" IS NOT NULL OR (e.description ~* 'c[hk]' AND e.description ~* ${MAY_NAME_A_CHECK}))`
          : Prisma.empty
      }
    )
    SELECT json_build_array(
      coalesce(json_agg(w.id), '[]'), coalesce(json_agg(w.date - DATE '1970-01-01'), '[]'),
      coalesce(json_agg(w."amountCents"), '[]'),
      coalesce(json_agg(w.description), '[]'),
      coalesce(json_agg(json_build_array(w.id, w."checkNumber")) FILTER (WHERE w."checkNumber" IS NOT NULL), '[]'),
      (SELECT coalesce(json_agg(json_build_array(n.id, n."providerId")), '[]') FROM named n),
      (SELECT coalesce(json_agg(p.id), '[]') FROM pending p),
      coalesce(json_agg(w.id) FILTER (WHERE w.source <> 'IMPORT' AND w."clearedAt" IS NULL), '[]'),
      (SELECT coalesce(json_agg(DISTINCT f."registerEntryId"), '[]') FROM "FeedTransaction" f
        WHERE f."bankAccountId" = ${scope.bankAccountId} AND f.state = 'IMPORTED' AND f.origin = ${origin}::"FeedOrigin"
          AND f."registerEntryId" IS NOT NULL),
      coalesce(json_agg(w.id) FILTER (WHERE w.source <> 'IMPORT' AND w."clearedAt" IS NOT NULL), '[]')
    )::text AS columns
    FROM wanted w`);
  return JSON.parse(row!.columns) as EntryColumns;
}

function loadTombstones(tx: Tx, scope: BooksScope) {
  const accounts = scope.registerId
    ? Prisma.sql`("registerId" = ${scope.registerId} OR id = ${scope.bankAccountId})`
    : Prisma.sql`id = ${scope.bankAccountId}`;
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
      bankAccountId: string;
      origin: FeedOrigin;
    }[]
  >(Prisma.sql`
    SELECT f.id, to_char(f.date, 'YYYY-MM-DD') AS date, f."amountCents", f.description, f."checkNumber", f.pending,
           f."providerTransactionId", f."pendingProviderTransactionId", f."bankAccountId", f.origin::text AS origin
    FROM "FeedTransaction" f
    WHERE f."organizationId" = ${scope.organizationId} AND f.state = 'HIDDEN' AND f."bankAccountId" IN (
      SELECT id FROM "BankAccount"
      WHERE "organizationId" = ${scope.organizationId}
        AND ${accounts}
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
