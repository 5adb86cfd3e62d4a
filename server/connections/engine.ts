import {
  isAggregatorError,
  type Account,
  type AggregatorClient,
  type Credentials,
  type LoginOutcome,
  type LoginRef,
  type LoginStatus,
  type MfaChallenge,
} from "@/server/aggregator/client";
import { describeStatus, type StatusDescription } from "@/server/aggregator/status-codes";
import { Prisma as PrismaRuntime, type Db } from "@/server/db/client";
import type { ConnectionStatus, Prisma } from "@/server/db/generated/client";
import { notFound } from "@/server/errors";
import { ingestBankTransactions } from "@/server/feed/ingest";
import type { Logger } from "@/server/log";
import { finishEvent, openEvent, recordEvent, type AttemptSource } from "./events";
import { openNotice, resolveNotices } from "./notices";

// The life of a connection against the aggregator: link, security questions, update
// login, aggregation (retrieve, scheduled and forced refresh) and its completion, removal.
// Every attempt leaves a connection event; every code that needs the customer opens a
// notice, cleared when the connection works again. Credentials and answers pass through
// to the aggregator and are never stored or logged.

export interface EngineDeps {
  db: Db;
  aggregator: AggregatorClient;
  log: Logger;
}

/** How far back the first retrieval reaches, and how much of the recent past every later one re-reads (banks revise it). */
export const FIRST_RETRIEVAL_DAYS = 90;
export const REVISION_WINDOW_DAYS = 15;
/** An aggregation with no completion after this long is asked about directly. */
export const STUCK_AGGREGATION_MS = 2 * 60 * 1000;

export interface PublicMfaQuestion {
  id: string;
  kind: "text" | "choice";
  text: string;
  choices: string[];
  /** "Question 2 of 3" when the aggregator tells. */
  progress: { current: number; total: number } | null;
}

/** What the customer sees after an attempt. */
export type AttemptOutcome =
  | { kind: "connected"; connectionId: string; status: ConnectionStatus; transactionCount: number | null }
  /**
   * attemptId: the connection event that completes when the aggregation ends (lastResult.id then).
   * finishedWith: with deferCompletion, the code of an aggregation that finished within the
   * request, and reportedAttemptAt the aggregator's time of it (pass both to completeAggregation).
   */
  | { kind: "aggregating"; connectionId: string; attemptId: string | null; finishedWith?: number; reportedAttemptAt?: Date | null }
  | { kind: "mfa"; connectionId: string; question: PublicMfaQuestion; wrongAnswer: boolean; expiresAt: Date }
  | { kind: "failed"; connectionId: string | null; problem: StatusDescription; nextRetryAt: Date | null };

const connectionSelect = {
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
  institution: { select: { name: true, loginUrl: true } },
} satisfies Prisma.ConnectionSelect;
type ConnectionRow = Prisma.ConnectionGetPayload<{ select: typeof connectionSelect }>;

export async function loadConnection(db: Db, organizationId: string, connectionId: string): Promise<ConnectionRow> {
  const connection = await db.connection.findFirst({
    where: { id: connectionId, organizationId, status: { not: "REMOVED" } },
    select: connectionSelect,
  });
  if (!connection) throw notFound("That connection");
  return connection;
}

const loginRef = (c: ConnectionRow): LoginRef => ({ loginId: c.providerLoginId!, institutionId: c.institutionId });
const describeFor = (c: { institution: { name: string; loginUrl: string } }, code: number) =>
  describeStatus(code, { institutionName: c.institution.name, institutionUrl: c.institution.loginUrl });

function publicQuestion(challenge: MfaChallenge): PublicMfaQuestion {
  const q = challenge.question;
  return { id: q.id, kind: q.kind, text: q.text, choices: q.kind === "choice" ? q.choices : [], progress: challenge.progress };
}

/** The question kept while the customer is away; rows written before progress was known lack it. */
function storedQuestion(json: Prisma.JsonValue): PublicMfaQuestion {
  const q = json as unknown as Omit<PublicMfaQuestion, "progress"> & { progress?: PublicMfaQuestion["progress"] };
  return { ...q, progress: q.progress ?? null };
}

