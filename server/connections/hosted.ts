import { isAggregatorError, type LoginStatus } from "@/server/aggregator/client";
import { customerProblem, describeStatus, type CustomerProblem } from "@/server/aggregator/status-codes";
import { recordAudit, type AuditRecord } from "@/server/audit/service";
import type { Db } from "@/server/db/client";
import type { ConnectPurpose, ConnectSessionStatus, Prisma } from "@/server/db/generated/client";
import { DomainError, notFound } from "@/server/errors";
import type { ConnectEventData } from "@/server/webhooks/aggregator-events";
import {
  connectionSelect,
  describeFor,
  hostedLinking,
  loadConnection,
  loginRef,
  type ConnectionRow,
  type EngineDeps,
} from "./attempt";
import { failAttempt } from "./completion";
import { customerDirectory } from "./customer-directory";
import { recordEvent, type AttemptSource } from "./events";
import { settleLoginOutcome, upsertInstitution } from "./link";

// The hosted link style: the provider's Connect page collects credentials and security
// answers, so Bankline never sees them. Bankline opens a session (Add institution, or Connect
// Fix for Update Login and "click here"), the customer finishes on the provider's page, and
// Bankline learns the outcome from the provider's events and by reading the organization's
// logins at the provider: a link adds the logins it did not know, a fix settles the login it
// repaired. Every ending is settled once, whichever of the event and the customer's return
// arrives first.

/** A session not finished within this long is over; the provider's own pages expire too. */
export const CONNECT_SESSION_TTL_MS = 30 * 60_000;

/** Where each provider posts its events to Bankline (app/api/webhooks/…). */
export const WEBHOOK_PATHS: Record<string, string> = {
  sandbox: "/api/webhooks/aggregator",
  mastercard: "/api/webhooks/mastercard",
};

/** The page the customer's browser comes back to; it tells the portal that opened the session. */
export const connectReturnUrl = (appUrl: string, orgSlug: string, sessionId: string) =>
  `${trimmed(appUrl)}/connect/return?${new URLSearchParams({ org: orgSlug, session: sessionId })}`;
const trimmed = (url: string) => url.replace(/\/+$/, "");

export interface OpenedConnectSession {
  sessionId: string;
  url: string;
  /** Show it in a frame inside the dialog; otherwise in a window of its own. */
  inFrame: boolean;
}

export async function openConnectSession(
  deps: EngineDeps,
  args: {
    organizationId: string;
    organizationName: string;
    orgSlug: string;
    purpose: ConnectPurpose;
    institutionId?: string | null;
    connectionId?: string | null;
    actorUserId: string;
    appUrl: string;
    /** The customer's act, audited with the session it opens. */
    audit?: AuditRecord;
  },
): Promise<OpenedConnectSession> {
  const { db, aggregator } = deps;
  const hosted = hostedLinking(aggregator);
  const connection =
    args.purpose === "FIX" ? await loadConnection(db, args.organizationId, args.connectionId ?? "") : null;
  const session = await db.$transaction(async (tx) => {
    const created = await tx.connectSession.create({
      data: {
        organizationId: args.organizationId,
        purpose: args.purpose,
        institutionId: connection?.institutionId ?? args.institutionId ?? null,
        connectionId: connection?.id ?? null,
        createdById: args.actorUserId,
        expiresAt: new Date(Date.now() + CONNECT_SESSION_TTL_MS),
      },
      select: { id: true },
    });
    if (args.audit) {
      const details = (args.audit.details ?? {}) as Record<string, Prisma.InputJsonValue | null>;
      await recordAudit(tx, { ...args.audit, details: { ...details, session: created.id } });
    }
    return created;
  });
  try {
    const opened = await hosted.createConnectSession({
      organizationId: args.organizationId,
      organizationName: args.organizationName,
      reference: session.id,
      purpose: args.purpose === "FIX" ? "fix" : "link",
      institutionId: connection?.institutionId ?? args.institutionId ?? null,
      login: connection ? loginRef(connection) : null,
      webhookUrl: `${trimmed(args.appUrl)}${WEBHOOK_PATHS[aggregator.provider] ?? WEBHOOK_PATHS.sandbox}`,
      redirectUrl: connectReturnUrl(args.appUrl, args.orgSlug, session.id),
    });
    if (opened.expiresAt)
      await db.connectSession.update({ where: { id: session.id }, data: { expiresAt: opened.expiresAt } });
    return { sessionId: session.id, url: opened.url, inFrame: aggregator.capabilities.connectInFrame };
  } catch (err) {
    const code = isAggregatorError(err) ? (err.code ?? 102) : null;
    await db.connectSession.update({
      where: { id: session.id },
      data: { status: "FAILED", statusCode: code, finishedAt: new Date() },
    });
    throw err;
  }
}

