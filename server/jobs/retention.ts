import type { Db } from "@/server/db/client";

// Rows that would otherwise grow forever, forgotten after their use is over. Run by the
// minute's sweep, a bounded batch per table each time, along the tables' time indexes.

const DAY_MS = 24 * 60 * 60 * 1000;
export const RETENTION = {
  /** A webhook's id guards against a repeat; aggregators retry for a day or two at most. */
  webhookEventDays: 30,
  /** The sign-in throttle reads an hour, known addresses 30 days; the rest is for investigations. */
  signInAttemptDays: 90,
  /** Ended or expired sessions stay listed a while for the person's "where was I signed in". */
  sessionDays: 90,
  passwordResetDays: 30,
};
const BATCH = 5_000;

export async function purgeExpiredRows(db: Db, now = new Date()) {
  const before = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const [webhookEvents, signInAttempts, sessions, passwordResets] = [
    await db.$executeRaw`DELETE FROM "WebhookEvent" WHERE id IN (
      SELECT id FROM "WebhookEvent" WHERE "receivedAt" < ${before(RETENTION.webhookEventDays)} LIMIT ${BATCH})`,
    await db.$executeRaw`DELETE FROM "SignInAttempt" WHERE id IN (
      SELECT id FROM "SignInAttempt" WHERE "createdAt" < ${before(RETENTION.signInAttemptDays)} LIMIT ${BATCH})`,
    await db.$executeRaw`DELETE FROM "Session" WHERE id IN (
      SELECT id FROM "Session" WHERE "expiresAt" < ${before(RETENTION.sessionDays)} LIMIT ${BATCH})`,
    await db.$executeRaw`DELETE FROM "PasswordReset" WHERE id IN (
      SELECT id FROM "PasswordReset" WHERE "expiresAt" < ${before(RETENTION.passwordResetDays)} LIMIT ${BATCH})`,
  ];
  return { webhookEvents, signInAttempts, sessions, passwordResets };
}
