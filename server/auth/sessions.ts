import { Prisma, readRowsSettingScope, type Db } from "@/server/db/client";
import { scopeFromSettings } from "@/server/db/tenancy";
import type { OrgRole, StaffRole } from "@/server/trpc/permissions";
import { hashToken, newToken } from "./tokens";

// Sessions live in PostgreSQL. The next-auth cookie (an encrypted JWT) carries a random session
// token; every request finds the row by the token's hash, so signing out, ending a session from
// the account page, a password reset or a removed account take effect on the next request.

type DbOrTx = Db | Prisma.TransactionClient;

const minutes = (name: string, fallback: number) => {
  const n = Number(process.env[name] ?? fallback);
  return (Number.isFinite(n) && n > 0 ? n : fallback) * 60_000;
};

/** Unused this long, a session ends: 30 minutes for staff, 8 hours for customers by default. */
export function idleLimitMs(staffRole: StaffRole | null): number {
  return staffRole ? minutes("SESSION_IDLE_MINUTES_STAFF", 30) : minutes("SESSION_IDLE_MINUTES", 8 * 60);
}
/** However busy, a session ends this long after its sign-in (SESSION_MAX_HOURS, default 12). */
export function absoluteLimitMs(): number {
  return minutes("SESSION_MAX_HOURS", 12) * 60;
}
/** A password accepted but its second factor not yet given: this long to give it. */
export const CODE_STEP_MS = 10 * 60_000;
/** lastSeenAt is written at most this often. */
const TOUCH_EVERY_MS = 60_000;

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  staffRole: StaffRole | null;
  /** The database session of this request (null for callers built in tests and jobs). */
  sessionId: string | null;
  /** This session proved a second factor (a code at sign-in, or the enrollment's code). */
  secondFactor: boolean;
}

/** An organization the person belongs to, read with the session. */
export interface SessionMembership {
  role: OrgRole;
  organization: { id: string; slug: string; name: string; requireTwoFactor: boolean };
}

export type SessionState =
  | { kind: "none" }
  | { kind: "code-required"; sessionId: string; user: SessionUser }
  | { kind: "active"; sessionId: string; user: SessionUser; memberships: SessionMembership[] };

interface SessionRow {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  endedAt: Date | null;
  secondFactorAt: Date | null;
  ipAddress: string | null;
  userId: string;
  email: string;
  name: string;
  staffRole: StaffRole | null;
  totpEnabledAt: Date | null;
  memberships: SessionMembership[];
}

export async function startSession(
  db: DbOrTx,
  args: { userId: string; ipAddress: string | null; userAgent: string | null; now?: Date },
): Promise<{ token: string; sessionId: string }> {
  const now = args.now ?? new Date();
  const token = newToken();
  const session = await db.session.create({
    data: {
      userId: args.userId,
      tokenHash: hashToken(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + absoluteLimitMs()),
      ipAddress: args.ipAddress,
      userAgent: args.userAgent?.slice(0, 400) ?? null,
    },
    select: { id: true },
  });
  return { token, sessionId: session.id };
}

/**
 * The session a cookie's token names, if it is still good, with its person and every
 * organization they belong to: one statement, so a request knows who asks and what they may
 * open after one round trip (the organization procedures and pages read the membership from
 * here). No tenant scope is set yet, so the memberships come through `session_memberships`,
 * which reads them for this token's person only (its migration says why). Ends the session
 * when a limit has passed.
 */
export async function checkSession(
  db: Db,
  token: string,
  options: { now?: Date; ipAddress?: string } = {},
): Promise<SessionState> {
  const now = options.now ?? new Date();
  const read = Prisma.sql`
    SELECT s.id, s."createdAt", s."lastSeenAt", s."expiresAt", s."endedAt", s."secondFactorAt", s."ipAddress",
      u.id AS "userId", u.email, u.name, u."staffRole"::text AS "staffRole", u."totpEnabledAt",
      session_memberships(s."tokenHash") AS memberships
    FROM "Session" s JOIN "User" u ON u.id = s."userId"
    WHERE s."tokenHash" = ${hashToken(token)}`;
  const [session] = await readRowsSettingScope<SessionRow & ScopeSettings>(
    db,
    { plain: read, settingScope: settingOnlyOrganization(read) },
    ([row]) =>
      row
        ? scopeFromSettings({
            organizationId: row.scopeOrganizationId,
            userId: row.scopeUserId,
            bypass: row.scopeBypass,
          })
        : null,
  );
  if (!session || session.endedAt) return { kind: "none" };
  if (session.expiresAt <= now) return end(db, session.id, "expired");
  if (now.getTime() - session.lastSeenAt.getTime() > idleLimitMs(session.staffRole)) return end(db, session.id, "idle");

  const sessionUser: SessionUser = {
    id: session.userId,
    email: session.email,
    name: session.name,
    staffRole: session.staffRole,
    sessionId: session.id,
    secondFactor: session.secondFactorAt !== null,
  };
  if (session.totpEnabledAt && !session.secondFactorAt) {
    if (now.getTime() - session.createdAt.getTime() > CODE_STEP_MS) return end(db, session.id, "code not given");
    return { kind: "code-required", sessionId: session.id, user: sessionUser };
  }
  if (
    now.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS ||
    (options.ipAddress && options.ipAddress !== session.ipAddress)
  ) {
    await db.session.update({
      where: { id: session.id },
      data: { lastSeenAt: now, ...(options.ipAddress ? { ipAddress: options.ipAddress } : {}) },
    });
  }
  return { kind: "active", sessionId: session.id, user: sessionUser, memberships: session.memberships };
}

