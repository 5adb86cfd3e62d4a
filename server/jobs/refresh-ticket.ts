import { isAggregatorError, type LoginOutcome } from "@/server/aggregator/client";
import { aggregatorSawNewAttempt } from "@/server/connections/aggregator-clock";
import {
  completeAggregation,
  reattachOrphanedAttempt,
  startAggregation,
  statusCodeOf,
  type AttemptOutcome,
  type EngineDeps,
} from "@/server/connections/engine";
import { withOrganization } from "@/server/db/tenancy";
import type { RefreshTicket } from "@/server/db/generated/client";
import type { Semaphore } from "./limits";
import { reasonToSkip } from "./refresh-eligibility";

// Runs the refresh a ticket owes a connection, exactly once whatever happens to the worker.
// The ticket is marked attempted before the engine claims the connection; a job that finds
// its ticket attempted but unfinished (its first worker died, or its claim expired) settles
// the aggregation that was started: it asks the aggregator whether the refresh arrived, and
// only sends it if it did not.

export interface RefreshDeps extends EngineDeps {
  /** The aggregator's cap: held only while the refresh request is in flight. */
  aggregations: { run<T>(work: () => Promise<T>): Promise<T> };
  /** Account and transaction reads after an aggregation, outside the aggregator's cap. */
  reads: Pick<Semaphore, "run">;
}

export type TicketResult =
  | { outcome: "refreshed" | "failed" | "aggregating"; statusCode: number | null }
  | { outcome: "skipped"; reason: string }
  | { outcome: "already finished" };

const scheduleSource = { kind: "REFRESH", trigger: "SCHEDULE", actorUserId: null } as const;

export async function runRefreshTicket(deps: RefreshDeps, ticketId: string): Promise<TicketResult> {
  const { db } = deps;
  const ticket = await db.refreshTicket.findUnique({
    where: { id: ticketId },
    include: { cycle: { select: { createdAt: true } } },
  });
  if (!ticket || ticket.finishedAt) return { outcome: "already finished" };
  if (ticket.attemptedAt) return recoverTicket(deps, ticket);

  const skip = await ticketSkip(deps, ticket, ticket.cycle?.createdAt ?? null);
  if (skip) {
    await finishTicket(deps, ticket.id, { outcome: `skipped: ${skip}`, statusCode: null, eventId: null });
    return { outcome: "skipped", reason: skip };
  }
  const claimed = await db.refreshTicket.updateMany({
    where: { id: ticket.id, attemptedAt: null },
    data: { attemptedAt: new Date() },
  });
  if (claimed.count === 0) return runRefreshTicket(deps, ticketId);
  return refreshNow(deps, ticket);
}

async function ticketSkip(
  deps: RefreshDeps,
  ticket: RefreshTicket,
  cycleCreatedAt: Date | null,
): Promise<string | null> {
  const connection = await deps.db.connection.findUnique({
    where: { id: ticket.connectionId },
    select: {
      id: true,
      status: true,
      lastSuccessAt: true,
      lastStatusCode: true,
      nextRetryAt: true,
      providerLoginId: true,
    },
  });
  return reasonToSkip({
    reason: ticket.reason,
    runAfter: ticket.runAfter,
    cycleCreatedAt,
    connectionId: connection?.id ?? null,
    providerLoginId: connection?.providerLoginId ?? null,
    status: connection?.status ?? null,
    lastSuccessAt: connection?.lastSuccessAt ?? null,
    lastStatusCode: connection?.lastStatusCode ?? null,
    nextRetryAt: connection?.nextRetryAt ?? null,
  });
}

async function refreshNow(deps: RefreshDeps, ticket: RefreshTicket): Promise<TicketResult> {
  const { db } = deps;
  if (deps.aggregator.capabilities.refreshPolicy === "provider-nightly")
    return readWhatTheProviderRefreshed(deps, ticket);
  const connection = await db.connection.findUniqueOrThrow({
    where: { id: ticket.connectionId },
    select: { organizationId: true },
  });
  // One connection's refresh sees its organization's rows only (row-level security).
  return withOrganization(connection.organizationId, null, () =>
    refreshInScope(deps, ticket, connection.organizationId),
  );
}

