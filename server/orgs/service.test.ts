import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers } from "@/server/testing/fixtures";

describe("organization members", () => {
  it("lists members with their roles", async () => {
    const { org, users } = await createOrgWithMembers(testDb());
    const members = await callerFor(testDb(), users.VIEWER).orgs.listMembers({ orgSlug: org.slug });
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual(
      Object.entries(users)
        .map(([role, u]) => [u.email, role])
        .sort(),
    );
  });

  it("lets an admin change a member's role but not grant ownership", async () => {
    const db = testDb();
    const { org, users } = await createOrgWithMembers(db);
    const memberMembership = await db.membership.findFirstOrThrow({ where: { userId: users.MEMBER.id } });
    const admin = callerFor(db, users.ADMIN);
    await expect(
      admin.orgs.changeMemberRole({ orgSlug: org.slug, membershipId: memberMembership.id, role: "VIEWER" }),
    ).resolves.toEqual({
      membershipId: memberMembership.id,
      role: "VIEWER",
    });
    await expect(
      admin.orgs.changeMemberRole({ orgSlug: org.slug, membershipId: memberMembership.id, role: "OWNER" }),
    ).rejects.toThrow(/Only an owner/);
  });

  it("keeps at least one owner", async () => {
    const db = testDb();
    const { org, users } = await createOrgWithMembers(db);
    const ownerMembership = await db.membership.findFirstOrThrow({ where: { userId: users.OWNER.id } });
    await expect(
      callerFor(db, users.OWNER).orgs.changeMemberRole({
        orgSlug: org.slug,
        membershipId: ownerMembership.id,
        role: "ADMIN",
      }),
    ).rejects.toThrow(/at least one owner/);
  });

  it("lists only the caller's own organizations", async () => {
    const db = testDb();
    const a = await createOrgWithMembers(db);
    await createOrgWithMembers(db);
    const mine = await callerFor(db, a.users.MEMBER).orgs.listMine();
    expect(mine.map((o) => o.slug)).toEqual([a.org.slug]);
  });

  it("keeps an owner when two owners demote or remove each other at the same moment, and audits what passed", async () => {
    const db = testDb();
    for (let round = 0; round < 6; round++) {
      const { org, users } = await createOrgWithMembers(db, "Race");
      const second = users.ADMIN;
      await db.membership.updateMany({ where: { organizationId: org.id, userId: second.id }, data: { role: "OWNER" } });
      const first = await db.membership.findFirstOrThrow({ where: { organizationId: org.id, userId: users.OWNER.id } });
      const other = await db.membership.findFirstOrThrow({ where: { organizationId: org.id, userId: second.id } });
      const secondAsOwner = { ...second };
      const acts = [
        callerFor(db, users.OWNER).orgs.changeMemberRole({ orgSlug: org.slug, membershipId: other.id, role: "MEMBER" }),
        round % 2 === 0
          ? callerFor(db, secondAsOwner).orgs.changeMemberRole({
              orgSlug: org.slug,
              membershipId: first.id,
              role: "VIEWER",
            })
          : callerFor(db, secondAsOwner).orgs.removeMember({ orgSlug: org.slug, membershipId: first.id }),
      ];
      const results = await Promise.allSettled(acts);
      expect(await db.membership.count({ where: { organizationId: org.id, role: "OWNER" } })).toBe(1);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const audited = await db.auditEntry.count({
        where: { organizationId: org.id, action: { in: ["member.roleChanged", "member.removed"] } },
      });
      expect(audited).toBe(1);
    }
  });
});
