import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, uniqueSuffix } from "@/server/testing/fixtures";
import { ATTEMPT_LIMITS, purgeAttemptCounters, takeAttempt, type AttemptLimit, type AttemptKind } from "./attempts";

const small: Record<AttemptKind, AttemptLimit> = {
  credentials: { windowMs: 60 * 60_000, person: 3, organization: 5, address: 4 },
  retrieval: { windowMs: 60 * 60_000, person: 10, organization: 10, address: 10 },
};
const someone = (org = `org-${uniqueSuffix()}`, ip = `198.51.100.${Math.floor(Math.random() * 250)}`) => ({
  userId: `user-${uniqueSuffix()}`,
  organizationId: org,
  ipAddress: ip,
});
const at = new Date("2026-12-04T10:20:00Z");

async function attempts(n: number, who: ReturnType<typeof someone>, now = at) {
  const verdicts = [];
  for (let i = 0; i < n; i++) verdicts.push(await takeAttempt(testDb(), "credentials", who, now, small));
  return verdicts;
}

describe("attempt limits", () => {
  it("refuse a person past their limit until the window ends, then let them try again", async () => {
    const who = someone();
    const verdicts = await attempts(4, who);
    expect(verdicts.slice(0, 3).every((v) => v.allowed)).toBe(true);
    expect(verdicts[3]).toEqual({ allowed: false, scope: "person", retryAt: new Date("2026-12-04T11:00:00Z") });
    expect((await attempts(1, who, new Date("2026-12-04T11:00:01Z")))[0]).toEqual({ allowed: true });
  });

  it("limit an organization across its people, and an address across organizations", async () => {
    const org = `org-${uniqueSuffix()}`;
    const [a, b] = [someone(org, "unknown"), someone(org, "unknown")];
    expect((await attempts(3, a)).every((v) => v.allowed)).toBe(true);
    const second = await attempts(3, b);
    expect(second.map((v) => v.allowed)).toEqual([true, true, false]);
    expect(second[2]).toMatchObject({ scope: "organization" });

    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    const fromOneAddress = await Promise.all(
      [someone(undefined, ip), someone(undefined, ip), someone(undefined, ip)].map((w) => attempts(2, w)),
    );
    const refused = fromOneAddress.flat().filter((v) => !v.allowed);
    expect(refused).toHaveLength(2);
    expect(refused.every((v) => !v.allowed && v.scope === "address")).toBe(true);
  });

  it("count attempts made at once exactly (one upsert per attempt, across connections)", async () => {
    const who = someone();
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, () => takeAttempt(testDb(), "credentials", who, at, small)),
    );
    expect(verdicts.filter((v) => v.allowed)).toHaveLength(3);
  });

  it("forget counters of windows long over", async () => {
    const who = someone();
    await attempts(1, who, new Date("2020-01-01T00:00:00Z"));
    expect(await purgeAttemptCounters(testDb(), at)).toBeGreaterThanOrEqual(2);
    expect(await testDb().attemptCounter.count({ where: { key: { contains: who.userId } } })).toBe(0);
  });
});

describe("Bankline as a credential-testing service", () => {
  it("refuses bank sign-in attempts past the person's limit, says when to try again, asks the bank nothing more and audits it", async () => {
    const fx = await createOrgWithMembers(testDb(), "Credential testing");
    const owner = callerFor(testDb(), fx.users.OWNER);
    const institutionId = "sandbox-bank-personal";
    const tryPassword = (n: number) =>
      owner.connections.link({
        orgSlug: fx.org.slug,
        institutionId,
        credentials: { username: "demo", password: `guess-${n}` },
      });
    for (let n = 0; n < ATTEMPT_LIMITS.credentials.person; n++) {
      expect(await tryPassword(n)).toMatchObject({ kind: "failed", problem: { code: 103 } });
    }
    const triedAtBank = await testDb().connectionEvent.count({ where: { organizationId: fx.org.id, kind: "LINK" } });
    await expect(tryPassword(99)).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/Too many bank sign-in attempts by you .*Try again after \d\d:\d\d UTC/),
    });
    expect(await testDb().connectionEvent.count({ where: { organizationId: fx.org.id, kind: "LINK" } })).toBe(
      triedAtBank,
    );
    expect(
      await testDb().auditEntry.findFirst({
        where: { organizationId: fx.org.id, action: "connection.attemptRefused" },
      }),
    ).toMatchObject({
      actorUserId: fx.users.OWNER.id,
      details: { kind: "credentials", scope: "person" },
    });
    // Another person of the organization is still allowed: the limit is per person first.
    const admin = callerFor(testDb(), fx.users.ADMIN);
    expect(
      await admin.connections.link({
        orgSlug: fx.org.slug,
        institutionId,
        credentials: { username: "demo", password: "guess-admin" },
      }),
    ).toMatchObject({
      kind: "failed",
    });
  });
});
