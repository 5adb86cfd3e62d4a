import type { AggregatorClient } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";
import { hashPassword } from "@/server/auth/password";
import { encryptSecret } from "@/server/auth/tokens";
import type { Logger } from "@/server/log";
import type { OrgRole, StaffRole } from "@/server/trpc/permissions";
import { seedDemoConnections } from "./connections";

export const DEMO_PASSWORD = "bankline-demo";
/**
 * The demo staff's authenticator key (base32). Printed by `npm start` and written in the
 * README so QA can compute codes (e.g. `oathtool --totp -b <key>`); a demo database only.
 */
export const DEMO_STAFF_TOTP_SECRET = "BANKLINEDEMOSTAFFTOTPKEYFORQAXYZ";

interface DemoUser {
  email: string;
  name: string;
  staffRole?: StaffRole;
  memberships?: { org: string; role: OrgRole }[];
}

export const demoOrganizations = [
  { slug: "riverside", name: "Riverside Food Pantry" },
  { slug: "hillcrest", name: "Hillcrest Youth League" },
];

export const demoUsers: DemoUser[] = [
  { email: "owner@riverside.example", name: "Rosa Alvarez", memberships: [{ org: "riverside", role: "OWNER" }] },
  { email: "member@riverside.example", name: "Marcus Lee", memberships: [{ org: "riverside", role: "MEMBER" }] },
  { email: "viewer@riverside.example", name: "Vera Novak", memberships: [{ org: "riverside", role: "VIEWER" }] },
  { email: "owner@hillcrest.example", name: "Henry Okafor", memberships: [{ org: "hillcrest", role: "OWNER" }] },
  { email: "support@bankline.example", name: "Sam Support", staffRole: "SUPPORT" },
  { email: "supportadmin@bankline.example", name: "Alex Admin", staffRole: "SUPPORT_ADMIN" },
];

/** Whether demo data may be written: never to a production database unless asked for. */
/**
 * Demo data (people with the public demo password, a support admin among them) goes only into
 * the embedded database of `npm start`, or anywhere when SEED_DEMO=true says so: never into a
 * database someone pointed DATABASE_URL at, production or not.
 */
export function demoSeedAllowed(
  env: { NODE_ENV?: string; SEED_DEMO?: string },
  { embedded }: { embedded: boolean },
): boolean {
  if (env.SEED_DEMO === "false") return false;
  if (env.SEED_DEMO === "true") return true;
  return embedded && env.NODE_ENV !== "production";
}

export interface DemoAggregator {
  aggregator: AggregatorClient;
  /** The sandbox's base URL: its bank site is where a demo password gets changed. */
  sandboxUrl: string;
  log: Logger;
}

/**
 * Writes the demo organizations and people when the database has no users yet, and, given the
 * sandbox aggregator, their bank connections with a history (server/demo/connections.ts).
 */
export async function seedDemoData(
  db: Db,
  sandbox?: DemoAggregator,
): Promise<{ seeded: boolean; connections: boolean }> {
  if ((await db.user.count()) > 0) return { seeded: false, connections: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const people = await db.$transaction(async (tx) => {
    const orgs = new Map<string, { id: string; name: string }>();
    for (const org of demoOrganizations) {
      const created = await tx.organization.create({ data: org, select: { id: true, name: true } });
      orgs.set(org.slug, created);
    }
    const users = new Map<string, { id: string; email: string }>();
    for (const user of demoUsers) {
      const created = await tx.user.create({
        data: {
          email: user.email,
          name: user.name,
          passwordHash,
          staffRole: user.staffRole ?? null,
          ...(user.staffRole ? { totpSecret: encryptSecret(DEMO_STAFF_TOTP_SECRET), totpEnabledAt: new Date() } : {}),
          memberships: {
            create: (user.memberships ?? []).map((m) => ({ organizationId: orgs.get(m.org)!.id, role: m.role })),
          },
        },
        select: { id: true, email: true },
      });
      users.set(user.email, created);
    }
    return { orgs, users };
  });
  if (!sandbox) return { seeded: true, connections: false };
  await seedDemoConnections(
    { db, aggregator: sandbox.aggregator, log: sandbox.log, sandboxUrl: sandbox.sandboxUrl },
    people,
  );
  return { seeded: true, connections: true };
}

/** Whether the aggregator at `url` is the sandbox (demo connections need its test logins and bank site). */
export async function isSandbox(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/+$/, "")}/health`, { signal: AbortSignal.timeout(3000) });
    return res.ok && ((await res.json()) as { service?: string }).service === "sandbox-aggregator";
  } catch {
    return false;
  }
}
