import { isAggregatorError, type LoginOutcome } from "@/server/aggregator/client";
import { isUniqueViolation } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { dropVanishedPending, linkSettledPending } from "@/server/feed/pending-links";
import {
  describeFor,
  institutionTexts,
  loadConnection,
  loginRef,
  type AttemptOutcome,
  type EngineDeps,
} from "./attempt";
import { completeAggregation, failAttempt } from "./completion";
import { recordEvent, type AttemptSource } from "./events";
import { claimAggregations, settleQuestion } from "./transitions";

// An aggregation: Retrieve Transactions, a scheduled or a forced refresh. It is claimed
// first (one per connection at a time), then asked of the aggregator; most finish within the
// request, slow ones complete later by webhook (completion.ts).

/**
 * How much of the recent past every retrieval after the first re-reads (banks revise it). The first reaches back the
 * provider's history window.
 */
export const REVISION_WINDOW_DAYS = 15;

export async function startAggregation(
  deps: EngineDeps,
  args: {
    organizationId: string;
    connectionId: string;
    source: AttemptSource;
    /**
     * Leave an aggregation that finished within the request open, with its code in
     * `finishedWith`: the scheduled refresh frees its aggregator slot before the account and
     * transaction reads of completeAggregation.
     */
    deferCompletion?: boolean;
  },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const connection = await loadConnection(db, args.organizationId, args.connectionId);
  const startedAt = new Date();
  const attemptId = newId();
  const claimed = await claimAggregations(
    db,
    [{ connectionId: connection.id, eventId: attemptId, source: args.source }],
    startedAt,
  );
  if (!claimed.has(connection.id)) {
    // Another attempt holds the connection: the answer the aggregator itself would give.
    const problem = describeFor(connection, 325);
    const refused = await recordEvent(db, {
      organizationId: connection.organizationId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
      source: args.source,
      startedAt,
      result: { statusCode: problem.code, message: problem.title },
    });
    return { kind: "failed", connectionId: connection.id, attemptId: refused.id, problem, nextRetryAt: null };
  }

  let outcome: LoginOutcome;
  try {
    outcome = await deps.aggregator.refresh(loginRef(connection));
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    // Already running at the aggregator (started elsewhere): its completion arrives by webhook.
    if (err.code === 325) return { kind: "aggregating", connectionId: connection.id, attemptId };
    return failAttempt(deps, {
      connection,
      attempt: { openEventId: attemptId },
      problem: err.describe(institutionTexts(connection)),
    });
  }
  if (outcome.kind === "mfa") {
    return settleQuestion(db, {
      connection,
      attempt: { openEventId: attemptId },
      challenge: outcome.challenge,
      reportedAttemptAt: outcome.login.lastAttemptAt,
    });
  }
  if (outcome.login.aggregating) return { kind: "aggregating", connectionId: connection.id, attemptId };
  const { statusCode, lastAttemptAt: reportedAttemptAt } = outcome.login;
  if (args.deferCompletion)
    return { kind: "aggregating", connectionId: connection.id, attemptId, finishedWith: statusCode, reportedAttemptAt };
  return completeAggregation(deps, { connectionId: connection.id, statusCode, reportedAttemptAt });
}

/** Reads every linked account's transactions since the last success (less the revision window) into the feed. */
export async function retrieveFeed(deps: EngineDeps, connectionId: string): Promise<number> {
  const { db } = deps;
  const connection = await db.connection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { organizationId: true, providerLoginId: true, institutionId: true, lastSuccessAt: true },
  });
  const accounts = await db.bankAccount.findMany({
    where: { connectionId, linked: true },
    select: { id: true, providerAccountId: true, feedTransactions: { select: { id: true }, take: 1 } },
  });
  const to = isoDay(new Date());
  let added = 0;
  for (const account of accounts) {
    // An account's first retrieval reaches back the full window, even when the login itself
    // aggregated before the account was chosen (a slow link completes before the choice).
    const since = account.feedTransactions.length > 0 ? connection.lastSuccessAt : null;
    const from = isoDay(
      since
        ? daysBefore(since, REVISION_WINDOW_DAYS)
        : daysBefore(new Date(), deps.aggregator.capabilities.historyDays),
    );
    const retrieved = await deps.aggregator.getTransactions({
      ...loginRef(connection),
      accountId: account.providerAccountId,
      from,
      to,
    });
    const window = { bankAccountId: account.id, from, to };
    const transactions = await linkSettledPending(db, { ...window, transactions: retrieved });
    const ingest = () =>
      ingestBankTransactions(db, {
        organizationId: connection.organizationId,
        bankAccountId: account.id,
        transactions,
      });
    // Two retrievals of one account can overlap (a webhook racing the request that started
    // it); the loser's insert hits the unique key, and ingesting again updates instead.
    const result = await ingest().catch((err: unknown) => {
      if (isUniqueViolation(err)) return ingest();
      throw err;
    });
    added += result.added;
    await dropVanishedPending(db, { ...window, transactions });
  }
  return added;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysBefore = (d: Date, days: number) => new Date(d.getTime() - days * 86_400_000);
