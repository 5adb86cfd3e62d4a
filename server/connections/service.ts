import { customerProblem, describeStatus } from "@/server/aggregator/status-codes";
import { recordAudit, type AuditRecord } from "@/server/audit/service";
import type { Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";

// What Manage Institutions shows, and the account choices made after a link.

const connectionListSelect = {
  id: true,
  status: true,
  lastStatusCode: true,
  lastSuccessAt: true,
  lastAttemptAt: true,
  nextRetryAt: true,
  createdAt: true,
  mfaExpiresAt: true,
  mfaSession: true,
  aggregationStartedAt: true,
  institution: { select: { id: true, name: true, variant: true, loginUrl: true, sandboxSiteUrl: true, knownIssueSince: true, linkStyle: true } },
  accounts: {
    select: { id: true, name: true, kind: true, mask: true, balanceCents: true, currency: true, linked: true, register: { select: { id: true, name: true } } },
    orderBy: { name: "asc" },
  },
  // The last finished attempt: an aggregation under way (and a retrieval refused because of
  // it) carries 325 and is not a result yet.
  events: {
    where: { statusCode: { not: 325 } },
    select: { id: true, kind: true, statusCode: true, transactionCount: true, createdAt: true },
    orderBy: { createdAt: "desc" },
    take: 1,
  },
} as const;

export type ConnectionView = Awaited<ReturnType<typeof listConnections>>[number];

function toView(c: Awaited<ReturnType<typeof findConnections>>[number]) {
  const code = c.lastStatusCode;
  const problem =
    code !== null && code !== 0 && (c.status === "ACTION_REQUIRED" || c.status === "ERROR")
      ? describeStatus(code, { institutionName: c.institution.name, institutionUrl: c.institution.loginUrl })
      : null;
  const lastEvent = c.events[0] ?? null;
  return {
    id: c.id,
    status: c.status,
    institution: {
      id: c.institution.id,
      name: c.institution.name,
      variant: c.institution.variant,
      loginUrl: c.institution.loginUrl,
      sandboxSiteUrl: c.institution.sandboxSiteUrl,
      knownIssue: c.institution.knownIssueSince !== null,
      linkStyle: c.institution.linkStyle,
    },
    lastStatusCode: code,
    problem: problem && customerProblem(problem),
    awaitingAnswer: !!c.mfaSession && !!c.mfaExpiresAt && c.mfaExpiresAt > new Date(),
    lastSuccessAt: c.lastSuccessAt,
    lastAttemptAt: c.lastAttemptAt,
    nextRetryAt: c.nextRetryAt,
    aggregationStartedAt: c.status === "AGGREGATING" ? c.aggregationStartedAt : null,
    createdAt: c.createdAt,
    lastResult: lastEvent && {
      id: lastEvent.id,
      kind: lastEvent.kind,
      statusCode: lastEvent.statusCode,
      transactionCount: lastEvent.transactionCount,
      at: lastEvent.createdAt,
    },
    accounts: c.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      mask: a.mask,
      balanceCents: a.balanceCents === null ? null : Number(a.balanceCents),
      currency: a.currency,
      linked: a.linked,
      register: a.register,
    })),
  };
}

function findConnections(db: Db, organizationId: string, connectionId?: string) {
  return db.connection.findMany({
    where: { organizationId, status: { not: "REMOVED" }, ...(connectionId ? { id: connectionId } : {}) },
    select: connectionListSelect,
    orderBy: [{ institution: { name: "asc" } }, { createdAt: "asc" }],
  });
}

export async function listConnections(db: Db, organizationId: string) {
  return (await findConnections(db, organizationId)).map(toView);
}

export async function getConnection(db: Db, organizationId: string, connectionId: string) {
  const [connection] = await findConnections(db, organizationId, connectionId);
  if (!connection) throw notFound("That connection");
  return toView(connection);
}

export async function listOpenNotices(db: Db, organizationId: string) {
  return db.notice.findMany({
    where: { organizationId, resolvedAt: null, connection: { status: { not: "REMOVED" } } },
    select: { id: true, connectionId: true, statusCode: true, title: true, body: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
}

export interface AccountChoice {
  bankAccountId: string;
  link: boolean;
  /** An existing register of the organization, or the name of one to create. */
  registerId?: string | null;
  newRegisterName?: string | null;
}

/**
 * Records which discovered accounts post to which register. All or nothing: a register
 * of another organization, an account of another connection or a duplicate register name
 * fails the whole choice.
 */
export async function chooseAccounts(db: Db, args: { organizationId: string; connectionId: string; choices: AccountChoice[]; audit?: AuditRecord }) {
  const { organizationId, connectionId, choices } = args;
  await db.$transaction(async (tx) => {
    const connection = await tx.connection.findFirst({ where: { id: connectionId, organizationId, status: { not: "REMOVED" } }, select: { id: true } });
    if (!connection) throw notFound("That connection");
    const accounts = await tx.bankAccount.findMany({ where: { connectionId }, select: { id: true, name: true, kind: true } });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    for (const choice of choices) {
      const account = byId.get(choice.bankAccountId);
      if (!account) throw notFound("That account");
      let registerId: string | null = null;
      if (choice.link) {
        if (choice.registerId) {
          const register = await tx.register.findFirst({ where: { id: choice.registerId, organizationId }, select: { id: true } });
          if (!register) throw notFound("That register");
          registerId = register.id;
        } else {
          const name = choice.newRegisterName?.trim() || account.name;
          const clash = await tx.register.findFirst({ where: { organizationId, name }, select: { id: true } });
          if (clash) throw new DomainError("CONFLICT", `A register named “${name}” already exists. Choose it, or pick another name.`);
          registerId = (await tx.register.create({ data: { organizationId, name, kind: account.kind }, select: { id: true } })).id;
        }
      }
      await tx.bankAccount.update({ where: { id: account.id }, data: { linked: choice.link, registerId } });
    }
    if (args.audit) await recordAudit(tx, args.audit);
  });
}

/** The organization's registers, each with how many linked bank accounts already post to it. */
export async function listRegistersForMapping(db: Db, organizationId: string) {
  const registers = await db.register.findMany({
    where: { organizationId },
    select: { id: true, name: true, kind: true, _count: { select: { bankAccounts: { where: { linked: true } } } } },
    orderBy: { name: "asc" },
  });
  return registers.map(({ _count, ...r }) => ({ ...r, linkedAccounts: _count.bankAccounts }));
}