/** Members may open the provider's page only to answer the security question a connection waits on. */
export async function requireWaitingQuestion(db: Db, organizationId: string, connectionId: string) {
  const connection = await loadConnection(db, organizationId, connectionId);
  const code = connection.lastStatusCode;
  if (connection.status !== "ACTION_REQUIRED" || code === null || describeStatus(code).remedy !== "answer-question") {
    throw new DomainError(
      "PRECONDITION_FAILED",
      "This connection is not waiting for a security answer. An owner or admin can use Update Login.",
    );
  }
}

export interface ConnectSessionView {
  id: string;
  purpose: ConnectPurpose;
  status: ConnectSessionStatus;
  /** What went wrong, in the customer's words, when the provider said. */
  problem: CustomerProblem | null;
  /** The connections a link added, or the one a fix repaired. */
  connectionIds: string[];
}

export async function getConnectSession(
  db: Db,
  organizationId: string,
  sessionId: string,
): Promise<ConnectSessionView> {
  const session = await db.connectSession.findFirst({
    where: { id: sessionId, organizationId },
    select: {
      id: true,
      purpose: true,
      status: true,
      statusCode: true,
      connectionId: true,
      expiresAt: true,
      added: { select: { id: true } },
    },
  });
  if (!session) throw notFound("That session");
  const expired = session.status === "OPEN" && !!session.expiresAt && session.expiresAt < new Date();
  return {
    id: session.id,
    purpose: session.purpose,
    status: expired ? "CANCELLED" : session.status,
    problem: session.statusCode === null ? null : customerProblem(describeStatus(session.statusCode)),
    connectionIds: session.purpose === "FIX" ? [session.connectionId!] : session.added.map((c) => c.id),
  };
}

export const CONNECT_ENDINGS = ["completed", "failed", "cancelled"] as const;
export type ConnectEnding = (typeof CONNECT_ENDINGS)[number];

/**
 * Settles what a session did at the provider. A failed attempt is recorded (the page may go
 * on); a completion or a cancellation ends the session once: a link's new logins become
 * connections, a fix's login is settled from its status at the provider.
 */
export async function settleConnectSession(
  deps: EngineDeps,
  args: {
    organizationId: string;
    sessionId: string;
    ending: ConnectEnding;
    statusCode: number | null;
    institutionId?: string | null;
  },
): Promise<ConnectSessionView> {
  const { db } = deps;
  const session = await db.connectSession.findFirst({
    where: { id: args.sessionId, organizationId: args.organizationId },
    select: {
      id: true,
      organizationId: true,
      purpose: true,
      status: true,
      statusCode: true,
      institutionId: true,
      connectionId: true,
      createdById: true,
    },
  });
  if (!session) throw notFound("That session");
  if (session.status !== "OPEN") return getConnectSession(db, args.organizationId, session.id);
  const source: AttemptSource = {
    kind: session.purpose === "FIX" ? "UPDATE_LOGIN" : "LINK",
    trigger: "CUSTOMER",
    actorUserId: session.createdById,
  };

  if (args.ending === "failed") {
    if (args.statusCode !== null) {
      await db.connectSession.updateMany({
        where: { id: session.id, status: "OPEN" },
        data: { statusCode: args.statusCode },
      });
      await recordFailedAttempt(
        deps,
        { ...session, institutionId: args.institutionId ?? session.institutionId },
        source,
        args.statusCode,
      );
    }
    return getConnectSession(db, args.organizationId, session.id);
  }

  // One settlement per session: the provider's event and the customer's return may race.
  const claimed = await db.connectSession.updateMany({
    where: { id: session.id, status: "OPEN", finishedAt: null },
    data: { finishedAt: new Date() },
  });
  if (claimed.count === 0) return getConnectSession(db, args.organizationId, session.id);

  // 0 is no problem: a completion may carry it.
  const statusCode = (args.statusCode || null) ?? session.statusCode;
  let status: ConnectSessionStatus;
  if (session.purpose === "FIX") {
    status = await settleFix(deps, session.organizationId, session.connectionId!, source, args.ending);
  } else {
    const added = await addNewLogins(deps, session, source);
    status = added > 0 ? "COMPLETED" : statusCode !== null ? "FAILED" : "CANCELLED";
  }
  await db.connectSession.update({ where: { id: session.id }, data: { status, statusCode } });
  return getConnectSession(db, args.organizationId, session.id);
}

