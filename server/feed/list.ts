import type { ExistingTransaction } from "@/server/dedup";
import { Prisma, readRows, type Db } from "@/server/db/client";
import type { FeedHideKind } from "@/server/db/generated/client";
import { FeedState } from "@/server/db/generated/enums";
import { DomainError, notFound } from "@/server/errors";
import { intArray, isoTimestamp, pageWindow } from "./sql";
import { amountSearch, likePattern } from "./filters";

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
 * can be un-hidden). One statement:
 * the accounts with their counts by state, each counted along FeedTransaction(bankAccountId, state, date).
 */
export async function listFeedAccounts(db: Db, organizationId: string) {
  const accounts = await readRows<{
    id: string;
    name: string;
    mask: string;
    kind: string;
    linked: boolean;
    registerId: string | null;
    registerName: string | null;
    connectionStatus: string | null;
    institutionName: string | null;
    counts: Partial<Record<FeedState, number>> | null;
  }>(
    db,
    Prisma.sql`
    SELECT a.id, a.name, a.mask, a.kind, a.linked, r.id AS "registerId", r.name AS "registerName",
      c.status::text AS "connectionStatus", i.name AS "institutionName", counts.by_state AS counts
    FROM "BankAccount" a
    LEFT JOIN "Connection" c ON c.id = a."connectionId"
    LEFT JOIN "Institution" i ON i.id = c."institutionId"
    LEFT JOIN "Register" r ON r.id = a."registerId"
    LEFT JOIN LATERAL (
      SELECT json_object_agg(s.state, s.n) AS by_state
      FROM (SELECT state, count(*)::int AS n FROM "FeedTransaction" f WHERE f."bankAccountId" = a.id GROUP BY state) s
    ) counts ON true
    WHERE a."organizationId" = ${organizationId}
      AND ((a.linked AND c.status <> 'REMOVED') OR (a.linked AND a."connectionId" IS NULL)
        OR EXISTS (SELECT 1 FROM "FeedTransaction" f WHERE f."bankAccountId" = a.id AND f.state = 'HIDDEN'))
    ORDER BY c."createdAt" DESC NULLS FIRST, a.name ASC`,
  );
  return accounts.map((account) => {
    const count = (states: FeedState[]) => states.reduce((sum, state) => sum + (account.counts?.[state] ?? 0), 0);
    return {
      id: account.id,
      name: account.name,
      mask: account.mask,
      kind: account.kind,
      institutionName: account.institutionName ?? STATEMENT_FILES,
      removed: account.connectionStatus === "REMOVED" || !account.linked,
      register: account.registerId ? { id: account.registerId, name: account.registerName! } : null,
      counts: {
        new: count(["NEW"]),
        flagged: count(["DUPLICATE", "POSSIBLE_DUPLICATE"]),
        hidden: count(["HIDDEN"]),
        imported: count(["IMPORTED"]),
      },
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
const feedKey = (row: { date: string; id: string }) => `${row.date}_${row.id}`;

function afterFeedKey(after: string): Prisma.Sql {
  const m = /^(\d{4}-\d{2}-\d{2})_([A-Za-z0-9]{1,64})$/.exec(after);
  if (!m) throw new DomainError("BAD_REQUEST", "That page no longer exists; start from the first.");
  return Prisma.sql`AND (date, id) < (${m[1]}::date, ${m[2]})`;
}

/**
 * The states written into the statement (a view's fixed handful, never a person's input): PostgreSQL
 * then estimates a view's rows from the statistics of those states and keeps one plan per view; as a
 * parameter it guessed a share of all rows, judged the kept plan dearer and planned every request.
 */
function inStates(states: FeedState[]): Prisma.Sql {
  for (const state of states) if (!Object.hasOwn(FeedState, state)) throw new RangeError(`not a feed state: ${state}`);
  return Prisma.raw(`state = ANY('{${states.join(",")}}'::"FeedState"[])`);
}

/**
 * The rows of an account in these states (all when null) that
 * the filters let through: the list and Hide all read the same.
 */
export function feedWhere(
  organizationId: string,
  bankAccountId: string,
  states: FeedState[] | null,
  filters: FeedFilters,
): Prisma.Sql {
  // The organization through the account (checked once), not each row: counts are then index-only scans of
  // FeedTransaction(bankAccountId, state, date).
  const parts = [
    Prisma.sql`"bankAccountId" = ${bankAccountId}`,
    Prisma.sql`EXISTS (
      SELECT 1 FROM "BankAccount" WHERE id = ${bankAccountId} AND "organizationId" = ${organizationId}
    )`,
  ];
  if (states) parts.push(inStates(states));
  if (filters.from) parts.push(Prisma.sql`date >= ${filters.from}::date`);
  if (filters.to) parts.push(Prisma.sql`date <= ${filters.to}::date`);
  const text = filters.text?.trim();
  if (text) {
    const amounts = amountSearch(text);
    parts.push(
      amounts.length
        ? Prisma.sql`(description ILIKE ${likePattern(text)} OR "amountCents" = ANY(${intArray(amounts)}))`
        : Prisma.sql`description ILIKE ${likePattern(text)}`,
    );
  }
  return Prisma.join(parts, " AND ");
}

interface FeedPage {
  found: boolean;
  total: number;
  flagged: number | null;
  rows: {
    id: string;
    date: string;
    description: string;
    amountCents: number;
    checkNumber: string | null;
    pending: boolean;
    state: FeedState;
    matchScore: number | null;
    matchReasons: unknown;
    hiddenById: string | null;
    matchedAt: string | null;
    match: {
      kind: ExistingTransaction["kind"];
      id: string;
      date: string;
      description: string;
      amountCents: number;
      fromBank: boolean;
    } | null;
    matchedEntry: { id: string; date: string; description: string; amountCents: number } | null;
    hideBatch: { id: string; kind: FeedHideKind } | null;
  }[];
}

/**
 * One page of an account's feed, newest first, with what each flagged row matches and why:
 * one statement (the counts, the page, the matched entries and batches), since on a busy
 * server each round trip costs more than the reading. Each row goes out as a record (json_agg of
 * a row): PostgreSQL builds that a quarter faster than json_build_object (docs/performance.md).
 */
export async function listFeed(db: Db, organizationId: string, query: FeedQuery) {
  const where = feedWhere(organizationId, query.bankAccountId, statesOf[query.view], query);
  const countFlagged = query.view === "review" || query.view === "all";
  const flagged = countFlagged
    ? Prisma.sql`(
        SELECT count(*)::int FROM "FeedTransaction"
        WHERE ${feedWhere(organizationId, query.bankAccountId, FLAGGED_STATES, query)}
      )`
    : Prisma.sql`NULL::int`;
  const [page] = await readRows<FeedPage>(
    db,
    Prisma.sql`
    WITH page AS (
      SELECT id, date, description, "amountCents", "checkNumber", pending, state, "matchScore", "matchReasons",
        "hiddenById", "matchedAt", "matchRegisterEntryId", "matchFeedTransactionId", "hideBatchId", "registerEntryId"
      FROM "FeedTransaction" WHERE ${where} ${query.after ? afterFeedKey(query.after) : Prisma.empty}
      ORDER BY date DESC, id DESC
      ${pageWindow(query.pageSize, query.after ? 0 : (query.page - 1) * query.pageSize)}
    )
    SELECT
      EXISTS (
        SELECT 1 FROM "BankAccount" WHERE id = ${query.bankAccountId} AND "organizationId" = ${organizationId}
      ) AS found,
      (SELECT count(*)::int FROM "FeedTransaction" WHERE ${where}) AS total,
      ${flagged} AS flagged,
      coalesce((
        SELECT json_agg(item ORDER BY p.date DESC, p.id DESC)
        FROM page p
        LEFT JOIN "RegisterEntry" e ON e.id = p."matchRegisterEntryId" AND e."organizationId" = ${organizationId}
        LEFT JOIN "FeedTransaction" h
          ON e.id IS NULL AND h.id = p."matchFeedTransactionId" AND h."organizationId" = ${organizationId}
        LEFT JOIN "FeedHideBatch" b ON b.id = p."hideBatchId" AND b."organizationId" = ${organizationId}
        LEFT JOIN "RegisterEntry" me
          ON p."matchedAt" IS NOT NULL AND me.id = p."registerEntryId" AND me."organizationId" = ${organizationId}
        CROSS JOIN LATERAL (
          SELECT p.id, p.date, p.description, p."amountCents", p."checkNumber", p.pending, p.state, p."matchScore",
            p."matchReasons", p."hiddenById", ${isoTimestamp(Prisma.raw('p."matchedAt"'))} AS "matchedAt",
            -- An entry the bank gave (imported from the feed, or matched to a bank row), or one the bookkeeper wrote.
            CASE
              WHEN e.id IS NOT NULL THEN json_build_object('kind', 'register', 'id', e.id, 'date', e.date,
                'description', e.description, 'amountCents', e."amountCents",
                'fromBank', e.source = 'IMPORT' OR e."clearedAt" IS NOT NULL)
              WHEN h.id IS NOT NULL THEN json_build_object('kind', 'hidden', 'id', h.id, 'date', h.date,
                'description', h.description, 'amountCents', h."amountCents", 'fromBank', true)
            END AS match,
            CASE WHEN me.id IS NOT NULL THEN json_build_object('id', me.id, 'date', me.date,
              'description', me.description, 'amountCents', me."amountCents") END AS "matchedEntry",
            CASE WHEN p.state = 'HIDDEN' AND b.id IS NOT NULL
              THEN json_build_object('id', b.id, 'kind', b.kind) END AS "hideBatch"
        ) item
      ), '[]'::json) AS rows`,
  );
  if (!page?.found) throw notFound("That bank account");
  return {
    total: page.total,
    flaggedMatching: query.view === "flagged" ? page.total : (page.flagged ?? 0),
    page: query.page,
    pageSize: query.pageSize,
    nextCursor:
      page.rows.length === query.pageSize && query.page * query.pageSize < page.total
        ? feedKey(page.rows[page.rows.length - 1]!)
        : null,
    rows: page.rows.map((row) => ({
      id: row.id,
      date: row.date,
      description: row.description,
      amountCents: row.amountCents,
      checkNumber: row.checkNumber,
      pending: row.pending,
      state: row.state,
      match:
        row.match && row.matchScore !== null
          ? {
              ...row.match,
              score: row.matchScore,
              reasons: Array.isArray(row.matchReasons) ? row.matchReasons.map(String) : [],
            }
          : null,
      hiddenAutomatically: row.state === "HIDDEN" && row.hiddenById === null,
      hideBatch: row.hideBatch,
      matchedAt: row.matchedAt === null ? null : new Date(row.matchedAt),
      matchedEntry: row.matchedEntry,
    })),
  };
}
