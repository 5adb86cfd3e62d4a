import { customerProblem, describeStatus } from "@/server/aggregator/status-codes";
import { recordAudit, type AuditRecord } from "@/server/audit/service";
import { Prisma, readRows, type Db } from "@/server/db/client";
import type {
  ConnectionEventKind,
  ConnectionStatus,
  InstitutionVariant,
  LinkStyle,
} from "@/server/db/generated/client";
import { DomainError, notFound } from "@/server/errors";
import { isoTimestamp } from "@/server/feed/sql";
import type { AccountChoice } from "./schemas";

// What Manage Institutions shows, and the account choices made after a link.

export type ConnectionView = Awaited<ReturnType<typeof listConnections>>[number];

function toView(c: ConnectionRow) {
  const code = c.lastStatusCode;
  const problem =
    code !== null && code !== 0 && (c.status === "ACTION_REQUIRED" || c.status === "ERROR")
      ? describeStatus(code, { institutionName: c.institution.name, institutionUrl: c.institution.loginUrl })
      : null;
  const lastEvent = c.lastEvent;
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
      at: new Date(lastEvent.createdAt),
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

interface ConnectionRow {
  id: string;
  status: ConnectionStatus;
  lastStatusCode: number | null;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
  nextRetryAt: Date | null;
  createdAt: Date;
  mfaExpiresAt: Date | null;
  mfaSession: string | null;
  aggregationStartedAt: Date | null;
  institution: {
    id: string;
    name: string;
    variant: InstitutionVariant;
    loginUrl: string;
    sandboxSiteUrl: string | null;
    knownIssueSince: string | null;
    linkStyle: LinkStyle;
  };
  accounts: {
    id: string;
    name: string;
    kind: string;
    mask: string;
    balanceCents: string | null;
    currency: string;
    linked: boolean;
    register: { id: string; name: string } | null;
  }[];
  lastEvent: {
    id: string;
    kind: ConnectionEventKind;
    statusCode: number | null;
    transactionCount: number | null;
    createdAt: string;
  } | null;
}

/**
 * The organization's connections with their institution, accounts and last finished attempt, in
 * one statement (an aggregation under way, and a retrieval refused because of it, carry 325 and
 * are not a result yet).
 */
function findConnections(db: Db, organizationId: string, connectionId?: string) {
  const only = connectionId ? Prisma.sql`AND c.id = ${connectionId}` : Prisma.empty;
  return readRows<ConnectionRow>(
    db,
    Prisma.sql`
    SELECT c.id, c.status::text AS status, c."lastStatusCode", c."lastSuccessAt", c."lastAttemptAt", c."nextRetryAt",
      c."createdAt", c."mfaExpiresAt", c."mfaSession", c."aggregationStartedAt",
      json_build_object('id', i.id, 'name', i.name, 'variant', i.variant, 'loginUrl', i."loginUrl",
        'sandboxSiteUrl', i."sandboxSiteUrl", 'knownIssueSince', ${isoTimestamp(Prisma.sql`i."knownIssueSince"`)},
        'linkStyle', i."linkStyle") AS institution,
      coalesce((
        SELECT json_agg(json_build_object('id', a.id, 'name', a.name, 'kind', a.kind, 'mask', a.mask,
          'balanceCents', a."balanceCents"::text, 'currency', a.currency, 'linked', a.linked,
          'register', CASE WHEN r.id IS NOT NULL THEN json_build_object('id', r.id, 'name', r.name) END)
          ORDER BY a.name)
        FROM "BankAccount" a LEFT JOIN "Register" r ON r.id = a."registerId" WHERE a."connectionId" = c.id
      ), '[]'::json) AS accounts,
      (
        SELECT json_build_object('id', e.id, 'kind', e.kind, 'statusCode', e."statusCode",
          'transactionCount', e."transactionCount", 'createdAt', ${isoTimestamp(Prisma.sql`e."createdAt"`)})
        FROM "ConnectionEvent" e WHERE e."connectionId" = c.id AND e."statusCode" <> 325
        ORDER BY e."createdAt" DESC LIMIT 1
      ) AS "lastEvent"
    FROM "Connection" c JOIN "Institution" i ON i.id = c."institutionId"
    WHERE c."organizationId" = ${organizationId} AND c.status <> 'REMOVED' ${only}
    ORDER BY i.name ASC, c."createdAt" ASC`,
  );
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

/**
 * Records which discovered accounts post to which register. All or nothing: a register
 * of another organization, an account of another connection or a duplicate register name
 * fails the whole choice.
 */
export async function chooseAccounts(
  db: Db,
  args: { organizationId: string; connectionId: string; choices: AccountChoice[]; audit?: AuditRecord },
) {
  const { organizationId, connectionId, choices } = args;
  await db.$transaction(async (tx) => {
    const connection = await tx.connection.findFirst({
      where: { id: connectionId, organizationId, status: { not: "REMOVED" } },
      select: { id: true },
    });
    if (!connection) throw notFound("That connection");
    const accounts = await tx.bankAccount.findMany({
      where: { connectionId },
      select: { id: true, name: true, kind: true },
    });
    const byId = new Map(accounts.map((a) => [a.id, a]));
    for (const choice of choices) {
      const account = byId.get(choice.bankAccountId);
      if (!account) throw notFound("That account");
      let registerId: string | null = null;
      if (choice.link) {
        if (choice.registerId) {
          const register = await tx.register.findFirst({
            where: { id: choice.registerId, organizationId },
            select: { id: true },
          });
          if (!register) throw notFound("That register");
          registerId = register.id;
        } else {
          const name = choice.newRegisterName?.trim() || account.name;
          const clash = await tx.register.findFirst({ where: { organizationId, name }, select: { id: true } });
          if (clash)
            throw new DomainError(
              "CONFLICT",
              `A register named “${name}” already exists. Choose it, or pick another name.`,
            );
          registerId = (
            await tx.register.create({ data: { organizationId, name, kind: account.kind }, select: { id: true } })
          ).id;
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
