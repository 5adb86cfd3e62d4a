import type { Account, MfaChallenge } from "@/server/aggregator/client";
import { describeStatus, type RetryPolicy, type StatusDescription } from "@/server/aggregator/status-codes";
import { Prisma as PrismaRuntime, type Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { newId } from "@/server/db/ids";
import { writeAttemptAudit } from "@/server/audit/in-attempt";
import { publicQuestion, type AttemptOutcome, type ConnectionRow } from "./attempt";
import { sealMfaSession } from "./mfa-session";
import { finishEvent, openEvent, recordEvent, type AttemptSource } from "./events";
import { openNotice, resolveNotices } from "./notices";

// The connection state machine: every change of a connection's status, of the attempt it
// holds and of what it waits for is written here, and nowhere else. One connection at a time
// (the portal, a webhook) and many at once (the nightly batch) go through the same functions,
// so both follow the same claim rule and write the same columns.
//
//   ACTIVE | ERROR | ACTION_REQUIRED ──claim──▶ AGGREGATING ──succeeded──▶ ACTIVE
//                                                   ├──failed──▶ ERROR (nobody acts, maybe retried)
//                                                   │            ACTION_REQUIRED (the customer acts: a notice)
//                                                   └──question──▶ ACTION_REQUIRED (185/187,
//                                                                  waiting for an answer)
//   link, answer, Update Login ──▶ the same three endings, or AGGREGATING when the aggregator goes on by itself
//   any ──remove──▶ REMOVED
//
// Every attempt leaves one connection event (the error history); every code that needs the
// customer opens a notice, resolved when the connection works again.

type DbOrTx = Db | Prisma.TransactionClient;

/** An aggregation with no completion after this long may be claimed again (and is asked about directly). */
export const STUCK_AGGREGATION_MS = 2 * 60 * 1000;

const SUCCEEDED = describeStatus(0).title;
const IN_PROGRESS = describeStatus(325).title;

const timestamp = (d: Date) => d.toISOString();
const clearQuestion = () => ({ mfaSession: null, mfaExpiresAt: null, mfaQuestion: PrismaRuntime.DbNull });
/** The aggregator's time of an attempt being settled, when its answer told it. */
const providerAttempt = (reportedAttemptAt: Date | null | undefined) =>
  reportedAttemptAt ? { providerAttemptAt: reportedAttemptAt } : {};

interface ConnectionRef {
  organizationId: string;
  connectionId: string;
  institutionId: string;
}
const refOf = (c: Pick<ConnectionRow, "id" | "organizationId" | "institutionId">): ConnectionRef => ({
  organizationId: c.organizationId,
  connectionId: c.id,
  institutionId: c.institutionId,
});

// ——— Claim ———

export interface AggregationClaim {
  connectionId: string;
  /** The id the attempt's event gets (it opens with the claim). */
  eventId: string;
  source: AttemptSource;
}

/**
 * The claim rule: a connection starts an aggregation only when none is under way (or the one
 * under way went stale) and it was not removed. One statement claims every connection it can
 * and opens each one's event, so two clicks, two tabs or two workers cannot both start one.
 * Answers the connections claimed.
 */
export async function claimAggregations(
  db: DbOrTx,
  claims: readonly AggregationClaim[],
  now: Date,
): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const staleBefore = new Date(now.getTime() - STUCK_AGGREGATION_MS);
  const column = <T>(pick: (c: AggregationClaim) => T) => claims.map(pick);
  const claimed = await db.$queryRaw<{ id: string }[]>`
    WITH v AS (
      SELECT * FROM unnest(${column((c) => c.connectionId)}::text[], ${column((c) => c.eventId)}::text[],
        ${column((c) => c.source.kind)}::text[], ${column((c) => c.source.trigger)}::text[],
        ${column((c) => c.source.actorUserId)}::text[])
        AS v(connection_id, event_id, kind, trigger, actor_user_id)
    ),
    claimed AS (
      UPDATE "Connection" c SET "status" = 'AGGREGATING', "aggregationStartedAt" = ${timestamp(now)}::timestamp,
        "lastAttemptAt" = ${timestamp(now)}::timestamp, "updatedAt" = ${timestamp(now)}::timestamp,
        "activeEventId" = v.event_id
      FROM v WHERE c."id" = v.connection_id AND c."status" <> 'REMOVED'
        AND (c."status" <> 'AGGREGATING' OR c."aggregationStartedAt" IS NULL
          OR c."aggregationStartedAt" < ${timestamp(staleBefore)}::timestamp)
      RETURNING c."id", c."organizationId", c."institutionId", v.event_id, v.kind, v.trigger, v.actor_user_id
    ),
    events AS (
      INSERT INTO "ConnectionEvent" ("id", "organizationId", "connectionId", "institutionId", "kind", "trigger",
        "actorUserId", "startedAt", "statusCode", "message", "createdAt")
      SELECT event_id, "organizationId", "id", "institutionId", kind::"ConnectionEventKind", trigger::"EventTrigger",
        actor_user_id,
        ${timestamp(now)}::timestamp, 325, ${IN_PROGRESS}, ${timestamp(now)}::timestamp
      FROM claimed
    )
    SELECT "id" FROM claimed`;
  return new Set(claimed.map((r) => r.id));
}

