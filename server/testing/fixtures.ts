import { randomBytes } from "node:crypto";
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
  return db.user.create({
    data: { email, name: email.split("@")[0]!, passwordHash: UNUSABLE_HASH, staffRole: opts.staffRole ?? null },
    select: { id: true, email: true, name: true, staffRole: true },
  });
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

export function callerFor(db: Db, user: SessionUser | null) {
  return createCaller(createInnerContext({ db, user, ipAddress: "203.0.113.7" }));
}
