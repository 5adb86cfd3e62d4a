import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers } from "@/server/testing/fixtures";

describe("organization members", () => {
  it("lists members with their roles", async () => {
    const { org, users } = await createOrgWithMembers(testDb());
    const members = await callerFor(testDb(), users.VIEWER).orgs.listMembers({ orgSlug: org.slug });
    expect(members.map((m) => [m.email, m.role]).sort()).toEqual(
      Object.entries(users).map(([role, u]) => [u.email, role]).sort(),
    );
  });

  it("lets an admin change a member's role but not grant ownership", async () => {
    const db = testDb();
    const { org, users } = await createOrgWithMembers(db);
    const memberMembership = await db.membership.findFirstOrThrow({ where: { userId: users.MEMBER.id } });
    const admin = callerFor(db, users.ADMIN);
    await expect(admin.orgs.changeMemberRole({ orgSlug: org.slug, membershipId: memberMembership.id, role: "VIEWER" })).resolves.toEqual({
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
      callerFor(db, users.OWNER).orgs.changeMemberRole({ orgSlug: org.slug, membershipId: ownerMembership.id, role: "ADMIN" }),
    ).rejects.toThrow(/at least one owner/);
  });

  it("lists only the caller's own organizations", async () => {
    const db = testDb();
    const a = await createOrgWithMembers(db);
    await createOrgWithMembers(db);
    const mine = await callerFor(db, a.users.MEMBER).orgs.listMine();
    expect(mine.map((o) => o.slug)).toEqual([a.org.slug]);
  });
});
