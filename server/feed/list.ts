import type { Db } from "@/server/db/client";
import type { FeedHideKind, FeedState, Prisma } from "@/server/db/generated/client";
import { escapeLike } from "@/server/db/paging";
import { DomainError, notFound } from "@/server/errors";
import { isoDay } from "./sql";
import { amountSearch, dayRange } from "./filters";

// What the bank feed page shows: the accounts to pick from and one page of an account's feed.

export const FEED_VIEWS = ["review", "new", "flagged", "imported", "hidden", "all"] as const;
export type FeedView = (typeof FEED_VIEWS)[number];

export const FLAGGED_STATES: FeedState[] = ["DUPLICATE", "POSSIBLE_DUPLICATE"];

const statesOf: Record<FeedView, FeedState[] | null> = {
  review: ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"],
  new: ["NEW"],
  flagged: FLAGGED_STATES,
  imported: ["IMPORTED"],
  hidden: ["HIDDEN"],
  all: null,
};

/** What an account without a connection shows where others name their bank. */
export const STATEMENT_FILES = "Statement files";

/**
 * Accounts with a feed: every linked account of a working connection, accounts whose statements are
 * imported as files, and accounts of removed connections that still hold hidden transactions (so they
 * can be un-hidden).
 */
export async function listFeedAccounts(db: Db, organizationId: string) {
  const [accounts, counts] = await Promise.all([
    db.bankAccount.findMany({
      where: {
        organizationId,
        OR: [
          { linked: true, connection: { status: { not: "REMOVED" } } },
          { linked: true, connectionId: null },
          { feedTransactions: { some: { state: "HIDDEN" } } },
        ],
      },
      select: {
        id: true,
        name: true,
        mask: true,
        kind: true,
        linked: true,
        register: { select: { id: true, name: true } },
        connection: { select: { status: true, createdAt: true, institution: { select: { name: true } } } },
      },
      orderBy: [{ connection: { createdAt: "desc" } }, { name: "asc" }],
    }),
    // Through the accounts: FeedTransaction(bankAccountId, state, date) answers each one.
    db.feedTransaction.groupBy({ by: ["bankAccountId", "state"], where: { bankAccount: { organizationId } }, _count: { _all: true } }),
  ]);
  return accounts.map((account) => {
    const count = (states: FeedState[]) =>
      counts.filter((c) => c.bankAccountId === account.id && states.includes(c.state)).reduce((sum, c) => sum + c._count._all, 0);
    return {
      id: account.id,
      name: account.name,
      mask: account.mask,
      kind: account.kind,
      institutionName: account.connection?.institution.name ?? STATEMENT_FILES,
      removed: account.connection?.status === "REMOVED" || !account.linked,
      register: account.register,
      counts: { new: count(["NEW"]), flagged: count(["DUPLICATE", "POSSIBLE_DUPLICATE"]), hidden: count(["HIDDEN"]), imported: count(["IMPORTED"]) },
    };
  });
}

/** The list filters a person sets: a date range and a text (or amount). */
export interface FeedFilters {
  from?: string | null;
  to?: string | null;
  text?: string | null;
}

export interface FeedQuery extends FeedFilters {
  bankAccountId: string;
  view: FeedView;
  page: number;
  pageSize: number;
  after?: string | null;
}

/** A feed row's place in the list (newest first): its day and id. */
const feedKey = (row: { date: Date; id: string }) => `${isoDay(row.date)}_${row.id}`;

function afterFeedKey(after: string): Prisma.FeedTransactionWhereInput {
  const m = /^(\d{4}-\d{2}-\d{2})_([A-Za-z0-9]{1,64})$/.exec(after);
  if (!m) throw new DomainError("BAD_REQUEST", "That page no longer exists; start from the first.");
  const date = new Date(`${m[1]}T00:00:00Z`);
  return { OR: [{ date: { lt: date } }, { date, id: { lt: m[2] } }] };
}

/** The rows of an account in these states (all when null) that the filters let through: the list and Hide all read the same. */
export function feedWhere(organizationId: string, bankAccountId: string, states: FeedState[] | null, filters: FeedFilters): Prisma.FeedTransactionWhereInput {
  const text = filters.text?.trim();
  const days = dayRange(filters.from, filters.to);
  return {
    organizationId,
    bankAccountId,
    ...(states ? { state: { in: states } } : {}),
    ...(days ? { date: days } : {}),
    ...(text ? { OR: [{ description: { contains: escapeLike(text), mode: "insensitive" } }, ...amountSearch(text).map((amountCents) => ({ amountCents }))] } : {}),
  };
}

