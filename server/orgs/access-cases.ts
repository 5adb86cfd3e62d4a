import type { AccessCases } from "@/server/testing/access-cases";

export const orgsAccessCases: AccessCases = {
  "me.get": { access: { kind: "signedIn" }, input: () => undefined },
  "orgs.listMine": { access: { kind: "signedIn" }, input: () => undefined },
  "orgs.get": { access: { kind: "org", permission: "org.read" }, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "orgs.listMembers": { access: { kind: "org", permission: "org.read" }, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "orgs.changeMemberRole": {
    access: { kind: "org", permission: "members.manage" },
    input: async (w) => ({ orgSlug: w.home.org.slug, membershipId: await membershipId(w.db, w.home.users.VIEWER.id, w.home.org.id), role: "VIEWER" }),
    foreignIdsInput: async (w) => ({
      orgSlug: w.other.org.slug,
      membershipId: await membershipId(w.db, w.home.users.VIEWER.id, w.home.org.id),
      role: "OWNER",
    }),
  },
};

async function membershipId(db: import("@/server/db/client").Db, userId: string, organizationId: string) {
  const m = await db.membership.findFirstOrThrow({ where: { userId, organizationId }, select: { id: true } });
  return m.id;
}
