import { describeStatus } from "@/server/aggregator/status-codes";
import { STUCK_AGGREGATION_MS } from "@/server/connections/engine";
import { getConnection, listOpenNotices } from "@/server/connections/service";
import type { Db } from "@/server/db/client";
import type { ConnectionEventKind, Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import type { StaffRole } from "@/server/trpc/permissions";
import { forceRefreshAllowance } from "./force-refresh";

// A connection as support reads it: its state, its full error history, the outcomes over
// time and exactly what the customer sees on Manage Institutions right now.

export const OUTCOME_CATEGORIES = ["success", "provider", "customer", "other"] as const;
export type OutcomeCategory = (typeof OUTCOME_CATEGORIES)[number];

/** How an attempt's code reads on charts: fine, the bank or provider's side, the customer's side, or neither. */
export function outcomeCategory(code: number | null): OutcomeCategory {
  if (code === 0) return "success";
  if (code === null) return "other";
  const status = describeStatus(code);
  if (status.providerSide) return "provider";
  return status.actor === "customer" ? "customer" : "other";
}

export async function getConnectionDetail(
  db: Db,
  connectionId: string,
  viewer: { staffRole: StaffRole },
  now = new Date(),
) {
  const c = await db.connection.findUnique({
    where: { id: connectionId },
    select: {
      id: true,
      status: true,
      providerLoginId: true,
      lastStatusCode: true,
      lastStatusMessage: true,
      lastSuccessAt: true,
      lastAttemptAt: true,
      nextRetryAt: true,
      retryCount: true,
      aggregationStartedAt: true,
      createdAt: true,
      removedAt: true,
      organization: { select: { id: true, slug: true, name: true } },
      institution: {
        select: { id: true, name: true, variant: true, loginUrl: true, knownIssueSince: true, knownIssueCode: true },
      },
      accounts: {
        select: { id: true, name: true, kind: true, mask: true, linked: true, register: { select: { name: true } } },
        orderBy: { name: "asc" },
      },
    },
  });
  if (!c) throw notFound("That connection");
  const last = c.lastStatusCode === null ? null : describeStatus(c.lastStatusCode);
  const customerView =
    c.status === "REMOVED"
      ? null
      : await getConnection(db, c.organization.id, c.id).then(async (view) => ({
          status: view.status,
          problem: view.problem,
          awaitingAnswer: view.awaitingAnswer,
          knownIssue: view.institution.knownIssue,
          lastSuccessAt: view.lastSuccessAt,
          nextRetryAt: view.nextRetryAt,
          notices: (await listOpenNotices(db, c.organization.id))
            .filter((n) => n.connectionId === c.id)
            .map((n) => ({ id: n.id, title: n.title, body: n.body, createdAt: n.createdAt })),
        }));
  const codes = await db.connectionEvent.findMany({
    where: { connectionId: c.id, statusCode: { not: null } },
    distinct: ["statusCode"],
    select: { statusCode: true },
  });
  return {
    id: c.id,
    status: c.status,
    providerLoginId: c.providerLoginId,
    organization: c.organization,
    institution: {
      id: c.institution.id,
      name: c.institution.name,
      variant: c.institution.variant,
      loginUrl: c.institution.loginUrl,
      knownIssueSince: c.institution.knownIssueSince,
      knownIssueCode: c.institution.knownIssueCode,
    },
    lastStatusCode: c.lastStatusCode,
    lastStatus: last && { title: last.title, actor: last.actor, retry: last.retry },
    lastSuccessAt: c.lastSuccessAt,
    lastAttemptAt: c.lastAttemptAt,
    nextRetryAt: c.nextRetryAt,
    retryCount: c.retryCount,
    aggregating:
      c.status === "AGGREGATING" &&
      !!c.aggregationStartedAt &&
      now.getTime() - c.aggregationStartedAt.getTime() < STUCK_AGGREGATION_MS,
    createdAt: c.createdAt,
    removedAt: c.removedAt,
    accounts: c.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      mask: a.mask,
      linked: a.linked,
      register: a.register?.name ?? null,
    })),
    customerView,
    forceRefresh: await forceRefreshAllowance(db, { connection: c, staffRole: viewer.staffRole, now }),
    codesSeen: codes.map((r) => r.statusCode!).sort((a, b) => a - b),
  };
}

