import type { Transaction } from "@/server/aggregator/client";
import { Prisma, type Db } from "@/server/db/client";
import type { FeedOrigin, FeedState } from "@/server/db/generated/client";
import { matchTransactions, type IncomingTransaction, type MatchResult } from "@/server/dedup";
import { recordAudit } from "@/server/audit/service";
import { notFound } from "@/server/errors";
import { entriesWithHiddenDuplicates, loadExisting, matchWindow, type BooksScope } from "./existing";
import { BULK_TRANSACTION, lockBooks, newId, rowsJson, textArray, type Tx } from "./sql";
import { UNREVIEWED_STATES, UTC_NOW } from "./states";

export interface IngestResult {
  /** Transactions the bank sent. */
  received: number;
  /** New rows offered for review in the bank feed (new or flagged; not those hidden again). */
  added: number;
  /** Transactions the feed already had (by their id, or for statements by day, amount and wording). */
  known: number;
  /** Rows already in the feed that the bank revised (pending that posted, changed amounts). */
  updated: number;
  /** New or replaced rows flagged as duplicates or possible duplicates of the register. */
  flagged: number;
  /** New or replaced rows hidden again because they match a transaction the customer hid. */
  hidden: number;
  /** New or replaced rows hidden as sure duplicates, by the organization's setting (one batch). */
  hiddenAsSure: number;
}

/** Seconds spent in each step of an ingest, for the benchmark. */
export interface IngestPhases {
  /** Opening the transaction, the account and the register lock. */
  begin?: number;
  /** Rows the feed already has under the batch's provider ids. */
  known?: number;
  /** The register entries and tombstones the matcher needs. */
  read?: number;
  /** The matcher itself. */
  match?: number;
  /** Storing the feed rows with their verdicts. */
  write?: number;
  /** Committing. */
  commit?: number;
}

/** The bank's fields of a feed row. */
interface BankFields {
  providerId: string;
  pendingProviderId: string | null;
  date: string;
  amountCents: number;
  description: string;
  checkNumber: string | null;
  pending: boolean;
}

interface KnownRow {
  id: string;
  providerTransactionId: string;
  state: string;
  date: string;
  amountCents: number;
  description: string;
  checkNumber: string | null;
  pending: boolean;
}

/** What the matcher decided for a row, as stored. */
interface Verdict {
  state: Exclude<FeedState, "IMPORTED">;
  matchRegisterEntryId: string | null;
  matchFeedTransactionId: string | null;
  matchScore: number | null;
  matchReasons: string[] | null;
  /** Hidden as a sure duplicate by the organization's setting: the batch of this retrieval. */
  hideBatchId?: string | null;
}

const HID_A_COPY_BEFORE = "you hid a duplicate of this register entry before";

/**
 * Brings retrieved transactions into an account's bank feed and decides, for every new one,
 * whether it duplicates the register the account posts to or a transaction the customer hid.
 *
 * In one transaction, serialized per register: a transaction already in the feed under its
 * provider id is revised in place while it waits for review (never added twice); a posted
 * transaction replaces the unreviewed pending row it names; everything else is inserted with
 * the matcher's verdict (duplicate, possible duplicate, new, or hidden again when it matches
 * a hidden tombstone). Running it twice with the same transactions changes nothing.
 */
export async function ingestBankTransactions(
  db: Db,
  args: IngestArgs,
  options: { phases?: IngestPhases } = {},
): Promise<IngestResult> {
  const phases = options.phases;
  let mark = performance.now();
  const lap = (phase: keyof IngestPhases) => {
    const now = performance.now();
    if (phases) phases[phase] = (phases[phase] ?? 0) + (now - mark) / 1000;
    mark = now;
  };
  const result = await db.$transaction((tx) => ingestWithin(tx, args, lap), BULK_TRANSACTION);
  lap("commit");
  return result;
}

export interface IngestArgs {
  organizationId: string;
  bankAccountId: string;
  transactions: Transaction[];
  /** A connection's retrieval (the default) or a statement file's rows. */
  origin?: FeedOrigin;
}