/** How the hidden rows of a page were hidden together, by their batch. */
async function hideBatchKinds(db: Db, organizationId: string, rows: { hideBatchId: string | null }[]) {
  const ids = [...new Set(rows.flatMap((row) => (row.hideBatchId ? [row.hideBatchId] : [])))];
  if (ids.length === 0) return new Map<string, { id: string; kind: FeedHideKind }>();
  const batches = await db.feedHideBatch.findMany({ where: { organizationId, id: { in: ids } }, select: { id: true, kind: true } });
  return new Map(batches.map((batch) => [batch.id, batch]));
}

/** One page of an account's feed, newest first, with what each flagged row matches and why. */
export async function listFeed(db: Db, organizationId: string, query: FeedQuery) {
  const account = await db.bankAccount.findFirst({ where: { id: query.bankAccountId, organizationId }, select: { id: true } });
  if (!account) throw notFound("That bank account");
  const where = feedWhere(organizationId, account.id, statesOf[query.view], query);
  const flaggedWhere = feedWhere(organizationId, account.id, FLAGGED_STATES, query);
  const [total, flaggedMatching, rows] = await Promise.all([
    db.feedTransaction.count({ where }),
    // What "Hide all possible duplicates" would hide with these filters (the list's own total in that view).
    query.view === "review" || query.view === "all" ? db.feedTransaction.count({ where: flaggedWhere }) : null,
    db.feedTransaction.findMany({
      where: query.after ? { AND: [where, afterFeedKey(query.after)] } : where,
      select: {
        id: true,
        date: true,
        description: true,
        amountCents: true,
        checkNumber: true,
        pending: true,
        state: true,
        matchRegisterEntryId: true,
        matchFeedTransactionId: true,
        matchScore: true,
        matchReasons: true,
        hiddenAt: true,
        hiddenById: true,
        hideBatchId: true,
        importedAt: true,
        matchedAt: true,
        registerEntryId: true,
      },
      orderBy: [{ date: "desc" }, { id: "desc" }],
      skip: query.after ? 0 : (query.page - 1) * query.pageSize,
      take: query.pageSize,
    }),
  ]);
  const [entries, hidden] = await Promise.all([
    db.registerEntry.findMany({
      where: {
        organizationId,
        id: { in: rows.flatMap((row) => [...(row.matchRegisterEntryId ? [row.matchRegisterEntryId] : []), ...(row.matchedAt && row.registerEntryId ? [row.registerEntryId] : [])]) },
      },
      select: { id: true, date: true, description: true, amountCents: true, source: true, clearedAt: true },
    }),
    db.feedTransaction.findMany({
      where: { organizationId, id: { in: rows.flatMap((row) => (row.matchFeedTransactionId ? [row.matchFeedTransactionId] : [])) } },
      select: { id: true, date: true, description: true, amountCents: true },
    }),
  ]);
  type Target = { id: string; date: Date; description: string; amountCents: number; kind: "register" | "hidden"; fromBank: boolean };
  const matched = new Map<string, Target>();
  // An entry the bank gave (imported from the feed, or matched to a bank row) against one the bookkeeper wrote.
  for (const entry of entries) matched.set(entry.id, { ...entry, kind: "register", fromBank: entry.source === "IMPORT" || entry.clearedAt !== null });
  for (const row of hidden) matched.set(row.id, { ...row, kind: "hidden", fromBank: true });
  const hideBatches = await hideBatchKinds(db, organizationId, rows);
  return {
    total,
    flaggedMatching: query.view === "flagged" ? total : (flaggedMatching ?? 0),
    page: query.page,
    pageSize: query.pageSize,
    nextCursor: rows.length === query.pageSize && query.page * query.pageSize < total ? feedKey(rows[rows.length - 1]!) : null,
    rows: rows.map((row) => {
      const target = matched.get(row.matchRegisterEntryId ?? row.matchFeedTransactionId ?? "");
      return {
        id: row.id,
        date: isoDay(row.date),
        description: row.description,
        amountCents: row.amountCents,
        checkNumber: row.checkNumber,
        pending: row.pending,
        state: row.state,
        match:
          target && row.matchScore !== null
            ? {
                kind: target.kind,
                id: target.id,
                date: isoDay(target.date),
                description: target.description,
                amountCents: target.amountCents,
                fromBank: target.fromBank,
                score: row.matchScore,
                reasons: Array.isArray(row.matchReasons) ? row.matchReasons.map(String) : [],
              }
            : null,
        hiddenAutomatically: row.state === "HIDDEN" && row.hiddenById === null,
        hideBatch: row.state === "HIDDEN" && row.hideBatchId ? (hideBatches.get(row.hideBatchId) ?? null) : null,
        importedAt: row.importedAt,
        matchedAt: row.matchedAt,
        matchedEntry: row.matchedAt ? entryView(matched.get(row.registerEntryId ?? "")) : null,
        registerEntryId: row.registerEntryId,
      };
    }),
  };
}

function entryView(target: { id: string; date: Date; description: string; amountCents: number } | undefined) {
  return target ? { id: target.id, date: isoDay(target.date), description: target.description, amountCents: target.amountCents } : null;
}
