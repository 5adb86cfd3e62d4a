import { isAggregatorError, type LoginStatus } from "@/server/aggregator/client";
import { notFound } from "@/server/errors";
import { retrieveFeed } from "./aggregation";
import {
  connectionSelect,
  describeFor,
  institutionTexts,
  loginRef,
  type AttemptOutcome,
  type ConnectionRow,
  type EngineDeps,
} from "./attempt";
import type { AttemptSource } from "./events";
import { syncAccounts } from "./link";
import {
  openAttempt,
  releaseAttempt,
  settleFailure,
  settleSuccesses,
  type Failure,
  type SettledAttempt,
} from "./transitions";

// The end of an aggregation: on success, fresh balances and the new transactions in the bank
// feed; otherwise the failure recorded. Called when refresh answers at once, by the
// aggregator's webhook, by the sweeper for aggregations whose webhook never came, and by the
// scheduled refresh.

/** An aggregation Bankline did not start (the aggregator's own), as the history records it. */
const AGGREGATOR_REFRESH: AttemptSource = { kind: "REFRESH", trigger: "WEBHOOK", actorUserId: null };

/** Records a failed attempt and answers what the customer sees of it. */
export async function failAttempt(deps: EngineDeps, failure: Failure): Promise<AttemptOutcome> {
  const { attemptId, nextRetryAt } = await settleFailure(deps.db, failure);
  return { kind: "failed", connectionId: failure.connection.id, attemptId, problem: failure.problem, nextRetryAt };
}

/**
 * Finishes the aggregation under way, or records one the aggregator ran by itself. Safe to
 * call twice: only the call that releases the attempt does the work.
 */
export async function completeAggregation(
  deps: EngineDeps,
  args: {
    connectionId: string;
    statusCode?: number;
    /** Complete only this attempt: if another caller already settled it, do nothing. */
    eventId?: string;
    /** The aggregator's time of the attempt, when its answer told (recorded as providerAttemptAt). */
    reportedAttemptAt?: Date | null;
    /** Who started an aggregation Bankline had no attempt open for; the aggregator (by webhook) unless told. */
    source?: AttemptSource;
    /**
     * Read the login's status and settle it only if the aggregator ran an aggregation Bankline has not recorded yet.
     */
    onlyIfNew?: boolean;
  },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const connection = await db.connection.findFirst({
    where: { id: args.connectionId, status: { not: "REMOVED" } },
    select: connectionSelect,
  });
  if (!connection) throw notFound("That connection");
  const unchanged = (): AttemptOutcome => ({
    kind: "connected",
    connectionId: connection.id,
    attemptId: null,
    status: connection.status,
    transactionCount: null,
  });
  if (args.eventId !== undefined && connection.activeEventId !== args.eventId) return unchanged();
  // Another process released this connection's attempt and is reading its accounts and transactions (the
  // attempt's event is still open): that completion settles it. Going on here would retrieve again and record
  // the same aggregation as an attempt of its own, newer than the customer's, whose count the portal would then
  // not find. One that never finishes is the sweeper's: it re-attaches the event before completing.
  const releasedElsewhere = connection.status === "AGGREGATING" && connection.activeEventId === null;
  if (releasedElsewhere && args.eventId === undefined && (await openAttempt(db, connection.id))) return unchanged();

  let code = args.statusCode;
  let reportedAttemptAt = args.reportedAttemptAt ?? null;
  // A result while no attempt of Bankline's is under way is either the echo of one that
  // finished within its own request (link, answer, Update Login, a quick refresh) or an
  // aggregation the aggregator ran by itself (its nightly schedule); only the latter is news.
  const echoPossible = (code !== undefined || !!args.onlyIfNew) && connection.activeEventId === null;
  if (code === undefined || echoPossible) {
    const status = await deps.aggregator.getLoginStatus(loginRef(connection));
    if (status.aggregating)
      return { kind: "aggregating", connectionId: connection.id, attemptId: connection.activeEventId };
    if (echoPossible && alreadyRecorded(connection, status)) return unchanged();
    code = status.statusCode;
    reportedAttemptAt = status.lastAttemptAt;
  }

  const eventId = connection.activeEventId;
  if (!(await releaseAttempt(db, connection.id, eventId)) && eventId !== null) return unchanged();
  const attempt: SettledAttempt = eventId
    ? { openEventId: eventId }
    : { source: args.source ?? AGGREGATOR_REFRESH, startedAt: new Date() };

  if (code !== 0)
    return failAttempt(deps, { connection, attempt, problem: describeFor(connection, code), reportedAttemptAt });
  try {
    await syncAccounts(deps, connection);
    const transactionCount = await retrieveFeed(deps, connection.id);
    const success = {
      organizationId: connection.organizationId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
      attempt,
      transactionCount,
      reportedAttemptAt,
    };
    const settled = await db.$transaction((tx) => settleSuccesses(tx, [success], { holding: false }));
    return {
      kind: "connected",
      connectionId: connection.id,
      attemptId: settled.get(connection.id) ?? eventId,
      status: "ACTIVE",
      transactionCount,
    };
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, {
      connection,
      attempt,
      problem: err.describe(institutionTexts(connection)),
      reportedAttemptAt,
    });
  }
}

/**
 * Bankline recorded this result of the aggregator's: by the aggregator's own time of the
 * attempt when Bankline kept it; else by our times, set once the aggregator had answered.
 */
function alreadyRecorded(c: ConnectionRow, s: LoginStatus): boolean {
  if (c.providerAttemptAt && s.lastAttemptAt) return s.lastAttemptAt <= c.providerAttemptAt;
  if (s.statusCode === 0) return !!c.lastSuccessAt && !!s.lastSuccessAt && c.lastSuccessAt >= s.lastSuccessAt;
  return (
    c.lastStatusCode === s.statusCode && !!c.lastAttemptAt && !!s.lastAttemptAt && c.lastAttemptAt >= s.lastAttemptAt
  );
}
