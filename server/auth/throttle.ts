import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

// Sign-in throttling: failures are counted per email and per client address over a
// sliding window. A success for an email clears that email's count.

export const THROTTLE_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_EMAIL = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date };

type DbClient = Db | Prisma.TransactionClient;

/** What was guessed: a password, or a two-factor code (each counted on its own per email). */
export type Factor = "password" | "code";

export async function checkSignInThrottle(
  db: DbClient,
  email: string,
  ipAddress: string,
  now = new Date(),
  factor: Factor = "password",
): Promise<ThrottleVerdict> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const lastSuccess = await db.signInAttempt.findFirst({
    where: { email, factor, succeeded: true, createdAt: { gte: since } },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const emailFailures = await db.signInAttempt.findMany({
    where: { email, factor, succeeded: false, createdAt: { gte: lastSuccess?.createdAt ?? since } },
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

export async function recordSignInAttempt(db: DbClient, email: string, ipAddress: string, succeeded: boolean, factor: Factor = "password") {
  await db.signInAttempt.create({ data: { email, ipAddress, succeeded, factor } });
}

export type SignInVerdict = { kind: "signed-in" } | { kind: "failed" } | { kind: "locked"; retryAt: Date };

/**
 * One sign-in attempt, start to end: the throttle's check, the password check and the
 * record of the attempt. Attempts for one email, and from one address, take their turn
 * (transaction-scoped advisory locks, email first), so guesses sent in parallel cannot all
 * pass the check before any failure is recorded.
 */
export async function attemptSignIn(
  db: Db,
  email: string,
  ipAddress: string,
  checkPassword: () => Promise<boolean>,
  factor: Factor = "password",
): Promise<SignInVerdict> {
  return db.$transaction(
    async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in email ${email}`}))`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in address ${ipAddress}`}))`;
      const throttle = await checkSignInThrottle(tx, email, ipAddress, new Date(), factor);
      if (!throttle.allowed) return { kind: "locked", retryAt: throttle.retryAt };
      const ok = await checkPassword();
      await recordSignInAttempt(tx, email, ipAddress, ok, factor);
      return ok ? { kind: "signed-in" } : { kind: "failed" };
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
}