function mfaFields(challenge: MfaChallenge) {
  return {
    status: "ACTION_REQUIRED" as const,
    lastStatusCode: challenge.statusCode,
    lastStatusMessage: describeStatus(challenge.statusCode).title,
    mfaSession: challenge.session,
    mfaQuestion: publicQuestion(challenge) as unknown as Prisma.InputJsonValue,
    mfaExpiresAt: challenge.expiresAt,
  };
}

// ——— Institutions ———

export async function upsertInstitution(deps: EngineDeps, institutionId: string) {
  const institution = await deps.aggregator.getInstitution(institutionId);
  const data = {
    name: institution.name,
    variant: institution.variant,
    loginUrl: institution.loginUrl,
    sandboxSiteUrl: institution.sandboxSiteUrl,
  };
  await deps.db.institution.upsert({ where: { id: institution.id }, create: { id: institution.id, ...data }, update: data });
  return institution;
}

// ——— Link ———

export async function linkConnection(
  deps: EngineDeps,
  args: { organizationId: string; organizationName: string; institutionId: string; credentials: Credentials; actorUserId: string },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const institution = await upsertInstitution(deps, args.institutionId);
  const source: AttemptSource = { kind: "LINK", trigger: "CUSTOMER", actorUserId: args.actorUserId };
  const startedAt = new Date();
  let outcome: LoginOutcome;
  try {
    outcome = await deps.aggregator.link({
      organizationId: args.organizationId,
      organizationName: args.organizationName,
      institutionId: args.institutionId,
      credentials: args.credentials,
    });
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    const problem = err.describe({ institutionName: institution.name, institutionUrl: institution.loginUrl });
    await recordEvent(db, {
      organizationId: args.organizationId,
      connectionId: null,
      institutionId: args.institutionId,
      source,
      startedAt,
      result: { statusCode: err.code, message: problem.title },
    });
    return { kind: "failed", connectionId: null, problem, nextRetryAt: null };
  }

  const connection = await db.connection.create({
    data: {
      organizationId: args.organizationId,
      institutionId: args.institutionId,
      providerLoginId: outcome.login.loginId,
      status: "ACTION_REQUIRED",
      createdById: args.actorUserId,
      lastAttemptAt: new Date(),
    },
    select: connectionSelect,
  });
  return settleLoginOutcome(deps, connection, outcome, source, startedAt);
}

/**
 * Brings a connection in line with what the aggregator answered to link, answerMfa or
 * updateLogin: the next security question, or a working login whose accounts are synced.
 */
async function settleLoginOutcome(
  deps: EngineDeps,
  connection: ConnectionRow,
  outcome: LoginOutcome,
  source: AttemptSource,
  startedAt: Date,
): Promise<AttemptOutcome> {
  const { db } = deps;
  const base = { organizationId: connection.organizationId, connectionId: connection.id, institutionId: connection.institutionId };
  if (outcome.kind === "mfa") {
    const code = outcome.challenge.statusCode;
    await db.$transaction(async (tx) => {
      await tx.connection.update({
        where: { id: connection.id },
        data: { ...mfaFields(outcome.challenge), lastAttemptAt: new Date(), ...providerAttempt(outcome.login.lastAttemptAt) },
      });
      await recordEvent(tx, { ...base, source, startedAt, result: { statusCode: code, message: describeStatus(code).title } });
      await openNotice(tx, {
        ...base,
        statusCode: 185,
        institutionName: connection.institution.name,
        institutionUrl: connection.institution.loginUrl,
      });
    });
    return {
      kind: "mfa",
      connectionId: connection.id,
      question: publicQuestion(outcome.challenge),
      wrongAnswer: code === 187,
      expiresAt: outcome.challenge.expiresAt,
    };
  }

  // Accounts answer 325 while an aggregation runs; completeAggregation syncs them then.
  if (!outcome.login.aggregating) await syncAccounts(deps, connection);
  if (outcome.login.aggregating) {
    const attemptId = await db.$transaction(async (tx) => {
      const event = await openEvent(tx, { ...base, source, startedAt });
      await tx.connection.update({
        where: { id: connection.id },
        data: { ...clearMfa(), status: "AGGREGATING", aggregationStartedAt: startedAt, activeEventId: event.id, lastAttemptAt: new Date() },
      });
      await resolveNotices(tx, connection.id);
      return event.id;
    });
    return { kind: "aggregating", connectionId: connection.id, attemptId };
  }
  // A login that is already linked to accounts brings their new transactions at once.
  const linked = await db.bankAccount.count({ where: { connectionId: connection.id, linked: true } });
  const transactionCount = linked > 0 ? await retrieveFeed(deps, connection.id) : null;
  await db.$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        ...clearMfa(),
        status: "ACTIVE",
        lastStatusCode: 0,
        lastStatusMessage: describeStatus(0).title,
        lastAttemptAt: new Date(),
        lastSuccessAt: new Date(),
        ...providerAttempt(outcome.login.lastAttemptAt),
        retryCount: 0,
        nextRetryAt: null,
      },
    });
    await recordEvent(tx, { ...base, source, startedAt, result: { statusCode: 0, message: describeStatus(0).title, transactionCount } });
    await resolveNotices(tx, connection.id);
  });
  return { kind: "connected", connectionId: connection.id, status: "ACTIVE", transactionCount };
}