/** The source the matcher knows a feed row's provider id by: one account's retrievals, or its statements. */
export const sourceOf = (bankAccountId: string, origin: FeedOrigin) => `${bankAccountId}:${origin}`;

/** ingestBankTransactions inside the caller's transaction (a statement file brings several accounts at once). */
export async function ingestWithin(
  tx: Tx,
  args: IngestArgs,
  lap: (phase: keyof IngestPhases) => void = () => {},
): Promise<IngestResult> {
  const { organizationId, bankAccountId } = args;
  const origin = args.origin ?? "CONNECTION";
  const batch = latestVersions(args.transactions);
  const account = await tx.bankAccount.findFirst({
    where: { id: bankAccountId, organizationId },
    select: { registerId: true },
  });
  if (!account) throw notFound("That bank account");
  const settings = await tx.organization.findUniqueOrThrow({
    where: { id: organizationId },
    select: { autoHideSureDuplicates: true },
  });
  const scope: BooksScope = { organizationId, registerId: account.registerId, bankAccountId };
  // The account's own lock too: two retrievals of one account never overlap, even while the
  // account is being mapped to another register.
  await lockBooks(tx, scope.registerId ? [scope.registerId, bankAccountId] : [bankAccountId]);
  // json_to_recordset holds the batch's rows in memory up to work_mem, the rest in a temp file.
  await tx.$executeRaw`SET LOCAL work_mem = '64MB'`;
  lap("begin");

  const known = await knownRows(
    tx,
    bankAccountId,
    batch.flatMap((t) => (t.pendingTransactionId ? [t.id, t.pendingTransactionId] : [t.id])),
  );
  const alreadyInFeed =
    origin === "STATEMENT" ? await statementRowsAlreadyInFeed(tx, bankAccountId, batch, known) : new Set<Transaction>();
  const revisions: (BankFields & { id: string })[] = [];
  const toMatch: (BankFields & { id: string; replaces: boolean })[] = [];
  const replaced = new Set<string>();
  for (const t of batch) {
    if (alreadyInFeed.has(t)) continue;
    const fields = bankFields(t);
    const same = known.get(t.id);
    if (same) {
      if (UNREVIEWED_STATES.includes(same.state) && revised(same, fields)) revisions.push({ ...fields, id: same.id });
      continue;
    }
    const pendingRow = t.pendingTransactionId ? known.get(t.pendingTransactionId) : undefined;
    if (pendingRow && UNREVIEWED_STATES.includes(pendingRow.state) && !replaced.has(pendingRow.id)) {
      replaced.add(pendingRow.id);
      toMatch.push({ ...fields, id: pendingRow.id, replaces: true });
      continue;
    }
    toMatch.push({ ...fields, id: newId(), replaces: false });
  }

  lap("known");

  const verdicts = await decide(tx, scope, origin, toMatch, lap, settings.autoHideSureDuplicates);
  const rows = toMatch.map((row, at) => ({ ...row, ...verdicts[at]! }));
  const hiddenAsSure = await hideSureDuplicates(tx, scope, rows);
  const inserted = await insertRows(
    tx,
    scope,
    origin,
    rows.filter((row) => !row.replaces),
  );
  const replacedCount = await replaceRows(
    tx,
    rows.filter((row) => row.replaces),
  );
  const revisedCount = await reviseRows(tx, revisions);
  lap("write");
  return {
    received: args.transactions.length,
    added: inserted.offered,
    known: batch.length - toMatch.length,
    updated: replacedCount + revisedCount,
    flagged: rows.filter((row) => row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE").length,
    hidden: rows.filter((row) => row.state === "HIDDEN" && !row.hideBatchId).length,
    hiddenAsSure,
  };
}

/**
 * Statement rows the account's feed already holds from an earlier file under another reference: some banks
 * number a statement's transactions anew on every download. A row counts as already there when as many rows of
 * the same day, amount and wording came from statements before as the batch has, those known by id included.
 */
async function statementRowsAlreadyInFeed(
  tx: Tx,
  bankAccountId: string,
  batch: Transaction[],
  known: Map<string, KnownRow>,
): Promise<Set<Transaction>> {
  if (batch.length === 0) return new Set();
  const key = (date: string, amountCents: number, description: string) =>
    `${date}|${amountCents}|${description.trim().replace(/\s+/g, " ").toLowerCase()}`;
  const dates = batch.map((t) => t.postedDate).sort();
  const rows = await tx.$queryRaw<{ date: string; amountCents: number; description: string }[]>(Prisma.sql`
    SELECT to_char(date, 'YYYY-MM-DD') AS date, "amountCents", description FROM "FeedTransaction"
    WHERE "bankAccountId" = ${bankAccountId} AND origin = 'STATEMENT'
      AND date BETWEEN ${dates[0]!}::date AND ${dates[dates.length - 1]!}::date`);
  const inFeed = new Map<string, number>();
  for (const row of rows)
    inFeed.set(
      key(row.date, row.amountCents, row.description),
      (inFeed.get(key(row.date, row.amountCents, row.description)) ?? 0) + 1,
    );
  const byKey = new Map<string, Transaction[]>();
  for (const t of batch) {
    const k = key(t.postedDate, t.amountCents, t.description);
    byKey.set(k, [...(byKey.get(k) ?? []), t]);
  }
  const already = new Set<Transaction>();
  for (const [k, group] of byKey) {
    const unknown = group.filter((t) => !known.has(t.id));
    const fresh = Math.max(0, group.length - (inFeed.get(k) ?? 0));
    for (const t of unknown.slice(0, unknown.length - fresh)) already.add(t);
  }
  return already;
}

/**
 * One version per provider id (the last one sent), and no pending transaction whose posted
 * successor came in the same batch: the posted one stands for both.
 */
function latestVersions(transactions: Transaction[]): Transaction[] {
  const byId = new Map<string, Transaction>();
  for (const t of transactions) byId.set(t.id, t);
  const posted = new Set<string>();
  for (const t of byId.values()) if (t.pendingTransactionId) posted.add(t.pendingTransactionId);
  return [...byId.values()].filter((t) => !(t.pending && posted.has(t.id)));
}

function bankFields(t: Transaction): BankFields {
  return {
    providerId: t.id,
    pendingProviderId: t.pendingTransactionId,
    date: t.postedDate,
    amountCents: t.amountCents,
    description: t.description,
    checkNumber: t.checkNumber,
    pending: t.pending,
  };
}

function revised(row: KnownRow, fields: BankFields): boolean {
  return (
    row.date !== fields.date ||
    row.amountCents !== fields.amountCents ||
    row.description !== fields.description ||
    row.checkNumber !== fields.checkNumber ||
    row.pending !== fields.pending
  );
}

async function knownRows(tx: Tx, bankAccountId: string, providerIds: string[]): Promise<Map<string, KnownRow>> {
  if (providerIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<KnownRow[]>(Prisma.sql`
    SELECT id, "providerTransactionId", state::text AS state, to_char(date, 'YYYY-MM-DD') AS date, "amountCents",
      description, "checkNumber", pending
    FROM "FeedTransaction"
    WHERE "bankAccountId" = ${bankAccountId} AND "providerTransactionId" = ANY(${textArray(providerIds)})`);
  return new Map(rows.map((row) => [row.providerTransactionId, row]));
}

async function decide(
  tx: Tx,
  scope: BooksScope,
  origin: FeedOrigin,
  rows: (BankFields & { id: string })[],
  lap: (phase: keyof IngestPhases) => void,
  hideSure: boolean,
): Promise<Verdict[]> {
  if (rows.length === 0) return [];
  const source = sourceOf(scope.bankAccountId, origin);
  const { existing, accountKey } = await loadExisting(tx, scope, matchWindow(rows), { origin, source });
  const hiddenCopies = await entriesWithHiddenDuplicates(tx, scope);
  const incoming: IncomingTransaction[] = rows.map((row) => ({
    id: row.id,
    account: accountKey,
    date: row.date,
    amountCents: row.amountCents,
    description: row.description,
    pending: row.pending,
    providerId: row.providerId,
    pendingProviderId: row.pendingProviderId,
    checkNumber: row.checkNumber,
    source,
  }));
  lap("read");
  const verdicts = matchTransactions({ existing, incoming }).map((result) => verdictOf(result, hiddenCopies, hideSure));
  lap("match");
  return verdicts;
}

/**
 * A match of something the customer hid is hidden again: a hidden transaction is never offered
 * twice. With the organization's setting, a sure duplicate of the register (the matcher's
 * `duplicate` tier, which every exact key reaches: a provider id seen before, a pending
 * transaction's posted successor, a check number) is hidden too, keeping its match and reasons.
 */
function verdictOf(result: MatchResult, hiddenCopies: Set<string>, hideSure: boolean): Verdict {
  if (result.tier === "new" || result.matchId === null) {
    return {
      state: "NEW",
      matchRegisterEntryId: null,
      matchFeedTransactionId: null,
      matchScore: null,
      matchReasons: null,
    };
  }
  const match = { matchScore: result.score, matchReasons: result.reasons };
  if (result.matchKind === "hidden")
    return { state: "HIDDEN", matchRegisterEntryId: null, matchFeedTransactionId: result.matchId, ...match };
  if (hiddenCopies.has(result.matchId)) {
    return {
      state: "HIDDEN",
      matchRegisterEntryId: result.matchId,
      matchFeedTransactionId: null,
      matchScore: result.score,
      matchReasons: [...result.reasons, HID_A_COPY_BEFORE],
    };
  }
  const sure = result.tier === "duplicate";
  return {
    state: sure && hideSure ? "HIDDEN" : sure ? "DUPLICATE" : "POSSIBLE_DUPLICATE",
    matchRegisterEntryId: result.matchId,
    matchFeedTransactionId: null,
    ...match,
    hideBatchId: sure && hideSure ? SURE_BATCH : null,
  };
}

/** Stands for the batch of this retrieval until hideSureDuplicates knows whether one is needed. */
const SURE_BATCH = "sure";

/**
 * The sure duplicates a retrieval hid by the organization's setting become one batch, listed
 * under Show hidden (Un-hide all brings them back), and one audit entry by the system.
 */
async function hideSureDuplicates(tx: Tx, scope: BooksScope, rows: Verdict[]): Promise<number> {
  const sure = rows.filter((row) => row.hideBatchId === SURE_BATCH);
  if (sure.length === 0) return 0;
  const batch = await tx.feedHideBatch.create({
    data: {
      organizationId: scope.organizationId,
      bankAccountId: scope.bankAccountId,
      kind: "AUTOMATIC",
      hiddenCount: sure.length,
    },
    select: { id: true },
  });
  for (const row of sure) row.hideBatchId = batch.id;
  await recordAudit(tx, {
    actor: { userId: null, email: null, ipAddress: null },
    organizationId: scope.organizationId,
    action: "feed.autoHide",
    objectType: "FeedHideBatch",
    objectId: batch.id,
    details: { bankAccountId: scope.bankAccountId, hidden: sure.length },
  });
  return sure.length;
}

/**
 * Feed rows as one compact JSON document: short keys and no nulls, because PostgreSQL parses the
 * whole document (20 000 rows of a busy account) and its size is most of the cost. The matcher's
 * reasons repeat from row to row ("same amount", "dates 1 day apart" …), so each distinct list
 * travels and is parsed once, and a row names it by its position (`w`).
 */
function recordSet(rows: readonly (BankFields & Partial<Verdict> & { id: string })[]) {
  const reasonLists: string[][] = [];
  const positions = new Map<string, number>();
  const records = rows.map((row) => {
    let w: number | undefined;
    if (row.matchReasons) {
      const key = row.matchReasons.join("\n");
      w = positions.get(key);
      if (w === undefined) {
        w = reasonLists.push(row.matchReasons) - 1;
        positions.set(key, w);
      }
    }
    return {
      i: row.id,
      p: row.providerId,
      q: row.pendingProviderId ?? undefined,
      d: row.date,
      a: row.amountCents,
      t: row.description,
      c: row.checkNumber ?? undefined,
      n: row.pending,
      s: row.state,
      r: row.matchRegisterEntryId ?? undefined,
      f: row.matchFeedTransactionId ?? undefined,
      m: row.matchScore ?? undefined,
      w,
      b: row.hideBatchId ?? undefined,
    };
  });
  return Prisma.sql`(
    SELECT r.i, r.p, r.q, r.d, r.a, r.t, r.c, r.n, r.s, r.r, r.f, r.m, ${rowsJson(reasonLists)}::jsonb -> r.w AS w, r.b
    FROM json_to_recordset(${rowsJson(records)}::json) AS r(
      i text, p text, q text, d date, a int, t text, c text, n boolean, s text, r text, f text, m float8, w int, b text)
  ) AS x`;
}

/**
 * Inserts the new rows. Nothing can be in the way: the account is locked, and its rows under
 * these provider ids were looked up under that lock; the unique index on the account's provider
 * ids would refuse a second row anyway. (ON CONFLICT would cost a speculative insertion per row.)
 */
async function insertRows(
  tx: Tx,
  scope: BooksScope,
  origin: FeedOrigin,
  rows: (BankFields & Verdict & { id: string })[],
): Promise<{ offered: number }> {
  if (rows.length === 0) return { offered: 0 };
  await tx.$executeRaw(Prisma.sql`
    INSERT INTO "FeedTransaction" (
      id, "organizationId", "bankAccountId", "providerTransactionId", "pendingProviderTransactionId", date,
      "amountCents", description, "checkNumber", pending, origin, state, "matchRegisterEntryId",
      "matchFeedTransactionId", "matchScore", "matchReasons", "hiddenAt", "hideBatchId", "createdAt", "updatedAt")
    SELECT x.i, ${scope.organizationId}, ${scope.bankAccountId}, x.p, x.q, x.d, x.a, x.t, x.c, x.n,
      ${origin}::"FeedOrigin", x.s::"FeedState", x.r, x.f, x.m, x.w,
      CASE WHEN x.s = 'HIDDEN' THEN ${UTC_NOW} END, x.b, ${UTC_NOW}, ${UTC_NOW}
    FROM ${recordSet(rows)}`);
  return { offered: rows.filter((row) => row.state !== "HIDDEN").length };
}

/** The posted version takes the pending row's place, with a fresh verdict (its amount may have changed). */
async function replaceRows(tx: Tx, rows: (BankFields & Verdict & { id: string })[]): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw(Prisma.sql`
    UPDATE "FeedTransaction" f SET
      "providerTransactionId" = x.p, "pendingProviderTransactionId" = x.q, date = x.d, "amountCents" = x.a,
      description = x.t, "checkNumber" = x.c, pending = x.n, state = x.s::"FeedState", "matchRegisterEntryId" = x.r,
      "matchFeedTransactionId" = x.f, "matchScore" = x.m, "matchReasons" = x.w,
      "hiddenAt" = CASE WHEN x.s = 'HIDDEN' THEN ${UTC_NOW} END, "hiddenById" = NULL,
      "hideBatchId" = x.b, "updatedAt" = ${UTC_NOW}
    FROM ${recordSet(rows)}
    WHERE f.id = x.i AND f.state IN ('NEW', 'DUPLICATE', 'POSSIBLE_DUPLICATE')`);
}

/** The bank revised a row still waiting for review (the last 15 days may change): it shows the bank's latest. */
async function reviseRows(tx: Tx, rows: (BankFields & { id: string })[]): Promise<number> {
  if (rows.length === 0) return 0;
  return tx.$executeRaw(Prisma.sql`
    UPDATE "FeedTransaction" f SET
      "pendingProviderTransactionId" = coalesce(x.q, f."pendingProviderTransactionId"), date = x.d, "amountCents" = x.a,
      description = x.t, "checkNumber" = x.c, pending = x.n, "updatedAt" = ${UTC_NOW}
    FROM ${recordSet(rows)}
    WHERE f.id = x.i AND f.state IN ('NEW', 'DUPLICATE', 'POSSIBLE_DUPLICATE')`);
}