async function refreshInScope(deps: RefreshDeps, ticket: RefreshTicket, organizationId: string): Promise<TicketResult> {
  const { db } = deps;
  const started = await deps.aggregations.run(() =>
    startAggregation(deps, {
      organizationId,
      connectionId: ticket.connectionId,
      source: scheduleSource,
      deferCompletion: true,
    }),
  );
  const attemptId = started.attemptId;
  if (started.kind !== "aggregating") return finishWithOutcome(deps, ticket, started, attemptId);
  const { activeEventId } = await db.connection.findUniqueOrThrow({
    where: { id: ticket.connectionId },
    select: { activeEventId: true },
  });
  // Settled meanwhile by a webhook or the sweeper: the ticket takes that ending.
  if (!attemptId || activeEventId !== attemptId) return finishFromEvent(deps, ticket, attemptId);
  let outcome: AttemptOutcome = started;
  if (started.finishedWith !== undefined) {
    const { finishedWith: statusCode, reportedAttemptAt } = started;
    outcome = await deps.reads.run(() =>
      completeAggregation(deps, {
        connectionId: ticket.connectionId,
        statusCode,
        reportedAttemptAt,
        eventId: attemptId,
      }),
    );
  }
  return finishWithOutcome(deps, ticket, outcome, attemptId);
}

/**
 * A provider that refreshes every login by itself forbids automated refresh calls: the
 * scheduled job only reads what it aggregated since Bankline last did (accounts, new
 * transactions, its status code), and leaves a login it has not aggregated since alone.
 */
async function readWhatTheProviderRefreshed(deps: RefreshDeps, ticket: RefreshTicket): Promise<TicketResult> {
  const outcome = await deps.reads.run(() =>
    completeAggregation(deps, { connectionId: ticket.connectionId, source: scheduleSource, onlyIfNew: true }),
  );
  if (outcome.attemptId === null && outcome.kind === "connected") {
    await finishTicket(deps, ticket.id, {
      outcome: "skipped: nothing new at the provider",
      statusCode: null,
      eventId: null,
    });
    return { outcome: "skipped", reason: "nothing new at the provider" };
  }
  return finishWithOutcome(deps, ticket, outcome, outcome.attemptId);
}

async function latestScheduledEventId(deps: RefreshDeps, ticket: RefreshTicket): Promise<string | null> {
  const event = await deps.db.connectionEvent.findFirst({
    where: {
      connectionId: ticket.connectionId,
      kind: "REFRESH",
      trigger: "SCHEDULE",
      startedAt: { gte: ticket.attemptedAt ?? ticket.createdAt },
    },
    orderBy: { startedAt: "asc" },
    select: { id: true },
  });
  return event?.id ?? null;
}

function resultOf(outcome: AttemptOutcome): { outcome: "refreshed" | "failed" | "aggregating"; statusCode: number } {
  const kind = outcome.kind === "connected" ? "refreshed" : outcome.kind === "aggregating" ? "aggregating" : "failed";
  return { outcome: kind, statusCode: statusCodeOf(outcome) };
}

async function finishWithOutcome(
  deps: RefreshDeps,
  ticket: RefreshTicket,
  outcome: AttemptOutcome,
  eventId: string | null,
) {
  const result = resultOf(outcome);
  await finishTicket(deps, ticket.id, { ...result, eventId });
  return result;
}

/** The attempt was settled elsewhere (a webhook, the sweeper): the ticket records how it ended. */
async function finishFromEvent(
  deps: RefreshDeps,
  ticket: RefreshTicket,
  eventId: string | null,
): Promise<TicketResult> {
  const event = eventId
    ? await deps.db.connectionEvent.findUnique({
        where: { id: eventId },
        select: { statusCode: true, durationMs: true },
      })
    : null;
  const result = !event
    ? { outcome: "failed" as const, statusCode: null }
    : event.durationMs === null
      ? { outcome: "aggregating" as const, statusCode: 325 }
      : {
          outcome: event.statusCode === 0 ? ("refreshed" as const) : ("failed" as const),
          statusCode: event.statusCode,
        };
  await finishTicket(deps, ticket.id, { ...result, eventId });
  return result;
}