/** What the session read set its connection's scope to (all null when it set nothing). */
interface ScopeSettings {
  scopeOrganizationId: string | null;
  scopeUserId: string | null;
  scopeBypass: string | null;
}

/**
 * The session read, setting its connection to the person's organization when they belong to exactly
 * one (most people), as that organization's procedures would: the request's own statements then find
 * the connection set instead of switching it, one round trip less (docs/security.md). Setting a scope
 * shows nothing by itself; what a request reads is still decided by the procedure's checks and the
 * scope it asks for, which the pool sets whenever the connection's differs. The subqueries are kept
 * apart (OFFSET 0) so that session_memberships runs once.
 */
const settingOnlyOrganization = (read: Prisma.Sql) => Prisma.sql`
  SELECT r.*,
    CASE WHEN r.single IS NOT NULL THEN set_config('app.organization_id', r.single, false) END AS "scopeOrganizationId",
    CASE WHEN r.single IS NOT NULL THEN set_config('app.user_id', r."userId", false) END AS "scopeUserId",
    CASE WHEN r.single IS NOT NULL THEN set_config('app.tenant_bypass', 'off', false) END AS "scopeBypass"
  FROM (
    SELECT session.*, CASE WHEN json_array_length(session.memberships) = 1
      THEN session.memberships -> 0 -> 'organization' ->> 'id' END AS single
    FROM (${read} OFFSET 0) session
    OFFSET 0
  ) r`;

async function end(db: DbOrTx, sessionId: string, reason: string): Promise<SessionState> {
  await db.session.updateMany({
    where: { id: sessionId, endedAt: null },
    data: { endedAt: new Date(), endedReason: reason },
  });
  return { kind: "none" };
}

export async function endSessionByToken(db: DbOrTx, token: string, reason: string) {
  await db.session.updateMany({
    where: { tokenHash: hashToken(token), endedAt: null },
    data: { endedAt: new Date(), endedReason: reason },
  });
}

/** Ends one of the person's sessions; false when it was not theirs or already over. */
export async function endSession(db: DbOrTx, userId: string, sessionId: string, reason: string): Promise<boolean> {
  const { count } = await db.session.updateMany({
    where: { id: sessionId, userId, endedAt: null },
    data: { endedAt: new Date(), endedReason: reason },
  });
  return count > 0;
}

/** Ends every session of the person, but `except` (the one asking, when it stays signed in). */
export async function endAllSessions(
  db: DbOrTx,
  userId: string,
  reason: string,
  except?: string | null,
): Promise<number> {
  const { count } = await db.session.updateMany({
    where: { userId, endedAt: null, ...(except ? { id: { not: except } } : {}) },
    data: { endedAt: new Date(), endedReason: reason },
  });
  return count;
}

export async function markSecondFactor(db: DbOrTx, sessionId: string, now = new Date()) {
  await db.session.update({ where: { id: sessionId }, data: { secondFactorAt: now, lastSeenAt: now } });
}

/** The person's sessions still open, newest activity first. */
export async function listSessions(db: Db, userId: string, now = new Date()) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { staffRole: true } });
  const rows = await db.session.findMany({
    where: {
      userId,
      endedAt: null,
      expiresAt: { gt: now },
      lastSeenAt: { gt: new Date(now.getTime() - idleLimitMs(user.staffRole)) },
    },
    select: { id: true, createdAt: true, lastSeenAt: true, ipAddress: true, userAgent: true },
    orderBy: { lastSeenAt: "desc" },
  });
  return rows;
}
