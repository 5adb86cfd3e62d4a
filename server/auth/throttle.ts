import type { Db } from "@/server/db/client";

// Sign-in throttling: failures are counted per email and per client address over a
// sliding window. A success for an email clears that email's count.

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date };

export async function checkSignInThrottle(
  db: Db,
  email: string,
  ipAddress: string,
  now = new Date(),
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lastSuccess = await db.signInAttempt.findFirst({
    where: { email, succeeded: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const emailFailures = await db.signInAttempt.findMany({
    where: { email, succeeded: false, createdAt: { gte: lastSuccess?.createdAt ?? since } },
    orderBy: { createdAt: "desc" },
    take: MAX_FAILURES_PER_EMAIL,
    select: { createdAt: true },
  });
  const addressFailures = await db.signInAttempt.findMany({
    where: { ipAddress, succeeded: false, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    take: MAX_FAILURES_PER_ADDRESS,
    select: { createdAt: true },
  });

  const retryTimes: Date[] = [];
  if (emailFailures.length >= MAX_FAILURES_PER_EMAIL) retryTimes.push(unlockTime(emailFailures));
  if (addressFailures.length >= MAX_FAILURES_PER_ADDRESS) retryTimes.push(unlockTime(addressFailures));
  if (retryTimes.length === 0) return { allowed: true };
  return { allowed: false, retryAt: new Date(Math.max(...retryTimes.map((d) => d.getTime()))) };
}

/** Newest-first failures that fill the limit: the oldest of them leaving the window unlocks. */
function unlockTime(failures: { createdAt: Date }[]): Date {
  const oldest = failures[failures.length - 1]!;
  return new Date(oldest.createdAt.getTime() + THROTTLE_WINDOW_MS);
}

export async function recordSignInAttempt(db: Db, email: string, ipAddress: string, succeeded: boolean) {
  await db.signInAttempt.create({ data: { email, ipAddress, succeeded } });
}