/** Records the aggregator's time of an attempt being settled, when its answer told it. */
function providerAttempt(reportedAttemptAt: Date | null | undefined) {
  return reportedAttemptAt ? { providerAttemptAt: reportedAttemptAt } : {};
}

function clearMfa() {
  return { mfaSession: null, mfaExpiresAt: null, mfaQuestion: PrismaRuntime.DbNull };
}

/** Stores the login's accounts: new ones unlinked (the customer chooses), known ones with fresh balances. */
export async function syncAccounts(deps: EngineDeps, connection: Pick<ConnectionRow, "id" | "organizationId" | "providerLoginId" | "institutionId">) {
  const accounts: Account[] = await deps.aggregator.listAccounts({ loginId: connection.providerLoginId!, institutionId: connection.institutionId });
  for (const account of accounts) {
    const data = {
      name: account.name,
      kind: account.kind,
      mask: account.mask,
      balanceCents: account.balanceCents === null ? null : BigInt(account.balanceCents),
      currency: account.currency,
    };
    await deps.db.bankAccount.upsert({
      where: { connectionId_providerAccountId: { connectionId: connection.id, providerAccountId: account.id } },
      create: { ...data, organizationId: connection.organizationId, connectionId: connection.id, providerAccountId: account.id },
      update: data,
    });
  }
  return accounts;
}

// ——— Security questions ———

export async function answerSecurityQuestion(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; answer: string; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await loadConnection(deps.db, args.organizationId, args.connectionId);
  const source: AttemptSource = { kind: "MFA_ANSWER", trigger: "CUSTOMER", actorUserId: args.actorUserId };
  const startedAt = new Date();
  if (!connection.mfaSession) {
    return { kind: "failed", connectionId: connection.id, problem: describeFor(connection, 331), nextRetryAt: null };
  }
  try {
    const outcome = await deps.aggregator.answerMfa(loginRef(connection), connection.mfaSession, args.answer);
    return await settleLoginOutcome(deps, connection, outcome, source, startedAt);
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, connection, source, startedAt, err.code ?? 102, err.describe(institutionTexts(connection)));
  }
}

