import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

// Limits on what reaches a bank on a customer's behalf, per person, per organization and per
// client address, so Bankline cannot be used to test stolen bank credentials or security
// answers, nor to hammer a bank with retrievals. Counted in PostgreSQL in fixed windows (one
// upsert per attempt), so the limits hold across web instances. A refused attempt counts
// too: whoever keeps trying stays refused until the window ends.

export type AttemptKind = "credentials" | "retrieval";
export type AttemptScope = "person" | "organization" | "address";

export interface AttemptLimit {
  windowMs: number;
  person: number;
  organization: number;
  address: number;
}

export const ATTEMPT_LIMITS: Record<AttemptKind, AttemptLimit> = {
  /** A username and password or a security answer tried at a bank, or the provider's page opened for one. */
  credentials: { windowMs: 60 * 60_000, person: 30, organization: 60, address: 60 },
  /** An aggregation asked for: Retrieve Transactions, click here. */
  retrieval: { windowMs: 60 * 60_000, person: 120, organization: 240, address: 240 },
};

export interface Attempter {
  userId: string;
  organizationId: string;
  /** "unknown" when no trusted address is known: then only the person and the organization are counted. */
  ipAddress: string;
}

export type AttemptVerdict = { allowed: true } | { allowed: false; scope: AttemptScope; retryAt: Date };

type DbOrTx = Db | Prisma.TransactionClient;

export async function takeAttempt(
  db: DbOrTx,
  kind: AttemptKind,
  who: Attempter,
  now = new Date(),
  limits: Record<AttemptKind, AttemptLimit> = ATTEMPT_LIMITS,
): Promise<AttemptVerdict> {
  const limit = limits[kind];
  const windowStart = new Date(Math.floor(now.getTime() / limit.windowMs) * limit.windowMs);
  const keys: [AttemptScope, string][] = [
    ["person", `${kind}:user:${who.userId}`],
    ["organization", `${kind}:org:${who.organizationId}`],
  ];
  if (who.ipAddress && who.ipAddress !== "unknown") keys.push(["address", `${kind}:ip:${who.ipAddress}`]);
  const counts = await db.$queryRaw<{ key: string; count: number }[]>`
    INSERT INTO "AttemptCounter" ("key", "windowStart", "count")
    SELECT k, ${windowStart.toISOString()}::timestamp, 1 FROM unnest(${keys.map(([, key]) => key)}::text[]) AS k
    ON CONFLICT ("key", "windowStart") DO UPDATE SET "count" = "AttemptCounter"."count" + 1
    RETURNING "key", "count"`;
  const countOf = new Map(counts.map((c) => [c.key, c.count]));
  const over = keys.find(([scope, key]) => (countOf.get(key) ?? 0) > limit[scope]);
  if (!over) return { allowed: true };
  return { allowed: false, scope: over[0], retryAt: new Date(windowStart.getTime() + limit.windowMs) };
}

/** Counters of windows long over. */
export async function purgeAttemptCounters(db: Db, now = new Date()) {
  const longest = Math.max(...Object.values(ATTEMPT_LIMITS).map((l) => l.windowMs));
  const { count } = await db.attemptCounter.deleteMany({
    where: { windowStart: { lt: new Date(now.getTime() - 2 * longest) } },
  });
  return count;
}
