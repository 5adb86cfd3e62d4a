import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { createInnerContext } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/router";

// The audit entries of a customer's changes to a connection: who, what, which object, from
// which address, and never a credential.

const ADDRESS = "198.51.100.23";
const WRONG_PASSWORD = "Wr0ng-Hunter2-9931";

let fx: OrgFixture;
const as = (user: SessionUser) =>
  createCaller(createInnerContext({ db: testDb(), user, ipAddress: ADDRESS, aggregator: testAggregator() }));
const org = () => ({ orgSlug: fx.org.slug });

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Audited");
});

const entriesFor = (objectId: string, action: string) =>
  testDb().auditEntry.findMany({ where: { objectId, action }, orderBy: { createdAt: "asc" } });

function expectNoCredential(entry: object, secrets: string[]) {
  const text = JSON.stringify(entry);
  for (const secret of secrets) expect(text).not.toContain(secret);
  expect(text).not.toMatch(/"(password|username|credentials|answer)"/i);
}

describe("audit entries of connection changes", () => {
  it("records Update Login, failed or not, with who, what, which connection and from where, and no credential", async () => {
    const linked = await as(fx.users.ADMIN).connections.link({
      ...org(),
      institutionId: "redwoodcommunity-business",
      credentials: { username: "demo", password: "go" },
    });
    const connectionId = linked.connectionId!;

    const refused = await as(fx.users.OWNER).connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo", password: WRONG_PASSWORD },
    });
    expect(refused).toMatchObject({ kind: "failed", problem: { code: 103 } });
    const fixed = await as(fx.users.ADMIN).connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo", password: "go" },
    });
    expect(fixed.kind).toBe("connected");

    const entries = await entriesFor(connectionId, "connection.updateLogin");
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({
      actorUserId: fx.users.OWNER.id,
      actorEmail: fx.users.OWNER.email,
      ipAddress: ADDRESS,
      organizationId: fx.org.id,
      objectType: "Connection",
      objectId: connectionId,
      details: { statusCode: 103 },
    });
    expect(entries[1]).toMatchObject({
      actorUserId: fx.users.ADMIN.id,
      ipAddress: ADDRESS,
      details: { statusCode: 0 },
    });
    for (const entry of entries) expectNoCredential(entry, [WRONG_PASSWORD]);
    const [link] = await entriesFor(connectionId, "connection.link");
    expectNoCredential(link!, [WRONG_PASSWORD]);
  });

  it("records Choose accounts with who, which connection, how many accounts and from where", async () => {
    const linked = await as(fx.users.OWNER).connections.link({
      ...org(),
      institutionId: "redwoodcommunity-personal",
      credentials: { username: "demo", password: "go" },
    });
    const connectionId = linked.connectionId!;
    const connection = await as(fx.users.OWNER).connections.get({ ...org(), connectionId });
    expect(connection.accounts).toHaveLength(2);
    await as(fx.users.ADMIN).connections.chooseAccounts({
      ...org(),
      connectionId,
      choices: connection.accounts.map((a, i) => ({
        bankAccountId: a.id,
        link: i === 0,
        newRegisterName: `Audited ${connectionId.slice(-6)}`,
      })),
    });

    const entries = await entriesFor(connectionId, "connection.chooseAccounts");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      actorUserId: fx.users.ADMIN.id,
      actorEmail: fx.users.ADMIN.email,
      ipAddress: ADDRESS,
      organizationId: fx.org.id,
      objectType: "Connection",
      objectId: connectionId,
      details: { linked: 1 },
    });
    expectNoCredential(entries[0]!, []);
  });

  it("writes no entry for a change the role may not make", async () => {
    const linked = await as(fx.users.OWNER).connections.link({
      ...org(),
      institutionId: "prairienational-business",
      credentials: { username: "demo", password: "go" },
    });
    const connectionId = linked.connectionId!;
    await expect(
      as(fx.users.MEMBER).connections.updateLogin({
        ...org(),
        connectionId,
        credentials: { username: "demo", password: "go" },
      }),
    ).rejects.toThrow();
    expect(await entriesFor(connectionId, "connection.updateLogin")).toEqual([]);
  });
});
