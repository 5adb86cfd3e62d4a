import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";

// Choose accounts names registers by id inside each choice; the authorization test checks
// the ids at the top of an input, these the ones nested in it.

let home: OrgFixture;
let other: OrgFixture;

beforeAll(async () => {
  home = await createOrgWithMembers(testDb(), "Choose home");
  other = await createOrgWithMembers(testDb(), "Choose other");
});

async function linkedConnection(fx: OrgFixture) {
  const outcome = await callerFor(testDb(), fx.users.OWNER).connections.link({
    orgSlug: fx.org.slug,
    institutionId: "sandbox-bank-personal",
    credentials: { username: "demo", password: "go" },
  });
  if (outcome.kind !== "connected") throw new Error(`link gave ${outcome.kind}`);
  const connection = await callerFor(testDb(), fx.users.OWNER).connections.get({
    orgSlug: fx.org.slug,
    connectionId: outcome.connectionId,
  });
  return { connectionId: outcome.connectionId, bankAccountId: connection.accounts[0]!.id };
}

describe("choosing accounts", () => {
  it("cannot post a bank account into another organization's register, and changes nothing when refused", async () => {
    const theirs = await testDb().register.create({
      data: { organizationId: home.org.id, name: "Home Operating", kind: "checking" },
    });
    const { connectionId, bankAccountId } = await linkedConnection(other);
    const attempt = callerFor(testDb(), other.users.OWNER).connections.chooseAccounts({
      orgSlug: other.org.slug,
      connectionId,
      choices: [{ bankAccountId, link: true, registerId: theirs.id }],
    });
    await expect(attempt).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await testDb().bankAccount.findUniqueOrThrow({ where: { id: bankAccountId } })).toMatchObject({
      linked: false,
      registerId: null,
    });
  });

  it("posts into the organization's own register", async () => {
    const mine = await testDb().register.create({
      data: { organizationId: other.org.id, name: `Own ${Date.now()}`, kind: "checking" },
    });
    const { connectionId, bankAccountId } = await linkedConnection(other);
    await callerFor(testDb(), other.users.OWNER).connections.chooseAccounts({
      orgSlug: other.org.slug,
      connectionId,
      choices: [{ bankAccountId, link: true, registerId: mine.id }],
    });
    expect(await testDb().bankAccount.findUniqueOrThrow({ where: { id: bankAccountId } })).toMatchObject({
      linked: true,
      registerId: mine.id,
    });
  });
});
