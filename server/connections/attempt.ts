import type {
  AggregatorClient,
  CredentialLinking,
  HostedLinking,
  LinkStyle,
  LoginRef,
  MfaChallenge,
} from "@/server/aggregator/client";
import { describeStatus, type DescribeOptions, type StatusDescription } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import type { ConnectionStatus, Prisma } from "@/server/db/generated/client";
import { DomainError, notFound } from "@/server/errors";
import type { Logger } from "@/server/log";
import type { MfaQuestion } from "./schemas";

// What every step of a connection's life shares: its dependencies, the connection as the
// engine reads it, and the outcome of an attempt as the customer (and support) sees it.

export interface EngineDeps {
  db: Db;
  aggregator: AggregatorClient;
  log: Logger;
}

/** A security question as the customer is asked it (connections' schemas). */
export type PublicMfaQuestion = MfaQuestion;

/**
 * What the customer sees after an attempt. attemptId is the attempt's connection event (its
 * row in the error history); null only when nothing was attempted (a question still waiting,
 * an aggregation another caller settled).
 */
export type AttemptOutcome =
  | {
      kind: "connected";
      connectionId: string;
      attemptId: string | null;
      status: ConnectionStatus;
      transactionCount: number | null;
    }
  /**
   * The attempt's event completes when the aggregation ends (lastResult.id then).
   * finishedWith: with deferCompletion, the code of an aggregation that finished within the
   * request, and reportedAttemptAt the aggregator's time of it (pass both to completeAggregation).
   */
  | {
      kind: "aggregating";
      connectionId: string;
      attemptId: string | null;
      finishedWith?: number;
      reportedAttemptAt?: Date | null;
    }
  | {
      kind: "mfa";
      connectionId: string;
      attemptId: string | null;
      question: PublicMfaQuestion;
      wrongAnswer: boolean;
      expiresAt: Date;
    }
  | {
      kind: "failed";
      connectionId: string | null;
      attemptId: string | null;
      problem: StatusDescription;
      nextRetryAt: Date | null;
    };

/** The kinds of AttemptOutcome, for schemas that name only the kind (support's forced refresh). */
export const ATTEMPT_OUTCOME_KINDS = [
  "connected",
  "aggregating",
  "mfa",
  "failed",
] as const satisfies readonly AttemptOutcome["kind"][];

export const connectionSelect = {
  id: true,
  organizationId: true,
  institutionId: true,
  providerLoginId: true,
  status: true,
  lastStatusCode: true,
  lastSuccessAt: true,
  lastAttemptAt: true,
  providerAttemptAt: true,
  mfaSession: true,
  activeEventId: true,
  aggregationStartedAt: true,
  institution: { select: { name: true, loginUrl: true, linkStyle: true } },
} satisfies Prisma.ConnectionSelect;
export type ConnectionRow = Prisma.ConnectionGetPayload<{ select: typeof connectionSelect }>;

/** The organization's connection, unless removed; NOT_FOUND otherwise (another organization's included). */
export async function loadConnection(db: Db, organizationId: string, connectionId: string): Promise<ConnectionRow> {
  const connection = await db.connection.findFirst({
    where: { id: connectionId, organizationId, status: { not: "REMOVED" } },
    select: connectionSelect,
  });
  if (!connection) throw notFound("That connection");
  return connection;
}

export const loginRef = (c: Pick<ConnectionRow, "providerLoginId" | "institutionId">): LoginRef => ({
  loginId: c.providerLoginId!,
  institutionId: c.institutionId,
});

export const institutionTexts = (c: Pick<ConnectionRow, "institution">): DescribeOptions => ({
  institutionName: c.institution.name,
  institutionUrl: c.institution.loginUrl,
});

export const describeFor = (c: Pick<ConnectionRow, "institution">, code: number) =>
  describeStatus(code, institutionTexts(c));

export function publicQuestion(challenge: MfaChallenge): PublicMfaQuestion {
  const q = challenge.question;
  return {
    id: q.id,
    kind: q.kind,
    text: q.text,
    choices: q.kind === "choice" ? q.choices : [],
    progress: challenge.progress,
  };
}

/** The question kept while the customer is away; rows written before progress was known lack it. */
export function storedQuestion(json: Prisma.JsonValue): PublicMfaQuestion {
  const q = json as unknown as Omit<PublicMfaQuestion, "progress"> & { progress?: PublicMfaQuestion["progress"] };
  return { ...q, progress: q.progress ?? null };
}

/** The aggregator status code an outcome stands for (0 connected, 325 aggregating, 185/187 a question). */
export function statusCodeOf(outcome: AttemptOutcome): number {
  switch (outcome.kind) {
    case "connected":
      return 0;
    case "aggregating":
      return 325;
    case "mfa":
      return outcome.wrongAnswer ? 187 : 185;
    case "failed":
      return outcome.problem.code;
  }
}

/** The provider's credential flow; refused when it (or the institution) links on the provider's own page. */
export function credentialLinking(
  aggregator: AggregatorClient,
  institution: { linkStyle: LinkStyle } | null = null,
): CredentialLinking {
  if (!aggregator.credentialLinking || institution?.linkStyle === "HOSTED") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This bank is connected on the provider's secure page, not with a username and password here.",
    );
  }
  return aggregator.credentialLinking;
}

/** The provider's hosted Connect page; refused when it has none. */
export function hostedLinking(aggregator: AggregatorClient): HostedLinking {
  if (!aggregator.hostedLinking)
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This aggregator has no hosted page: enter the bank's username and password here.",
    );
  return aggregator.hostedLinking;
}
