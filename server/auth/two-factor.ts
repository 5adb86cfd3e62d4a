import { randomInt } from "node:crypto";
import { generateSecret, generateURI, verifySync } from "otplib";
import QRCode from "qrcode";
import { recordAudit, type AuditActor } from "@/server/audit/service";
import type { Db } from "@/server/db/client";
import { DomainError } from "@/server/errors";
import { endAllSessions, markSecondFactor } from "./sessions";
import { attemptSignIn } from "./throttle";
import { decryptSecret, encryptSecret, hashToken } from "./tokens";

// Two-factor sign-in with TOTP (RFC 6238, otplib): 6 digits every 30 s, the step before and
// after accepted for clock drift, and each step's code good once. Ten single-use recovery
// codes stand in for a lost authenticator. Codes are throttled like passwords.

export const RECOVERY_CODE_COUNT = 10;
const ISSUER = "Bankline";
const DRIFT_SECONDS = 30;

/** The step a code was accepted at, or null. `afterStep`: the last step already used. */
export function checkTotp(
  secret: string,
  code: string,
  afterStep: number | null,
  epochSeconds = Date.now() / 1000,
): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const result = verifySync({
    secret,
    token: code,
    epoch: epochSeconds,
    epochTolerance: DRIFT_SECONDS,
    ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
  });
  return result.valid && "timeStep" in result ? result.timeStep : null;
}

const RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789";
function newRecoveryCode(): string {
  const chars = Array.from({ length: 10 }, () => RECOVERY_ALPHABET[randomInt(RECOVERY_ALPHABET.length)]);
  return `${chars.slice(0, 5).join("")}-${chars.slice(5).join("")}`;
}
const normalizeRecovery = (code: string) => code.trim().toLowerCase().replace(/[\s-]/g, "");
const hashRecovery = (code: string) => hashToken(`recovery:${normalizeRecovery(code)}`);

/** A new secret for the person to add to an authenticator; kept sealed until a code confirms it. */
export async function startEnrollment(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, totpEnabledAt: true } });
  if (user.totpEnabledAt) throw new DomainError("CONFLICT", "Two-factor sign-in is already on.");
  const secret = generateSecret();
  await db.user.update({ where: { id: userId }, data: { totpPendingSecret: encryptSecret(secret) } });
  const uri = generateURI({ issuer: ISSUER, label: user.email, secret });
  return { secret, uri, qrCode: await QRCode.toDataURL(uri, { margin: 1, width: 220 }) };
}

/**
 * Confirms enrollment with one code from the authenticator: two-factor is on, this session
 * counts as having proven it, and the ten recovery codes are shown once.
 */
export async function confirmEnrollment(
  db: Db,
  args: { userId: string; sessionId: string | null; code: string; actor: AuditActor },
) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: args.userId },
    select: { email: true, totpPendingSecret: true, totpEnabledAt: true },
  });
  if (user.totpEnabledAt) throw new DomainError("CONFLICT", "Two-factor sign-in is already on.");
  if (!user.totpPendingSecret)
    throw new DomainError("BAD_REQUEST", "Start the set-up again: no key is waiting for a code.");
  const secret = decryptSecret(user.totpPendingSecret);
  let step: number | null = null;
  const verdict = await attemptSignIn(
    db,
    user.email,
    args.actor.ipAddress ?? "unknown",
    async () => (step = checkTotp(secret, args.code.trim(), null)) !== null,
    "code",
  );
  if (verdict.kind === "locked") throw lockedOut(verdict.retryAt);
  if (verdict.kind === "failed" || step === null)
    throw new DomainError("BAD_REQUEST", "That code is not right. Enter the 6 digits your authenticator shows now.");
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: args.userId },
      data: {
        totpSecret: encryptSecret(secret),
        totpPendingSecret: null,
        totpEnabledAt: new Date(),
        totpLastStep: step,
      },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: args.userId } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId: args.userId, codeHash: hashRecovery(c) })) });
    if (args.sessionId) await markSecondFactor(tx, args.sessionId);
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: null,
      action: "twoFactor.enrolled",
      objectType: "User",
      objectId: args.userId,
      details: { email: user.email },
    });
  });
  return { recoveryCodes: codes };
}

export function lockedOut(retryAt: Date) {
  return new DomainError(
    "TOO_MANY_REQUESTS",
    `Too many wrong codes. For your security, try again after ${retryAt.toISOString().slice(11, 19)} UTC; ` +
      "each wrong code makes the wait longer.",
    { retryAt: retryAt.toISOString() },
  );
}

/**
 * The second step of a sign-in: a code from the authenticator or a recovery code (used up).
 * Throttled per email and per address like passwords.
 */