/**
 * Lets go of the attempt under way so that exactly one caller completes it (reads accounts and
 * transactions, then settles). False when another caller already took it.
 */
export async function releaseAttempt(db: DbOrTx, connectionId: string, eventId: string | null): Promise<boolean> {
  const released = await db.connection.updateMany({
    where: { id: connectionId, status: "AGGREGATING", activeEventId: eventId },
    data: { activeEventId: null, aggregationStartedAt: null },
  });
  return released.count === 1;
}

/** The connection's attempt whose event is still open (its result not yet recorded), if any. */
export function openAttempt(db: DbOrTx, connectionId: string) {
  return db.connectionEvent.findFirst({
    where: { connectionId, durationMs: null },
    orderBy: { startedAt: "desc" },
    select: { id: true, startedAt: true },
  });
}

/**
 * releaseAttempt happens before the reads; a process that dies in between leaves the
 * connection AGGREGATING with no attempt attached and the attempt's event open. Puts that
 * event back as the connection's attempt, so it can be completed like any other; answers its
 * id (null when there is none to put back).
 */
export async function reattachOrphanedAttempt(db: Db, connectionId: string): Promise<string | null> {
  const open = await openAttempt(db, connectionId);
  if (!open) return null;
  const { count } = await db.connection.updateMany({
    where: { id: connectionId, status: "AGGREGATING", activeEventId: null },
    data: { activeEventId: open.id, aggregationStartedAt: open.startedAt },
  });
  if (count === 1) return open.id;
  return (
    (await db.connection.findUnique({ where: { id: connectionId }, select: { activeEventId: true } }))?.activeEventId ??
    null
  );
}

/** Link, answer or Update Login left the aggregator aggregating: the attempt goes on, its completion arrives later. */
export async function continueAsAggregation(
  db: Db,
  args: { connection: ConnectionRow; source: AttemptSource; startedAt: Date },
): Promise<string> {
  return db.$transaction(async (tx) => {
    const event = await openEvent(tx, { ...refOf(args.connection), source: args.source, startedAt: args.startedAt });
    await tx.connection.update({
      where: { id: args.connection.id },
      data: {
        ...clearQuestion(),
        status: "AGGREGATING",
        aggregationStartedAt: args.startedAt,
        activeEventId: event.id,
        lastAttemptAt: new Date(),
      },
    });
    await resolveNotices(tx, [args.connection.id]);
    return event.id;
  });
}

// ——— Endings ———

/** The attempt a result settles: the event opened when it started, or one recorded now. */
export type SettledAttempt = { openEventId: string } | { source: AttemptSource; startedAt: Date };

export interface Success extends ConnectionRef {
  attempt: SettledAttempt;
  transactionCount: number | null;
  /** The aggregator's time of the aggregation (Connection.providerAttemptAt once settled). */
  reportedAttemptAt: Date | null;
}

