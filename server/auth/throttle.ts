import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { queueMail } from "@/server/mail/outbox";
import { recordSignInFailure } from "@/server/metrics/registry";

// Sign-in throttling. Failures slow the next try down instead of locking anyone out: the
// first few are free, then each wait doubles up to a few minutes, so a guesser gets a handful
// of tries an hour while the real person waits minutes at worst. Counted:
// - per email, since its last success within the window. Failures from an address that
//   signed in as that person lately are counted apart, so a stranger's guesses do not slow
//   down the person's own browser;
// - per client address, across emails (password spraying). Only for a real address: with
//   no trusted proxy (TRUST_PROXY_HOPS=0) every request reads "unknown", and one bucket for
//   everybody would let one guesser slow down all.
// The person is emailed when their account is being guessed at, once an hour at most.

export const THROTTLE_WINDOW_MS = 60 * 60 * 1000;
export const FREE_FAILURES_PER_EMAIL = 3;
export const FREE_FAILURES_PER_ADDRESS = 20;
export const FIRST_DELAY_MS = 5_000;
export const MAX_DELAY_MS = 5 * 60 * 1000;
/** An address that signed in as the person this recently is theirs for the count. */
export const KNOWN_ADDRESS_MS = 30 * 24 * 60 * 60 * 1000;
/** Failures from strangers' addresses past which the person hears of it. */
export const GUESSING_ALERT_FAILURES = 5;

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAt: Date };

type DbClient = Db | Prisma.TransactionClient;

/** What was guessed: a password, or a two-factor code (each counted on its own per email). */
export const FACTORS = ["password", "code"] as const;
export type Factor = (typeof FACTORS)[number];

/** How long after the newest of `failures` failures the next try waits. */
export function delayAfter(failures: number, free: number): number {
  if (failures < free) return 0;
  return Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - free));
}

interface Counted {
  count: number;
  newest: Date | null;
}

async function emailFailures(
  db: DbClient,
  email: string,
  ipAddress: string,
  factor: Factor,
  now: Date,
): Promise<Counted & { fromStrangers: boolean }> {
  const since = new Date(now.getTime() - THROTTLE_WINDOW_MS);
  const known =
    ipAddress !== "unknown" &&
    !!(await db.signInAttempt.findFirst({
      where: { email, ipAddress, succeeded: true, createdAt: { gte: new Date(now.getTime() - KNOWN_ADDRESS_MS) } },
      select: { id: true },
    }));
  const lastSuccess = await db.signInAttempt.findFirst({
    where: { email, factor, succeeded: true, createdAt: { gte: since }, ...(known ? { ipAddress } : {}) },
    orderBy: { createdAt: "desc" },
    select: { createdAt: true },
  });
  const where = {
    email,
    factor,
    succeeded: false,
    createdAt: { gte: lastSuccess?.createdAt ?? since },
    ...(known ? { ipAddress } : {}),
  };
  const [count, newest] = await Promise.all([
    db.signInAttempt.count({ where }),
    db.signInAttempt.findFirst({ where, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
  ]);
  return { count, newest: newest?.createdAt ?? null, fromStrangers: !known };
}

async function addressFailures(db: DbClient, ipAddress: string, now: Date): Promise<Counted> {
  if (ipAddress === "unknown") return { count: 0, newest: null };
  const where = { ipAddress, succeeded: false, createdAt: { gte: new Date(now.getTime() - THROTTLE_WINDOW_MS) } };
  const [count, newest] = await Promise.all([
    db.signInAttempt.count({ where }),
    db.signInAttempt.findFirst({ where, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
  ]);
  return { count, newest: newest?.createdAt ?? null };
}

const readyAt = (c: Counted, free: number) => (c.newest ? c.newest.getTime() + delayAfter(c.count, free) : 0);

export async function checkSignInThrottle(
  db: DbClient,
  email: string,
  ipAddress: string,
  now = new Date(),
  factor: Factor = "password",
): Promise<ThrottleVerdict> {
  const [byEmail, byAddress] = await Promise.all([
    emailFailures(db, email, ipAddress, factor, now),
    addressFailures(db, ipAddress, now),
  ]);
  const at = Math.max(readyAt(byEmail, FREE_FAILURES_PER_EMAIL), readyAt(byAddress, FREE_FAILURES_PER_ADDRESS));
  return at > now.getTime() ? { allowed: false, retryAt: new Date(at) } : { allowed: true };
}

export async function recordSignInAttempt(
  db: DbClient,
  email: string,
  ipAddress: string,
  succeeded: boolean,
  factor: Factor = "password",
) {
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
  const verdict = await db.$transaction(
    async (tx): Promise<SignInVerdict> => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in email ${email}`}))`;
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`sign-in address ${ipAddress}`}))`;
      const throttle = await checkSignInThrottle(tx, email, ipAddress, new Date(), factor);
      if (!throttle.allowed) return { kind: "locked", retryAt: throttle.retryAt };
      const ok = await checkPassword();
      await recordSignInAttempt(tx, email, ipAddress, ok, factor);
      if (!ok) await alertWhenGuessed(tx, email, ipAddress, factor);
      return ok ? { kind: "signed-in" } : { kind: "failed" };
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
  if (verdict.kind !== "signed-in") recordSignInFailure(factor, verdict.kind === "locked" ? "throttled" : "wrong");
  return verdict;
}

/** Emails the person (when the email is theirs) once their account draws strangers' guesses; once an hour. */
async function alertWhenGuessed(tx: Prisma.TransactionClient, email: string, ipAddress: string, factor: Factor) {
  const now = new Date();
  const failures = await emailFailures(tx, email, ipAddress, factor, now);
  if (!failures.fromStrangers || failures.count < GUESSING_ALERT_FAILURES) return;
  const user = await tx.user.findUnique({ where: { email }, select: { id: true, name: true } });
  if (!user) return;
  const hour = now.toISOString().slice(0, 13);
  await queueMail(tx, [
    {
      dedupeKey: `sign-in-guessed:${user.id}:${hour}`,
      kind: "sign-in-guessed",
      toEmail: email,
      userId: user.id,
      subject: "Someone is trying to sign in to your Bankline account",
      data: { name: user.name, failures: failures.count, factor, at: now.toISOString() },
    },
  ]);
}
