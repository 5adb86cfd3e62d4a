import { createHash, randomBytes } from "node:crypto";
import { inject } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import type { AggregatorClient } from "@/server/aggregator/client";
import type { SessionUser } from "@/server/auth/session";
import type { Db } from "@/server/db/client";
import { createInnerContext } from "@/server/trpc/context";
import type { OrgRole, StaffRole } from "@/server/trpc/permissions";
import { createCaller } from "@/server/trpc/router";

// Not a real hash: fixtures never sign in through the password path.
const UNUSABLE_HASH = "$argon2id$fixture";

export const uniqueSuffix = () => randomBytes(4).toString("hex");

export async function createUser(db: Db, opts: { email?: string; staffRole?: StaffRole } = {}): Promise<SessionUser> {
  const email = opts.email ?? `user-${uniqueSuffix()}@test.example`;
  const user = await db.user.create({
    data: { email, name: email.split("@")[0]!, passwordHash: UNUSABLE_HASH, staffRole: opts.staffRole ?? null },
    select: { id: true, email: true, name: true, staffRole: true },
  });
  // Staff reach the console only after a second factor: fixtures stand for a finished sign-in.
  return { ...user, sessionId: null, secondFactor: !!user.staffRole };
}

/** The sandbox's personal bank, for connections made directly in the database (no link through the sandbox). */
export async function ensureSandboxInstitution(db: Db): Promise<string> {
  await db.institution.upsert({
    where: { id: "sandbox-bank-personal" },
    create: {
      id: "sandbox-bank-personal",
      name: "Sandbox Bank (Personal)",
      variant: "PERSONAL",
      loginUrl: "https://personal.sandboxbank.example",
    },
    update: {},
  });
  return "sandbox-bank-personal";
}

export interface OrgFixture {
  org: { id: string; slug: string; name: string };
  users: Record<OrgRole, SessionUser>;
}

/** An organization with one member of each role. */
export async function createOrgWithMembers(db: Db, name = "Test Org"): Promise<OrgFixture> {
  const suffix = uniqueSuffix();
  const org = await db.organization.create({
    data: { slug: `org-${suffix}`, name: `${name} ${suffix}` },
    select: { id: true, slug: true, name: true },
  });
  const users = {} as Record<OrgRole, SessionUser>;
  for (const role of ["OWNER", "ADMIN", "MEMBER", "VIEWER"] as const) {
    const user = await createUser(db, { email: `${role.toLowerCase()}-${suffix}@test.example` });
    await db.membership.create({ data: { organizationId: org.id, userId: user.id, role } });
    users[role] = user;
  }
  return { org, users };
}

let aggregator: AggregatorClient | undefined;

/** A provider client for the run's sandbox: short timeout, no retries (tests want answers, not patience). */
export function testAggregator(): AggregatorClient {
  aggregator ??= new HttpAggregatorClient({
    baseUrl: inject("aggregatorUrl"),
    timeoutMs: 5000,
    retry: { maxAttempts: 1 },
  });
  return aggregator;
}

/**
 * The client address a test caller acts from: one of its own per person (documentation
 * prefix 2001:db8::/32), so the per-address attempt limits of one test never count another's.
 */
export function testAddressOf(user: SessionUser | null): string {
  if (!user) return "203.0.113.7";
  const h = createHash("sha256").update(user.id).digest("hex");
  return `2001:db8::${h.slice(0, 4)}:${h.slice(4, 8)}`;
}

export function callerFor(
  db: Db,
  user: SessionUser | null,
  options: { aggregator?: AggregatorClient; ipAddress?: string } = {},
) {
  return createCaller(
    createInnerContext({
      db,
      user,
      ipAddress: options.ipAddress ?? testAddressOf(user),
      aggregator: options.aggregator ?? testAggregator(),
    }),
  );
}
