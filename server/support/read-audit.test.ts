import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, createUser } from "@/server/testing/fixtures";

// Support reads every organization under row-level security's bypass: what they read is audited.

describe("support's reads", () => {
  it("puts what a staff member read on the audit log, once while they keep reading it, and sees across organizations", async () => {
    const { org } = await createOrgWithMembers(testDb(), "Read audit");
    const agent = await createUser(testDb(), { staffRole: "SUPPORT" });
    const staff = callerFor(testDb(), agent);
    const overview = await staff.support.organization({ slug: org.slug });
    expect(overview.slug).toBe(org.slug);
    await staff.support.organization({ slug: org.slug });
    const entries = await testDb().auditEntry.findMany({ where: { actorUserId: agent.id, action: "support.read" } });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorEmail: agent.email,
      objectType: "Procedure",
      objectId: "support.organization",
      details: { slug: org.slug },
    });
  });
});