export interface EventFilters {
  connectionId: string;
  codes?: number[];
  kinds?: ConnectionEventKind[];
  from?: Date;
  to?: Date;
  cursor?: string;
  limit?: number;
}

export async function listConnectionEvents(db: Db, f: EventFilters) {
  const limit = Math.min(f.limit ?? 50, 200);
  const exists = await db.connection.count({ where: { id: f.connectionId } });
  if (!exists) throw notFound("That connection");
  const where: Prisma.ConnectionEventWhereInput = {
    connectionId: f.connectionId,
    ...(f.codes?.length ? { statusCode: { in: f.codes } } : {}),
    ...(f.kinds?.length ? { kind: { in: f.kinds } } : {}),
    ...(f.from || f.to ? { startedAt: { ...(f.from ? { gte: f.from } : {}), ...(f.to ? { lte: f.to } : {}) } } : {}),
  };
  const rows = await db.connectionEvent.findMany({
    where,
    orderBy: [{ startedAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(f.cursor ? { cursor: { id: f.cursor }, skip: 1 } : {}),
    select: {
      id: true,
      kind: true,
      trigger: true,
      actorUserId: true,
      statusCode: true,
      message: true,
      startedAt: true,
      durationMs: true,
      transactionCount: true,
    },
  });
  const page = rows.slice(0, limit);
  const actorIds = [...new Set(page.map((r) => r.actorUserId).filter((id): id is string => !!id))];
  const actors = new Map(
    (
      await db.user.findMany({
        where: { id: { in: actorIds } },
        select: { id: true, email: true, name: true, staffRole: true },
      })
    ).map((u) => [u.id, u]),
  );
  const total = await db.connectionEvent.count({ where });
  return {
    total,
    nextCursor: rows.length > limit ? page[page.length - 1]!.id : null,
    events: page.map((e) => {
      const actor = e.actorUserId ? actors.get(e.actorUserId) : undefined;
      const inProgress = e.durationMs === null;
      return {
        id: e.id,
        kind: e.kind,
        trigger: e.trigger,
        actor: actor ? { email: actor.email, name: actor.name, staff: actor.staffRole !== null } : null,
        statusCode: e.statusCode,
        statusTitle:
          e.statusCode === null ? null : inProgress ? "Aggregation in progress" : describeStatus(e.statusCode).title,
        category: inProgress ? ("other" as const) : outcomeCategory(e.statusCode),
        message: e.message,
        startedAt: e.startedAt,
        durationMs: e.durationMs,
        transactionCount: e.transactionCount,
        inProgress,
      };
    }),
  };
}

const DAY_MS = 86_400_000;

/** Attempts per day by outcome, oldest first, every day of the range present. */
export async function connectionOutcomeSeries(db: Db, args: { connectionId: string; from: Date; to: Date }) {
  const from = new Date(Math.floor(args.from.getTime() / DAY_MS) * DAY_MS);
  const days = Math.min(366, Math.max(1, Math.ceil((args.to.getTime() - from.getTime()) / DAY_MS)));
  const events = await db.connectionEvent.findMany({
    where: {
      connectionId: args.connectionId,
      startedAt: { gte: from, lte: args.to },
      durationMs: { not: null },
      statusCode: { not: null },
    },
    select: { startedAt: true, statusCode: true },
  });
  const buckets = Array.from({ length: days }, (_, i) => ({
    day: new Date(from.getTime() + i * DAY_MS),
    success: 0,
    provider: 0,
    customer: 0,
    other: 0,
  }));
  for (const e of events) {
    const bucket = buckets[Math.floor((e.startedAt.getTime() - from.getTime()) / DAY_MS)];
    if (bucket) bucket[outcomeCategory(e.statusCode)]++;
  }
  return buckets;
}
