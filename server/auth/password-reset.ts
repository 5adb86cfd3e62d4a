import { recordAudit, type AuditActor } from "@/server/audit/service";
import type { Db } from "@/server/db/client";
import { DomainError } from "@/server/errors";
import { queueMail } from "@/server/mail/outbox";
import { hashPassword, verifyPassword } from "./password";
import { passwordProblem } from "./password-policy";
import { endAllSessions } from "./sessions";
import { hashToken } from "./tokens";

// Forgotten and changed passwords. A reset is asked for by email on the sign-in page; the
// answer is the same whether the email has an account or not, and at most a few emails go
// to one address an hour. Its link works once, for 30 minutes, and ends every session.

export const RESET_VALID_MS = 30 * 60_000;
const RESETS_PER_HOUR = 3;

export async function requestPasswordReset(db: Db, args: { email: string; ipAddress: string; now?: Date }) {
  const now = args.now ?? new Date();
  const user = await db.user.findUnique({
    where: { email: args.email },
    select: { id: true, name: true, email: true },
  });
  if (!user) return;
  await db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`password-reset ${user.id}`}))`;
    const recent = await tx.passwordReset.count({
      where: { userId: user.id, createdAt: { gt: new Date(now.getTime() - 60 * 60_000) } },
    });
    if (recent >= RESETS_PER_HOUR) return;
    const reset = await tx.passwordReset.create({
      data: {
        userId: user.id,
        ipAddress: args.ipAddress,
        createdAt: now,
        expiresAt: new Date(now.getTime() + RESET_VALID_MS),
      },
      select: { id: true },
    });
    await queueMail(tx, [
      {
        dedupeKey: `password-reset:${reset.id}`,
        kind: "password-reset",
        toEmail: user.email,
        userId: user.id,
        subject: "Reset your Bankline password",
        data: { resetId: reset.id, name: user.name },
      },
    ]);
  });
}

/** The open reset a link's token names, or null (unknown, used, or expired). */
export async function findOpenReset(db: Db, token: string, now = new Date()) {
  const reset = await db.passwordReset.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { id: true, usedAt: true, expiresAt: true, user: { select: { id: true, email: true, name: true } } },
  });
  if (!reset || reset.usedAt || reset.expiresAt <= now) return null;
  return reset;
}

const LINK_USED = "This link was already used or has expired. Ask for a new one on the sign-in page.";

export async function resetPassword(db: Db, args: { token: string; password: string; ipAddress: string; now?: Date }) {
  const now = args.now ?? new Date();
  const reset = await findOpenReset(db, args.token, now);
  if (!reset) throw new DomainError("BAD_REQUEST", LINK_USED);
  const problem = passwordProblem(args.password, reset.user);
  if (problem) throw new DomainError("BAD_REQUEST", problem);
  const passwordHash = await hashPassword(args.password);
  await db.$transaction(async (tx) => {
    // Conditional: two tabs submitting one link change the password once.
    const { count } = await tx.passwordReset.updateMany({
      where: { id: reset.id, usedAt: null },
      data: { usedAt: now },
    });
    if (count === 0) throw new DomainError("BAD_REQUEST", LINK_USED);
    await tx.passwordReset.updateMany({ where: { userId: reset.user.id, usedAt: null }, data: { usedAt: now } });
    await tx.user.update({ where: { id: reset.user.id }, data: { passwordHash } });
    const ended = await endAllSessions(tx, reset.user.id, "password reset");
    await recordAudit(tx, {
      actor: { userId: reset.user.id, email: reset.user.email, ipAddress: args.ipAddress },
      organizationId: null,
      action: "password.reset",
      objectType: "User",
      objectId: reset.user.id,
      details: { sessionsEnded: ended },
    });
  });
  return { email: reset.user.email };
}

/** From the account page: the current password, then a new one; the person's other sessions end. */
export async function changePassword(
  db: Db,
  args: { userId: string; sessionId: string | null; currentPassword: string; newPassword: string; actor: AuditActor },
) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: args.userId },
    select: { email: true, name: true, passwordHash: true },
  });
  if (!(await verifyPassword(user.passwordHash, args.currentPassword)))
    throw new DomainError("BAD_REQUEST", "Your current password is not right.");
  const problem = passwordProblem(args.newPassword, user);
  if (problem) throw new DomainError("BAD_REQUEST", problem);
  const passwordHash = await hashPassword(args.newPassword);
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: args.userId }, data: { passwordHash } });
    const ended = await endAllSessions(tx, args.userId, "password changed", args.sessionId);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: null,
      action: "password.changed",
      objectType: "User",
      objectId: args.userId,
      details: { sessionsEnded: ended },
    });
  });
}
