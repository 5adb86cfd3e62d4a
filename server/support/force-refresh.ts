import { describeStatus } from "@/server/aggregator/status-codes";
import { recordAudit, type AuditActor } from "@/server/audit/service";
import {
  startAggregation,
  STUCK_AGGREGATION_MS,
  type AttemptOutcome,
  type EngineDeps,
} from "@/server/connections/engine";
import type { Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";
import { staffRoleAllows, type StaffRole } from "@/server/trpc/permissions";

// A forced refresh: a support admin starts an aggregation now, outside the nightly schedule.
// The aggregator forbids automated on-demand refreshes, so it is deliberate (a reason is
// required), rare (FORCED_REFRESH_LIMIT per connection an hour) and audited before it runs.

export const FORCED_REFRESH_LIMIT = 3;
export const FORCED_REFRESH_WINDOW_MS = 60 * 60_000;
export const FORCE_REFRESH_ACTION = "connection.forceRefresh";

interface ConnectionState {
  id: string;
  status: string;
  providerLoginId: string | null;
  aggregationStartedAt: Date | null;
}

export interface ForceRefreshAllowance {
  allowed: boolean;
  /** Why not, in words for the person looking at the disabled button. */
  reason: string | null;
  usedInWindow: number;
  limit: number;
  /** When the oldest forced refresh of the window leaves it, if the limit is reached. */
  nextAllowedAt: Date | null;
}

const running = (c: ConnectionState, now: Date) =>
  c.status === "AGGREGATING" &&
  !!c.aggregationStartedAt &&
  now.getTime() - c.aggregationStartedAt.getTime() < STUCK_AGGREGATION_MS;

async function recentForcedRefreshes(db: Pick<Db, "auditEntry">, connectionId: string, now: Date) {
  return db.auditEntry.findMany({
    where: {
      action: FORCE_REFRESH_ACTION,
      objectType: "Connection",
      objectId: connectionId,
      createdAt: { gt: new Date(now.getTime() - FORCED_REFRESH_WINDOW_MS) },
    },
    select: { createdAt: true },
    orderBy: { createdAt: "asc" },
  });
}

const timeOf = (d: Date) => d.toISOString().slice(11, 16);

function refusal(
  c: ConnectionState,
  recent: { createdAt: Date }[],
  now: Date,
): { reason: string; code: "CONFLICT" | "TOO_MANY_REQUESTS" | "PRECONDITION_FAILED" } | null {
  if (c.status === "REMOVED") return { reason: "The customer removed this connection.", code: "PRECONDITION_FAILED" };
  if (!c.providerLoginId)
    return { reason: "This connection has no login at the aggregator.", code: "PRECONDITION_FAILED" };
  if (running(c, now)) {
    return {
      reason: `An aggregation is already running (325: ${describeStatus(325).title}). Wait until it finishes.`,
      code: "CONFLICT",
    };
  }
  if (recent.length >= FORCED_REFRESH_LIMIT) {
    const next = new Date(recent[0]!.createdAt.getTime() + FORCED_REFRESH_WINDOW_MS);
    return {
      reason:
        `Refresh was forced ${recent.length} times in the last hour (the limit is ${FORCED_REFRESH_LIMIT}). ` +
        `Next possible at ${timeOf(next)} UTC.`,
      code: "TOO_MANY_REQUESTS",
    };
  }
  return null;
}

export async function forceRefreshAllowance(
  db: Db,
  args: { connection: ConnectionState; staffRole: StaffRole; now?: Date },
): Promise<ForceRefreshAllowance> {
  const now = args.now ?? new Date();
  const recent = await recentForcedRefreshes(db, args.connection.id, now);
  const nextAllowedAt =
    recent.length >= FORCED_REFRESH_LIMIT ? new Date(recent[0]!.createdAt.getTime() + FORCED_REFRESH_WINDOW_MS) : null;
  const base = { usedInWindow: recent.length, limit: FORCED_REFRESH_LIMIT, nextAllowedAt };
  if (!staffRoleAllows(args.staffRole, "support.act")) {
    return { ...base, allowed: false, reason: "Only support admins may force a refresh." };
  }
  const no = refusal(args.connection, recent, now);
  return { ...base, allowed: !no, reason: no?.reason ?? null };
}

/**
 * Checks the limits and records the audit entry in one transaction, under a lock on the
 * connection, so two admins clicking at once cannot both pass the limit; then starts the
 * aggregation like the customer's Retrieve Transactions would.
 */
export async function forceRefresh(
  deps: EngineDeps,
  args: { connectionId: string; reason: string; actor: AuditActor; now?: Date },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const now = args.now ?? new Date();
  const reason = args.reason.trim();
  if (reason.length < 5)
    throw new DomainError("BAD_REQUEST", "Give a reason for forcing a refresh (a few words at least).");
  const connection = await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`force-refresh:${args.connectionId}`}))`;
    const c = await tx.connection.findUnique({
      where: { id: args.connectionId },
      select: {
        id: true,
        organizationId: true,
        status: true,
        providerLoginId: true,
        aggregationStartedAt: true,
        lastStatusCode: true,
      },
    });
    if (!c) throw notFound("That connection");
    const no = refusal(c, await recentForcedRefreshes(tx, c.id, now), now);
    if (no) throw new DomainError(no.code, no.reason, no.code === "CONFLICT" ? { statusCode: 325 } : undefined);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: c.organizationId,
      action: FORCE_REFRESH_ACTION,
      objectType: "Connection",
      objectId: c.id,
      reason,
      details: { statusBefore: c.status, codeBefore: c.lastStatusCode },
    });
    return c;
  });
  return startAggregation(deps, {
    organizationId: connection.organizationId,
    connectionId: connection.id,
    source: { kind: "FORCED_REFRESH", trigger: "SUPPORT", actorUserId: args.actor.userId },
  });
}