export async function verifySignInCode(
  db: Db,
  args: { sessionId: string; userId: string; code: string; ipAddress: string },
) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: args.userId },
    select: { email: true, totpSecret: true, totpLastStep: true },
  });
  if (!user.totpSecret) throw new DomainError("BAD_REQUEST", "Two-factor sign-in is not on for this account.");
  const secret = decryptSecret(user.totpSecret);
  const code = args.code.trim();
  let accepted: { step: number } | { recoveryCodeId: string } | null = null;
  const verdict = await attemptSignIn(
    db,
    user.email,
    args.ipAddress,
    async () => {
      const step = checkTotp(secret, code, user.totpLastStep);
      if (step !== null) accepted = { step };
      else if (normalizeRecovery(code).length === 10) {
        const recovery = await db.recoveryCode.findFirst({
          where: { userId: args.userId, usedAt: null, codeHash: hashRecovery(code) },
          select: { id: true },
        });
        if (recovery) accepted = { recoveryCodeId: recovery.id };
      }
      return accepted !== null;
    },
    "code",
  );
  if (verdict.kind === "locked") throw lockedOut(verdict.retryAt);
  const result = accepted as { step: number } | { recoveryCodeId: string } | null;
  if (verdict.kind === "failed" || !result)
    throw new DomainError(
      "BAD_REQUEST",
      "That code is not right. Enter the 6 digits your authenticator shows now, or a recovery code.",
    );
  await db.$transaction(async (tx) => {
    if ("step" in result) {
      // Conditional: the same code sent twice at once is accepted once.
      const { count } = await tx.user.updateMany({
        where: { id: args.userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: result.step } }] },
        data: { totpLastStep: result.step },
      });
      if (count === 0) throw new DomainError("BAD_REQUEST", "That code was already used. Wait for the next one.");
    } else {
      const { count } = await tx.recoveryCode.updateMany({
        where: { id: result.recoveryCodeId, usedAt: null },
        data: { usedAt: new Date() },
      });
      if (count === 0) throw new DomainError("BAD_REQUEST", "That recovery code was already used.");
      await recordAudit(tx, {
        actor: { userId: args.userId, email: user.email, ipAddress: args.ipAddress },
        organizationId: null,
        action: "twoFactor.recoveryCodeUsed",
        objectType: "User",
        objectId: args.userId,
      });
    }
    await markSecondFactor(tx, args.sessionId);
  });
  return { usedRecoveryCode: "recoveryCodeId" in result };
}

/**
 * Turns two-factor off: by the person (when nothing requires it), or by a support admin for
 * someone who lost their authenticator. Either way every session of the person ends.
 */
export async function resetTwoFactor(
  db: Db,
  args: { userId: string; actor: AuditActor; reason?: string | null; byStaff: boolean },
) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: args.userId },
    select: {
      email: true,
      staffRole: true,
      totpEnabledAt: true,
      memberships: { select: { organization: { select: { requireTwoFactor: true } } } },
    },
  });
  if (!args.byStaff) {
    if (user.staffRole) throw new DomainError("FORBIDDEN", "Staff accounts must keep two-factor sign-in on.");
    if (user.memberships.some((m) => m.organization.requireTwoFactor)) {
      throw new DomainError("FORBIDDEN", "An organization you belong to requires two-factor sign-in.");
    }
  }
  await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: args.userId },
      data: { totpSecret: null, totpPendingSecret: null, totpEnabledAt: null, totpLastStep: null },
    });
    await tx.recoveryCode.deleteMany({ where: { userId: args.userId } });
    await endAllSessions(tx, args.userId, "two-factor reset");
    await recordAudit(tx, {
      actor: args.actor,
      organizationId: null,
      action: "twoFactor.reset",
      objectType: "User",
      objectId: args.userId,
      reason: args.reason ?? null,
      details: { email: user.email, byStaff: args.byStaff },
    });
  });
}

export async function twoFactorStatus(db: Db, userId: string) {
  const user = await db.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      staffRole: true,
      totpEnabledAt: true,
      memberships: { select: { organization: { select: { name: true, requireTwoFactor: true } } } },
    },
  });
  const recoveryCodesLeft = await db.recoveryCode.count({ where: { userId, usedAt: null } });
  const requiredBy = [
    ...(user.staffRole ? ["Bankline support staff"] : []),
    ...user.memberships.filter((m) => m.organization.requireTwoFactor).map((m) => m.organization.name),
  ];
  return { enabled: user.totpEnabledAt !== null, enabledAt: user.totpEnabledAt, recoveryCodesLeft, requiredBy };
}