/** "Click here" on a 185 alert: the waiting question if there is one, else a fresh aggregation. */
export async function resumeConnection(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await deps.db.connection.findFirst({
    where: { id: args.connectionId, organizationId: args.organizationId, status: { not: "REMOVED" } },
    select: { ...connectionSelect, mfaQuestion: true, mfaExpiresAt: true, lastStatusCode: true },
  });
  if (!connection) throw notFound("That connection");
  if (connection.mfaSession && connection.mfaQuestion && connection.mfaExpiresAt && connection.mfaExpiresAt > new Date()) {
    return {
      kind: "mfa",
      connectionId: connection.id,
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

// ——— Update login ———

export async function updateLogin(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; credentials: Credentials; actorUserId: string },
): Promise<AttemptOutcome> {
  const connection = await loadConnection(deps.db, args.organizationId, args.connectionId);
  const source: AttemptSource = { kind: "UPDATE_LOGIN", trigger: "CUSTOMER", actorUserId: args.actorUserId };
  const startedAt = new Date();
  try {
    const outcome = await deps.aggregator.updateLogin(loginRef(connection), args.credentials);
    return await settleLoginOutcome(deps, connection, outcome, source, startedAt);
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, connection, source, startedAt, err.code ?? 102, err.describe(institutionTexts(connection)));
  }
}

const institutionTexts = (c: ConnectionRow) => ({ institutionName: c.institution.name, institutionUrl: c.institution.loginUrl });

/** Records a failed attempt: status, event, notice when the customer must act, next retry when transient. */
async function failAttempt(
  deps: EngineDeps,
  connection: ConnectionRow,
  source: AttemptSource,
  startedAt: Date,
  code: number,
  problem: StatusDescription,
  openEventId: string | null = null,
  reportedAttemptAt: Date | null = null,
): Promise<AttemptOutcome> {
  const { db } = deps;
  const base = { organizationId: connection.organizationId, connectionId: connection.id, institutionId: connection.institutionId };
  const retryAt = await db.$transaction(async (tx) => {
    const current = await tx.connection.findUnique({ where: { id: connection.id }, select: { retryCount: true } });
    const retryCount = problem.retry === "no" ? 0 : (current?.retryCount ?? 0) + 1;
    const retryAt = problem.retry === "no" ? null : nextRetryAt(problem.retry, retryCount);
    await tx.connection.update({
      where: { id: connection.id },
      data: {
        status: problem.connectionStatus === "AGGREGATING" ? "AGGREGATING" : problem.connectionStatus,
        lastStatusCode: code,
        lastStatusMessage: problem.title,
        lastAttemptAt: new Date(),
        ...providerAttempt(reportedAttemptAt),
        retryCount,
        nextRetryAt: retryAt,
        ...(code === 331 ? clearMfa() : {}),
        ...(problem.connectionStatus === "AGGREGATING" ? {} : { activeEventId: null, aggregationStartedAt: null }),
      },
    });
    const result = { statusCode: code, message: problem.title };
    if (openEventId) await finishEvent(tx, openEventId, result);
    else await recordEvent(tx, { ...base, source, startedAt, result });
    if (problem.actor === "customer") {
      await openNotice(tx, { ...base, statusCode: code, institutionName: connection.institution.name, institutionUrl: connection.institution.loginUrl });
    }
    return retryAt;
  });
  return { kind: "failed", connectionId: connection.id, problem, nextRetryAt: retryAt };
}

/** When a transient failure is tried again: exponential up to a cap. Retries due together (after an outage) queue behind the per-institution limit. */
export function nextRetryAt(retry: "backoff" | "slow-backoff", attempt: number, now = Date.now()): Date {
  const base = retry === "slow-backoff" ? 30 * 60_000 : 5 * 60_000;
  const cap = retry === "slow-backoff" ? 12 * 60 * 60_000 : 2 * 60 * 60_000;
  return new Date(now + Math.min(cap, base * 2 ** Math.max(0, attempt - 1)));
}

// ——— Aggregation ———

/**
 * Starts an aggregation (Retrieve Transactions, a scheduled or a forced refresh). Only one
 * runs per connection: the claim is a conditional update, so two clicks, two tabs or two
 * workers cannot both start one; the loser gets 325 like the aggregator would answer.
 */
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
  const base = { organizationId: connection.organizationId, connectionId: connection.id, institutionId: connection.institutionId };
  const staleBefore = new Date(Date.now() - STUCK_AGGREGATION_MS);

  const claimed = await db.$transaction(async (tx) => {
    const won = await tx.connection.updateMany({
      where: {
        id: connection.id,
        OR: [{ status: { not: "AGGREGATING" } }, { aggregationStartedAt: null }, { aggregationStartedAt: { lt: staleBefore } }],
      },
      data: { status: "AGGREGATING", aggregationStartedAt: startedAt, lastAttemptAt: startedAt },
    });
    if (won.count === 0) return null;
    const event = await openEvent(tx, { ...base, source: args.source, startedAt });
    await tx.connection.update({ where: { id: connection.id }, data: { activeEventId: event.id } });
    return event.id;
  });
  if (!claimed) {
    await recordEvent(db, { ...base, source: args.source, startedAt, result: { statusCode: 325, message: describeStatus(325).title } });
    return { kind: "failed", connectionId: connection.id, problem: describeFor(connection, 325), nextRetryAt: null };
  }

  let outcome: LoginOutcome;
  try {
    outcome = await deps.aggregator.refresh(loginRef(connection));
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    if (err.code === 325) {
      // Already running at the aggregator (started elsewhere): its completion arrives by webhook.
      return { kind: "aggregating", connectionId: connection.id, attemptId: claimed };
    }
    return failAttempt(deps, connection, args.source, startedAt, err.code ?? 102, err.describe(institutionTexts(connection)), claimed);
  }
  if (outcome.kind === "mfa") {
    await db.$transaction(async (tx) => {
      await tx.connection.update({
        where: { id: connection.id },
        data: { ...mfaFields(outcome.challenge), activeEventId: null, aggregationStartedAt: null, ...providerAttempt(outcome.login.lastAttemptAt) },
      });
      await finishEvent(tx, claimed, { statusCode: outcome.challenge.statusCode, message: describeStatus(185).title });
      await openNotice(tx, { ...base, statusCode: 185, institutionName: connection.institution.name, institutionUrl: connection.institution.loginUrl });
    });
    return {
      kind: "mfa",
      connectionId: connection.id,
      question: publicQuestion(outcome.challenge),
      wrongAnswer: false,
      expiresAt: outcome.challenge.expiresAt,
    };
  }
  if (outcome.login.aggregating) return { kind: "aggregating", connectionId: connection.id, attemptId: claimed };
  const { statusCode, lastAttemptAt: reportedAttemptAt } = outcome.login;
  if (args.deferCompletion) return { kind: "aggregating", connectionId: connection.id, attemptId: claimed, finishedWith: statusCode, reportedAttemptAt };
  return completeAggregation(deps, { connectionId: connection.id, statusCode, reportedAttemptAt });
}