/**
 * Records successes: ACTIVE, fresh times, no retry pending, the attempt's event finished,
 * notices resolved. `holding`: settle only connections still waiting for that very attempt
 * (the batch, which reads before it settles); otherwise the caller released the attempt
 * before its reads. Answers the connections settled, their event ids by connection.
 */
export async function settleSuccesses(
  tx: Prisma.TransactionClient,
  successes: readonly Success[],
  options: { holding: boolean; now?: Date },
): Promise<Map<string, string>> {
  if (successes.length === 0) return new Map();
  const now = options.now ?? new Date();
  const rows = successes.map((s) => ({
    ...s,
    eventId: "openEventId" in s.attempt ? s.attempt.openEventId : newId(),
    opened: "openEventId" in s.attempt,
  }));
  const column = <T>(pick: (r: (typeof rows)[number]) => T) => rows.map(pick);
  const settled = await tx.$queryRaw<{ id: string; event_id: string }[]>`
    WITH v AS (
      SELECT * FROM unnest(${column((r) => r.connectionId)}::text[], ${column((r) => r.eventId)}::text[],
        ${column((r) => r.opened)}::boolean[], ${column((r) => r.transactionCount)}::int[],
        ${column((r) => (r.reportedAttemptAt ? timestamp(r.reportedAttemptAt) : null))}::timestamp[],
        ${column((r) => ("source" in r.attempt ? r.attempt.source.kind : null))}::text[],
        ${column((r) => ("source" in r.attempt ? r.attempt.source.trigger : null))}::text[],
        ${column((r) => ("source" in r.attempt ? r.attempt.source.actorUserId : null))}::text[],
        ${column((r) => ("source" in r.attempt ? timestamp(r.attempt.startedAt) : null))}::timestamp[])
        AS v(connection_id, event_id, opened, transaction_count, reported_attempt_at, kind, trigger, actor_user_id,
          started_at)
    ),
    settled AS (
      UPDATE "Connection" c SET "status" = 'ACTIVE', "lastStatusCode" = 0, "lastStatusMessage" = ${SUCCEEDED},
        "lastSuccessAt" = ${timestamp(now)}::timestamp, "lastAttemptAt" = ${timestamp(now)}::timestamp,
        "providerAttemptAt" = COALESCE(v.reported_attempt_at, c."providerAttemptAt"),
        "retryCount" = 0, "nextRetryAt" = NULL, "activeEventId" = NULL, "aggregationStartedAt" = NULL,
        "mfaSession" = NULL, "mfaExpiresAt" = NULL, "mfaQuestion" = NULL, "updatedAt" = ${timestamp(now)}::timestamp
      FROM v WHERE c."id" = v.connection_id AND c."status" <> 'REMOVED'
        AND (NOT ${options.holding}::boolean OR (c."status" = 'AGGREGATING' AND c."activeEventId" = v.event_id))
      RETURNING c."id", c."organizationId", c."institutionId", v.*
    ),
    finished AS (
      UPDATE "ConnectionEvent" e
      SET "statusCode" = 0, "message" = ${SUCCEEDED}, "transactionCount" = s.transaction_count,
        "durationMs" = GREATEST(0, (EXTRACT(EPOCH FROM (${timestamp(now)}::timestamp - e."startedAt")) * 1000)::int)
      FROM settled s WHERE s.opened AND e."id" = s.event_id
    ),
    recorded AS (
      INSERT INTO "ConnectionEvent" ("id", "organizationId", "connectionId", "institutionId", "kind", "trigger",
        "actorUserId", "startedAt", "durationMs", "statusCode", "message", "transactionCount", "createdAt")
      SELECT s.event_id, s."organizationId", s."id", s."institutionId", s.kind::"ConnectionEventKind",
        s.trigger::"EventTrigger", s.actor_user_id, s.started_at,
        GREATEST(0, (EXTRACT(EPOCH FROM (${timestamp(now)}::timestamp - s.started_at)) * 1000)::int), 0, ${SUCCEEDED},
        s.transaction_count, ${timestamp(now)}::timestamp
      FROM settled s WHERE NOT s.opened
    )
    SELECT "id", event_id FROM settled`;
  if (settled[0]) await writeAttemptAudit(tx, { connectionId: settled[0].id, statusCode: 0 });
  await resolveNotices(
    tx,
    settled.map((r) => r.id),
  );
  return new Map(settled.map((r) => [r.id, r.event_id]));
}