/** Applies a provider event about a session, after checking it concerns that session's organization. */
export async function settleConnectEvent(
  deps: EngineDeps,
  ending: ConnectEnding,
  data: ConnectEventData,
): Promise<boolean> {
  const { db, log } = deps;
  const organizationId = await organizationOfCustomer(deps, data);
  const session = data.reference
    ? await db.connectSession.findUnique({ where: { id: data.reference }, select: { id: true, organizationId: true } })
    : organizationId
      ? await db.connectSession.findFirst({
          where: { organizationId, status: "OPEN" },
          orderBy: { createdAt: "desc" },
          select: { id: true, organizationId: true },
        })
      : null;
  if (!session || (organizationId && session.organizationId !== organizationId)) {
    log.warn({ reference: data.reference }, "connect event for no session of that customer; ignored");
    return false;
  }
  await settleConnectSession(deps, {
    organizationId: session.organizationId,
    sessionId: session.id,
    ending,
    statusCode: data.statusCode,
    institutionId: data.institutionId,
  });
  return true;
}

async function organizationOfCustomer(deps: EngineDeps, data: ConnectEventData): Promise<string | null> {
  if (data.customerExternalId) return data.customerExternalId;
  return customerDirectory(deps.db, deps.aggregator.provider).organizationOf(data.customerId);
}

async function recordFailedAttempt(
  deps: EngineDeps,
  session: { organizationId: string; institutionId: string | null; connectionId: string | null },
  source: AttemptSource,
  statusCode: number,
) {
  // The history is per institution: an attempt at a bank nobody named cannot be placed in it.
  if (!session.institutionId) return;
  await recordEvent(deps.db, {
    organizationId: session.organizationId,
    connectionId: session.connectionId,
    institutionId: session.institutionId,
    source,
    startedAt: new Date(),
    result: { statusCode, message: describeStatus(statusCode).title },
  });
}

/** The logins the organization has at the provider that Bankline does not know yet become connections. */
async function addNewLogins(
  deps: EngineDeps,
  session: { id: string; organizationId: string; createdById: string | null },
  source: AttemptSource,
): Promise<number> {
  const { db } = deps;
  const logins = await hostedLinking(deps.aggregator).listLogins(session.organizationId);
  const known = new Set(
    (
      await db.connection.findMany({
        where: { providerLoginId: { in: logins.map((l) => l.loginId) } },
        select: { providerLoginId: true },
      })
    ).map((c) => c.providerLoginId),
  );
  let added = 0;
  for (const login of logins.filter((l) => !known.has(l.loginId))) {
    await upsertInstitution(deps, login.institutionId);
    const connection = await db.connection.create({
      data: {
        organizationId: session.organizationId,
        institutionId: login.institutionId,
        providerLoginId: login.loginId,
        status: "ACTION_REQUIRED",
        createdById: session.createdById,
        connectSessionId: session.id,
        lastAttemptAt: new Date(),
      },
      select: connectionSelect,
    });
    await settleLogin(deps, connection, login, source);
    added++;
  }
  return added;
}

async function settleFix(
  deps: EngineDeps,
  organizationId: string,
  connectionId: string,
  source: AttemptSource,
  ending: ConnectEnding,
) {
  const connection = await loadConnection(deps.db, organizationId, connectionId);
  const login = await deps.aggregator.getLoginStatus(loginRef(connection));
  // Left without a try: the connection stays as it was.
  if (ending === "cancelled" && login.statusCode === connection.lastStatusCode && !login.aggregating)
    return "CANCELLED";
  const settled = await settleLogin(deps, connection, login, source);
  return settled === "working" ? "COMPLETED" : "FAILED";
}

/** A login as the provider left it after the hosted page: working (or aggregating), or failing with its code. */
async function settleLogin(
  deps: EngineDeps,
  connection: ConnectionRow,
  login: LoginStatus,
  source: AttemptSource,
): Promise<"working" | "failing"> {
  const attempt = { source, startedAt: new Date() };
  if (login.aggregating || login.statusCode === 0) {
    await settleLoginOutcome(deps, connection, { kind: "ok", login }, attempt);
    return "working";
  }
  await failAttempt(deps, {
    connection,
    attempt,
    problem: describeFor(connection, login.statusCode),
    reportedAttemptAt: login.lastAttemptAt,
  });
  return "failing";
}