/**
 * Finishes the aggregation under way: on success, fresh balances and the new transactions
 * in the bank feed; otherwise the failure recorded. Called when refresh answers at once, by
 * the aggregator's webhook, and by the sweeper for aggregations whose webhook never came.
 * Safe to call twice: only the call that clears the active attempt does the work.
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
  },
): Promise<AttemptOutcome> {
  const { db } = deps;
  const connection = await db.connection.findFirst({ where: { id: args.connectionId, status: { not: "REMOVED" } }, select: connectionSelect });
  if (!connection) throw notFound("That connection");
  if (args.eventId !== undefined && connection.activeEventId !== args.eventId) {
    return { kind: "connected", connectionId: connection.id, status: connection.status, transactionCount: null };
  }

  let code = args.statusCode;
  let reportedAttemptAt = args.reportedAttemptAt ?? null;
  // A webhook while no attempt of Bankline's is under way is either the echo of one that
  // finished within its own request (link, answer, Update Login, a quick refresh) or an
  // aggregation the aggregator ran by itself (its nightly schedule); only the latter is news.
  const echoPossible = code !== undefined && connection.activeEventId === null;
  if (code === undefined || echoPossible) {
    const status = await deps.aggregator.getLoginStatus(loginRef(connection));
    if (status.aggregating) return { kind: "aggregating", connectionId: connection.id, attemptId: connection.activeEventId };
    if (echoPossible && alreadyRecorded(connection, status)) {
      return { kind: "connected", connectionId: connection.id, status: connection.status, transactionCount: null };
    }
    code = status.statusCode;
    reportedAttemptAt = status.lastAttemptAt;
  }

  const eventId = connection.activeEventId;
  const released = await db.connection.updateMany({
    where: { id: connection.id, status: "AGGREGATING", activeEventId: eventId },
    data: { activeEventId: null, aggregationStartedAt: null },
  });
  if (released.count === 0 && eventId !== null) return { kind: "connected", connectionId: connection.id, status: connection.status, transactionCount: null };
  const source: AttemptSource = { kind: "REFRESH", trigger: "WEBHOOK", actorUserId: null };

  if (code !== 0) return failAttempt(deps, connection, source, new Date(), code, describeFor(connection, code), eventId, reportedAttemptAt);

  try {
    await syncAccounts(deps, connection);
    const transactionCount = await retrieveFeed(deps, connection.id);
    await db.$transaction(async (tx) => {
      await tx.connection.update({
        where: { id: connection.id },
        data: {
          status: "ACTIVE",
          lastStatusCode: 0,
          lastStatusMessage: describeStatus(0).title,
          lastSuccessAt: new Date(),
          lastAttemptAt: new Date(),
          ...providerAttempt(reportedAttemptAt),
          retryCount: 0,
          nextRetryAt: null,
        },
      });
      const result = { statusCode: 0, message: describeStatus(0).title, transactionCount };
      if (eventId) await finishEvent(tx, eventId, result);
      else await recordEvent(tx, { organizationId: connection.organizationId, connectionId: connection.id, institutionId: connection.institutionId, source, startedAt: new Date(), result });
      await resolveNotices(tx, connection.id);
    });
    return { kind: "connected", connectionId: connection.id, status: "ACTIVE", transactionCount };
  } catch (err) {
    if (!isAggregatorError(err)) throw err;
    return failAttempt(deps, connection, source, new Date(), err.code ?? 102, err.describe(institutionTexts(connection)), eventId, reportedAttemptAt);
  }
}

/**
 * Bankline recorded this result of the aggregator's: by the aggregator's own time of the
 * attempt when Bankline kept it; else by our times, set once the aggregator had answered.
 */