export interface Failure {
  connection: ConnectionRow;
  attempt: SettledAttempt;
  problem: StatusDescription;
  /** The aggregator's time of the failed attempt, when it told. */
  reportedAttemptAt?: Date | null;
}

/**
 * Records a failed attempt: the status its code leads to, the event, a notice when the
 * customer must act, the next retry when the code is retried in the background. A failure
 * whose fix is Update Login ends any question that was waiting.
 */
export async function settleFailure(
  db: Db,
  failure: Failure,
): Promise<{ attemptId: string; nextRetryAt: Date | null }> {
  const { connection, problem } = failure;
  const ref = refOf(connection);
  return db.$transaction(async (tx) => {
    const current = await tx.connection.findUnique({ where: { id: connection.id }, select: { retryCount: true } });
    const retryCount = problem.retry === "no" ? 0 : (current?.retryCount ?? 0) + 1;
    const retryAt = problem.retry === "no" ? null : nextRetryAt(problem.retry, retryCount);
    const stillAggregating = problem.connectionStatus === "AGGREGATING";
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        status: problem.connectionStatus,
        lastStatusCode: problem.code,
        lastStatusMessage: problem.title,
        lastAttemptAt: new Date(),
        ...providerAttempt(failure.reportedAttemptAt),
        retryCount,
        nextRetryAt: retryAt,
        ...(problem.remedy === "update-login" ? clearQuestion() : {}),
        ...(stillAggregating ? {} : { activeEventId: null, aggregationStartedAt: null }),
      },
    });
    const result = { statusCode: problem.code, message: problem.title };
    const attemptId = await settleEvent(tx, ref, failure.attempt, result);
    if (problem.actor === "customer") {
      await openNotice(tx, {
        ...ref,
        statusCode: problem.code,
        institutionName: connection.institution.name,
        institutionUrl: connection.institution.loginUrl,
      });
    }
    return { attemptId, nextRetryAt: retryAt };
  });
}

/**
 * When a transient failure is tried again: exponential up to a cap. Retries
 * due together (after an outage) queue behind the per-institution limit.
 */
export function nextRetryAt(retry: Exclude<RetryPolicy, "no">, attempt: number, now = Date.now()): Date {
  const base = retry === "slow-backoff" ? 30 * 60_000 : 5 * 60_000;
  const cap = retry === "slow-backoff" ? 12 * 60 * 60_000 : 2 * 60 * 60_000;
  return new Date(now + Math.min(cap, base * 2 ** Math.max(0, attempt - 1)));
}

/**
 * The bank asks a security question (185), or asks the same one again after a wrong answer
 * (187): the connection waits for the customer, with the question kept for "click here".
 * Answers the question as the portal shows it.
 */
export async function settleQuestion(
  db: Db,
  args: { connection: ConnectionRow; attempt: SettledAttempt; challenge: MfaChallenge; reportedAttemptAt: Date | null },
): Promise<Extract<AttemptOutcome, { kind: "mfa" }>> {
  const { connection, challenge } = args;
  const ref = refOf(connection);
  const title = describeStatus(challenge.statusCode).title;
  return db.$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        status: "ACTION_REQUIRED",
        lastStatusCode: challenge.statusCode,
        lastStatusMessage: title,
        mfaSession: sealMfaSession(challenge.session),
        mfaQuestion: publicQuestion(challenge) as unknown as Prisma.InputJsonValue,
        mfaExpiresAt: challenge.expiresAt,
        lastAttemptAt: new Date(),
        activeEventId: null,
        aggregationStartedAt: null,
        ...providerAttempt(args.reportedAttemptAt),
      },
    });
    const attemptId = await settleEvent(tx, ref, args.attempt, { statusCode: challenge.statusCode, message: title });
    await openNotice(tx, {
      ...ref,
      statusCode: 185,
      institutionName: connection.institution.name,
      institutionUrl: connection.institution.loginUrl,
    });
    return {
      kind: "mfa",
      connectionId: connection.id,
      attemptId,
      question: publicQuestion(challenge),
      wrongAnswer: challenge.statusCode === 187,
      expiresAt: challenge.expiresAt,
    };
  });
}

