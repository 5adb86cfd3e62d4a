import { isAggregatorError } from "@/server/aggregator/client";
import { notFound } from "@/server/errors";
import {
  connectionSelect,
  credentialLinking,
  describeFor,
  institutionTexts,
  loadConnection,
  loginRef,
  storedQuestion,
  type AttemptOutcome,
  type EngineDeps,
} from "./attempt";
import { startAggregation } from "./aggregation";
import { openMfaSession } from "./mfa-session";
import { failAttempt } from "./completion";
import { settleLoginOutcome } from "./link";

// Security questions (185): asked one at a time, answered in Bankline; a wrong answer (187)
// asks the same question again; one left unanswered expires (331).

export async function answerSecurityQuestion(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; answer: string; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await loadConnection(deps.db, args.organizationId, args.connectionId);
  const attempt = {
    source: { kind: "MFA_ANSWER", trigger: "CUSTOMER", actorUserId: args.actorUserId },
    startedAt: new Date(),
  } as const;
  if (!connection.mfaSession) {
    return {
      kind: "failed",
      connectionId: connection.id,
      attemptId: null,
      problem: describeFor(connection, 331),
      nextRetryAt: null,
    };
  }
  try {
    const outcome = await credentialLinking(deps.aggregator, connection.institution).answerMfa(
      loginRef(connection),
      openMfaSession(connection.mfaSession),
      args.answer,
    );
    return await settleLoginOutcome(deps, connection, outcome, attempt);
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, { connection, attempt, problem: err.describe(institutionTexts(connection)) });
  }
}

/** "Click here" on a 185 alert: the waiting question if there is one, else a fresh aggregation. */
export async function resumeConnection(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await deps.db.connection.findFirst({
    where: { id: args.connectionId, organizationId: args.organizationId, status: { not: "REMOVED" } },
    select: { ...connectionSelect, mfaQuestion: true, mfaExpiresAt: true },
  });
  if (!connection) throw notFound("That connection");
  if (
    connection.mfaSession &&
    connection.mfaQuestion &&
    connection.mfaExpiresAt &&
    connection.mfaExpiresAt > new Date()
  ) {
    return {
      kind: "mfa",
      connectionId: connection.id,
      attemptId: null,
      question: storedQuestion(connection.mfaQuestion),
      wrongAnswer: connection.lastStatusCode === 187,
      expiresAt: connection.mfaExpiresAt,
    };
  }
  return startAggregation(deps, {
    organizationId: args.organizationId,
    connectionId: args.connectionId,
    source: { kind: "REFRESH", trigger: "CUSTOMER", actorUserId: args.actorUserId },
  });
}

/** The aggregator reported a question that expired unanswered (331). */
export async function expireSecurityQuestion(deps: EngineDeps, connectionId: string) {
  const connection = await deps.db.connection.findFirst({
    where: { id: connectionId, status: { not: "REMOVED" } },
    select: connectionSelect,
  });
  if (!connection?.mfaSession) return;
  await failAttempt(deps, {
    connection,
    attempt: { source: { kind: "MFA_ANSWER", trigger: "WEBHOOK", actorUserId: null }, startedAt: new Date() },
    problem: describeFor(connection, 331),
  });
}