async function finishTicket(
  deps: RefreshDeps,
  ticketId: string,
  data: { outcome: string; statusCode: number | null; eventId: string | null },
) {
  await deps.db.refreshTicket.updateMany({
    where: { id: ticketId, finishedAt: null },
    data: { ...data, finishedAt: new Date() },
  });
}

/**
 * The ticket was attempted by a worker that never finished it. Whatever that worker got to,
 * the connection ends up refreshed once: not claimed yet → refresh now; claimed and the
 * aggregator saw the refresh → complete it; claimed but the request never left → send it.
 */
async function recoverTicket(deps: RefreshDeps, ticket: RefreshTicket): Promise<TicketResult> {
  const { db, aggregator } = deps;
  const eventId = await latestScheduledEventId(deps, ticket);
  if (!eventId) {
    deps.log.info({ ticketId: ticket.id }, "refresh ticket attempted before its claim; refreshing now");
    const skip = await ticketSkip(deps, ticket, null);
    if (skip) {
      await finishTicket(deps, ticket.id, { outcome: `skipped: ${skip}`, statusCode: null, eventId: null });
      return { outcome: "skipped", reason: skip };
    }
    return refreshNow(deps, ticket);
  }
  const connection = await db.connection.findUniqueOrThrow({
    where: { id: ticket.connectionId },
    select: { status: true, activeEventId: true, providerLoginId: true, institutionId: true, providerAttemptAt: true },
  });
  if (connection.status === "AGGREGATING" && connection.activeEventId === null) {
    connection.activeEventId = await reattachOrphanedAttempt(db, ticket.connectionId);
  }
  if (connection.status !== "AGGREGATING" || connection.activeEventId !== eventId)
    return finishFromEvent(deps, ticket, eventId);

  const ref = { loginId: connection.providerLoginId!, institutionId: connection.institutionId };
  const event = await db.connectionEvent.findUniqueOrThrow({ where: { id: eventId }, select: { startedAt: true } });
  const status = await aggregator.getLoginStatus(ref);
  if (status.aggregating) {
    await finishTicket(deps, ticket.id, { outcome: "aggregating", statusCode: 325, eventId });
    return { outcome: "aggregating", statusCode: 325 };
  }
  let statusCode: number;
  let reportedAttemptAt = status.lastAttemptAt;
  if (
    aggregatorSawNewAttempt(status.lastAttemptAt, {
      providerAttemptAt: connection.providerAttemptAt,
      startedAt: event.startedAt,
    })
  ) {
    deps.log.info({ ticketId: ticket.id }, "refresh reached the aggregator before the worker stopped; completing it");
    statusCode = status.statusCode;
  } else {
    deps.log.info({ ticketId: ticket.id }, "refresh was claimed but never sent; sending it");
    let answer: LoginOutcome | number;
    try {
      answer = await deps.aggregations.run(() => aggregator.refresh(ref));
    } catch (err) {
      if (!isAggregatorError(err)) throw err;
      answer = err.code ?? 102;
    }
    if (typeof answer === "number") statusCode = answer;
    else if (answer.kind === "mfa") statusCode = answer.challenge.statusCode;
    else if (answer.login.aggregating) statusCode = 325;
    else statusCode = answer.login.statusCode;
    reportedAttemptAt = typeof answer === "number" ? null : answer.login.lastAttemptAt;
    if (statusCode === 325) {
      await finishTicket(deps, ticket.id, { outcome: "aggregating", statusCode: 325, eventId });
      return { outcome: "aggregating", statusCode: 325 };
    }
  }
  const outcome = await deps.reads.run(() =>
    completeAggregation(deps, { connectionId: ticket.connectionId, statusCode, reportedAttemptAt, eventId }),
  );
  return finishWithOutcome(deps, ticket, outcome, eventId);
}