function alreadyRecorded(c: ConnectionRow, s: LoginStatus): boolean {
  if (c.providerAttemptAt && s.lastAttemptAt) return s.lastAttemptAt <= c.providerAttemptAt;
  if (s.statusCode === 0) return !!c.lastSuccessAt && !!s.lastSuccessAt && c.lastSuccessAt >= s.lastSuccessAt;
  return c.lastStatusCode === s.statusCode && !!c.lastAttemptAt && !!s.lastAttemptAt && c.lastAttemptAt >= s.lastAttemptAt;
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
    const from = isoDay(since ? daysBefore(since, REVISION_WINDOW_DAYS) : daysBefore(new Date(), FIRST_RETRIEVAL_DAYS));
    const transactions = await deps.aggregator.getTransactions({
      loginId: connection.providerLoginId!,
      institutionId: connection.institutionId,
      accountId: account.providerAccountId,
      from,
      to,
    });
    const ingest = () => ingestBankTransactions(db, { organizationId: connection.organizationId, bankAccountId: account.id, transactions });
    // Two retrievals of one account can overlap (a webhook racing the request that started
    // it); the loser's insert hits the unique key, and ingesting again updates instead.
    const result = await ingest().catch((err: unknown) => {
      if (err instanceof PrismaRuntime.PrismaClientKnownRequestError && err.code === "P2002") return ingest();
      throw err;
    });
    added += result.added;
  }
  return added;
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);
const daysBefore = (d: Date, days: number) => new Date(d.getTime() - days * 86_400_000);

/** The aggregator reported an MFA session that expired unanswered (331). */
export async function expireSecurityQuestion(deps: EngineDeps, connectionId: string) {
  const connection = await deps.db.connection.findFirst({ where: { id: connectionId, status: { not: "REMOVED" } }, select: connectionSelect });
  if (!connection?.mfaSession) return;
  await failAttempt(deps, connection, { kind: "MFA_ANSWER", trigger: "WEBHOOK", actorUserId: null }, new Date(), 331, describeFor(connection, 331));
}

// ——— Remove ———

/**
 * Removes the login at the aggregator and the connection in Bankline. Its history, its
 * imported register entries and the transactions the customer hid stay (hidden ones keep
 * a later re-link from offering them again); unreviewed feed rows go.
 */
export async function removeConnection(
  deps: EngineDeps,
  args: { organizationId: string; connectionId: string; actorUserId: string },
) {
  const { db } = deps;
  const connection = await loadConnection(db, args.organizationId, args.connectionId);
  const startedAt = new Date();
  if (connection.providerLoginId) await deps.aggregator.remove(loginRef(connection));
  await db.$transaction(async (tx) => {
    await tx.feedTransaction.deleteMany({
      where: { bankAccount: { connectionId: connection.id }, state: { in: ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"] } },
    });
    await tx.bankAccount.updateMany({ where: { connectionId: connection.id }, data: { linked: false } });
    await tx.connection.update({
      where: { id: connection.id },
      data: { ...clearMfa(), status: "REMOVED", removedAt: new Date(), activeEventId: null, aggregationStartedAt: null, nextRetryAt: null },
    });
    await resolveNotices(tx, connection.id);
    await recordEvent(tx, {
      organizationId: connection.organizationId,
      connectionId: connection.id,
      institutionId: connection.institutionId,
      source: { kind: "REMOVE", trigger: "CUSTOMER", actorUserId: args.actorUserId },
      startedAt,
      result: { statusCode: null, message: "Removed by the customer" },
    });
  });
}
