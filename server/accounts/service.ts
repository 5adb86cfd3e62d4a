import Bowser from "bowser";
import { recordAudit, type AuditActor } from "@/server/audit/service";
import { endAllSessions, endSession, listSessions } from "@/server/auth/sessions";
import type { Db } from "@/server/db/client";
import { notFound } from "@/server/errors";

/** "Chrome 131 on Linux" from a User-Agent header. */
export function describeBrowser(userAgent: string | null): string {
  if (!userAgent) return "Unknown browser";
  const parsed = Bowser.parse(userAgent);
  const browser = [parsed.browser.name, parsed.browser.version?.split(".")[0]].filter(Boolean).join(" ");
  const os = parsed.os.name;
  if (!browser) return userAgent.slice(0, 60);
  return os ? `${browser} on ${os}` : browser;
}

export async function mySessions(db: Db, userId: string, currentSessionId: string | null) {
  const rows = await listSessions(db, userId);
  return rows.map((s) => ({
    id: s.id,
    browser: describeBrowser(s.userAgent),
    ipAddress: s.ipAddress,
    signedInAt: s.createdAt,
    lastActiveAt: s.lastSeenAt,
    current: s.id === currentSessionId,
  }));
}

export async function endMySession(db: Db, args: { userId: string; sessionId: string; actor: AuditActor }) {
  await db.$transaction(async (tx) => {
    if (!(await endSession(tx, args.userId, args.sessionId, "ended from the account page")))
      throw notFound("That session");
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: null,
      action: "session.ended",
      objectType: "Session",
      objectId: args.sessionId,
    });
  });
  return { ended: 1 };
}

export async function endMyOtherSessions(
  db: Db,
  args: { userId: string; currentSessionId: string | null; actor: AuditActor },
) {
  return db.$transaction(async (tx) => {
    const ended = await endAllSessions(tx, args.userId, "ended from the account page", args.currentSessionId);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: null,
      action: "sessions.ended",
      objectType: "User",
      objectId: args.userId,
      details: { ended },
    });
    return { ended };
  });
}

export async function emailPreferences(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      emailConnectionProblems: true,
      emailWeeklySummary: true,
      memberships: { where: { role: "OWNER" }, select: { id: true } },
    },
  });
  return {
    "connection-problems": user.emailConnectionProblems,
    "weekly-summary": user.emailWeeklySummary,
    ownsAnOrganization: user.memberships.length > 0,
  };
}
