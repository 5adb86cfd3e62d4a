import type { Db } from "@/server/db/client";
import { hashPassword } from "@/server/auth/password";
import type { OrgRole, StaffRole } from "@/server/trpc/permissions";

export const DEMO_PASSWORD = "bankline-demo";

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
export function demoSeedAllowed(env: { NODE_ENV?: string; SEED_DEMO?: string }): boolean {
  if (env.SEED_DEMO === "false") return false;
  return env.NODE_ENV !== "production" || env.SEED_DEMO === "true";
}

/** Writes the demo organizations and people when the database has no users yet. */
export async function seedDemoData(db: Db): Promise<{ seeded: boolean }> {
  if ((await db.user.count()) > 0) return { seeded: false };
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  await db.$transaction(async (tx) => {
    const orgIds = new Map<string, string>();
    for (const org of demoOrganizations) {
      const created = await tx.organization.create({ data: org, select: { id: true } });
      orgIds.set(org.slug, created.id);
    }
    for (const user of demoUsers) {
      await tx.user.create({
        data: {
          email: user.email,
          name: user.name,
          passwordHash,
          staffRole: user.staffRole ?? null,
          memberships: {
            create: (user.memberships ?? []).map((m) => ({ organizationId: orgIds.get(m.org)!, role: m.role })),
          },
        },
      });
    }
  });
  return { seeded: true };
}