async function settleEvent(
  tx: Prisma.TransactionClient,
  ref: ConnectionRef,
  attempt: SettledAttempt,
  result: { statusCode: number | null; message: string },
): Promise<string> {
  if ("openEventId" in attempt) {
    await finishEvent(tx, attempt.openEventId, result);
    return attempt.openEventId;
  }
  return (await recordEvent(tx, { ...ref, source: attempt.source, startedAt: attempt.startedAt, result })).id;
}

/**
 * Removed: the connection keeps its history, its imported register entries and the
 * transactions the customer hid (they keep a later re-link from offering them again);
 * unreviewed feed rows go, and its accounts stop posting.
 */
export async function settleRemoval(
  db: Db,
  args: { connection: ConnectionRow; actorUserId: string; startedAt: Date },
): Promise<string> {
  const { connection } = args;
  return db.$transaction(async (tx) => {
    await tx.feedTransaction.deleteMany({
      where: {
        bankAccount: { connectionId: connection.id },
        state: { in: ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"] },
      },
    });
    await tx.bankAccount.updateMany({ where: { connectionId: connection.id }, data: { linked: false } });
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        ...clearQuestion(),
        status: "REMOVED",
        removedAt: new Date(),
        activeEventId: null,
        aggregationStartedAt: null,
        nextRetryAt: null,
      },
    });
    await resolveNotices(tx, [connection.id]);
    const event = await recordEvent(tx, {
      ...refOf(connection),
      source: { kind: "REMOVE", trigger: "CUSTOMER", actorUserId: args.actorUserId },
      startedAt: args.startedAt,
      result: { statusCode: null, message: "Removed by the customer" },
    });
    return event.id;
  });
}

// ——— Accounts ———

export interface DiscoveredAccounts {
  organizationId: string;
  connectionId: string;
  accounts: readonly Account[];
}

/**
 * Stores the accounts an aggregation found, in one statement for any number of connections:
 * new ones unlinked (the customer chooses), known ones with fresh names and balances.
 */
export async function storeAccounts(db: DbOrTx, found: readonly DiscoveredAccounts[], now = new Date()): Promise<void> {
  const rows = found.flatMap((f) => f.accounts.map((a) => ({ f, a })));
  if (rows.length === 0) return;
  const column = <T>(pick: (x: (typeof rows)[number]) => T) => rows.map(pick);
  await db.$executeRaw`
    INSERT INTO "BankAccount" ("id", "organizationId", "connectionId", "providerAccountId", "name", "kind", "mask",
      "balanceCents", "currency", "createdAt", "updatedAt")
    SELECT a.id, a.org, a.conn, a.acct, a.name, a.kind, a.mask, a.balance, a.currency,
      ${timestamp(now)}::timestamp, ${timestamp(now)}::timestamp
    FROM unnest(${column(() => newId())}::text[], ${column((x) => x.f.organizationId)}::text[],
      ${column((x) => x.f.connectionId)}::text[], ${column((x) => x.a.id)}::text[], ${column((x) => x.a.name)}::text[],
      ${column((x) => x.a.kind)}::text[], ${column((x) => x.a.mask)}::text[],
      ${column((x) => (x.a.balanceCents === null ? null : String(x.a.balanceCents)))}::bigint[],
      ${column((x) => x.a.currency)}::text[])
      AS a(id, org, conn, acct, name, kind, mask, balance, currency)
    ON CONFLICT ("connectionId", "providerAccountId") DO UPDATE SET
      "name" = EXCLUDED."name", "kind" = EXCLUDED."kind", "mask" = EXCLUDED."mask",
      "balanceCents" = EXCLUDED."balanceCents", "currency" = EXCLUDED."currency", "updatedAt" = EXCLUDED."updatedAt"`;
}
