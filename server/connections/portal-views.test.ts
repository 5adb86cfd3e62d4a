import { beforeAll, describe, expect, it } from "vitest";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import {
  callerFor,
  createOrgWithMembers,
  testAggregator,
  uniqueSuffix,
  type OrgFixture,
} from "@/server/testing/fixtures";
import { completeAggregation, type EngineDeps } from "./engine";

// What Manage Institutions reads beyond the engine's flows: question progress, the
// sandbox bank's site, when a transient failure is tried again, and the result of an
// aggregation that finished in the background.

let fx: OrgFixture;
const owner = () => callerFor(testDb(), fx.users.OWNER);
const member = () => callerFor(testDb(), fx.users.MEMBER);
const deps = (): EngineDeps => ({ db: testDb(), aggregator: testAggregator(), log });
const org = () => ({ orgSlug: fx.org.slug });

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Portal views");
});

describe("security question progress", () => {
  it("says which question of how many, and the alert's resume shows the same question with it", async () => {
    const first = await owner().connections.link({
      ...org(),
      institutionId: "sandbox-credit-union",
      credentials: { username: "demo_mfa", password: "go" },
    });
    expect(first).toMatchObject({ kind: "mfa", question: { progress: { current: 1, total: 3 } } });
    const second = await member().connections.answerMfa({
      ...org(),
      connectionId: first.connectionId!,
      answer: "blue",
    });
    expect(second).toMatchObject({ kind: "mfa", wrongAnswer: false, question: { progress: { current: 2, total: 3 } } });

    const resumed = await member().connections.resume({ ...org(), connectionId: first.connectionId! });
    expect(resumed).toMatchObject({ kind: "mfa", question: { progress: { current: 2, total: 3 } } });
    if (resumed.kind === "mfa" && second.kind === "mfa") expect(resumed.question.text).toBe(second.question.text);

    const wrong = await member().connections.answerMfa({
      ...org(),
      connectionId: first.connectionId!,
      answer: "not-the-colour",
    });
    expect(wrong).toMatchObject({ kind: "mfa", wrongAnswer: true, question: { progress: { current: 2, total: 3 } } });
  });
});

describe("a known issue at a bank", () => {
  it("marks the organization's connections at that bank, which Manage Institutions names in its banner, until it clears", async () => {
    const db = testDb();
    const make = async (knownIssue: boolean, organizationId: string) => {
      const suffix = uniqueSuffix();
      const institution = await db.institution.create({
        data: {
          id: `issue-bank-${suffix}`,
          name: `Issue Bank ${suffix}`,
          variant: "PERSONAL",
          loginUrl: `https://issue-${suffix}.example`,
          knownIssueSince: knownIssue ? new Date() : null,
          knownIssueCode: knownIssue ? 910 : null,
        },
      });
      await db.connection.create({
        data: {
          organizationId,
          institutionId: institution.id,
          providerLoginId: `login_issue_${suffix}`,
          status: "ERROR",
          lastStatusCode: 910,
        },
      });
      return institution.id;
    };
    const failing = await make(true, fx.org.id);
    const healthy = await make(false, fx.org.id);
    const other = await createOrgWithMembers(db, "Portal views elsewhere");
    await make(false, other.org.id);

    const marks = async (caller: ReturnType<typeof owner>, orgSlug: string) =>
      Object.fromEntries(
        (await caller.connections.list({ orgSlug })).map((c) => [c.institution.id, c.institution.knownIssue]),
      );
    expect(await marks(member(), fx.org.slug)).toMatchObject({ [failing]: true, [healthy]: false });
    expect(Object.values(await marks(callerFor(db, other.users.VIEWER), other.org.slug))).toEqual([false]);

    await db.institution.update({ where: { id: failing }, data: { knownIssueSince: null, knownIssueCode: null } });
    expect((await marks(member(), fx.org.slug))[failing]).toBe(false);
  });
});

describe("the bank's own site", () => {
  it("keeps the sandbox bank site of a linked institution next to its login URL", async () => {
    const linked = await owner().connections.link({
      ...org(),
      institutionId: "sandbox-bank-personal",
      credentials: { username: "demo", password: "go" },
    });
    const connection = await owner().connections.get({ ...org(), connectionId: linked.connectionId! });
    expect(connection.institution.loginUrl).toBe("https://personal.sandboxbank.example");
    expect(connection.institution.sandboxSiteUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/bank\/sandbox-bank-personal$/);
    const found = await owner().connections.searchInstitutions({ ...org(), text: "sandbox bank business" });
    expect(found[0]).toMatchObject({
      id: "sandbox-bank-business",
      sandboxSiteUrl: expect.stringMatching(/\/bank\/sandbox-bank-business$/),
    });
  });
});

describe("transient failures", () => {
  it("tells when the next try is, the same moment the list shows", async () => {
    const connectionId = await linkAndChooseAll("granitestatebank-personal", "demo_down");
    const failed = await member().connections.retrieve({ ...org(), connectionId });
    expect(failed).toMatchObject({ kind: "failed", problem: { code: 102, actor: "nobody" } });
    if (failed.kind !== "failed") return;
    expect(failed.nextRetryAt!.getTime()).toBeGreaterThan(Date.now());
    const listed = await owner().connections.get({ ...org(), connectionId });
    expect(listed.nextRetryAt).toEqual(failed.nextRetryAt);
    expect(listed.problem).toMatchObject({ code: 102, actor: "nobody" });
  });
});

describe("an aggregation that finishes in the background", () => {
  it("brings the chosen accounts' full history after a slow link, and reports how many arrived once done", async () => {
    const linked = await owner().connections.link({
      ...org(),
      institutionId: "cascadefederal-personal",
      credentials: { username: "demo_slow", password: "go" },
    });
    const connectionId = linked.connectionId!;
    if (linked.kind === "aggregating") await settle(connectionId);
    const discovered = await owner().connections.get({ ...org(), connectionId });
    expect(discovered.status).toBe("ACTIVE");
    const before = discovered.lastResult;

    const started = await owner().connections.chooseAccounts({
      ...org(),
      connectionId,
      choices: discovered.accounts.map((a) => ({
        bankAccountId: a.id,
        link: a.kind === "checking",
        newRegisterName: `Slow checking ${connectionId}`,
      })),
    });
    expect(started).toMatchObject({ kind: "aggregating", attemptId: expect.any(String) });
    const during = await owner().connections.get({ ...org(), connectionId });
    expect(during).toMatchObject({ status: "AGGREGATING", problem: null });
    expect(during.aggregationStartedAt).toBeInstanceOf(Date);
    expect(during.lastResult?.id).toBe(before?.id);

    const refused = await member().connections.retrieve({ ...org(), connectionId });
    expect(refused).toMatchObject({ kind: "failed", problem: { code: 325 } });
    expect((await owner().connections.get({ ...org(), connectionId })).lastResult?.id).toBe(before?.id);

    await settle(connectionId);
    const done = await owner().connections.get({ ...org(), connectionId });
    const feed = await testDb().feedTransaction.findMany({
      where: { bankAccount: { connectionId } },
      select: { date: true },
    });
    expect(done).toMatchObject({
      status: "ACTIVE",
      aggregationStartedAt: null,
      lastResult: { kind: "RETRIEVE", statusCode: 0, transactionCount: feed.length },
    });
    expect(done.lastResult!.id).toBe(started.kind === "aggregating" ? started.attemptId : "");
    const oldest = Math.min(...feed.map((t) => t.date.getTime()));
    expect(Date.now() - oldest).toBeGreaterThan(60 * 86_400_000);
  });

  it("Update Login of a linked connection brings new transactions and counts as a success", async () => {
    const connectionId = await linkAndChooseAll("cascadefederal-business", "demo");
    const before = await owner().connections.get({ ...org(), connectionId });
    const updated = await owner().connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo", password: "go" },
    });
    expect(updated).toMatchObject({ kind: "connected", transactionCount: expect.any(Number) });
    const after = await owner().connections.get({ ...org(), connectionId });
    expect(after.lastSuccessAt!.getTime()).toBeGreaterThan(before.lastSuccessAt!.getTime());
    expect(after.lastResult).toMatchObject({
      kind: "UPDATE_LOGIN",
      statusCode: 0,
      transactionCount: updated.kind === "connected" ? updated.transactionCount : -1,
    });
  });
});

describe("registers to post to", () => {
  it("say how many linked accounts feed each, so a bank added again finds its registers free", async () => {
    const connectionId = await linkAndChooseAll("beaconhillbank-personal", "demo");
    const { accounts } = await owner().connections.get({ ...org(), connectionId });
    const mine = (list: Awaited<ReturnType<ReturnType<typeof owner>["connections"]["registers"]>>) =>
      list.filter((r) => accounts.some((a) => a.register?.id === r.id));
    expect(mine(await member().connections.registers(org())).map((r) => r.linkedAccounts)).toEqual([1, 1]);

    await owner().connections.remove({ ...org(), connectionId });
    expect(mine(await member().connections.registers(org())).map((r) => r.linkedAccounts)).toEqual([0, 0]);
  });
});

describe("completion webhooks", () => {
  it("ignores the echo of an aggregation Bankline already finished in its own request", async () => {
    const connectionId = await linkAndChooseAll("ironwoodfinancial-personal", "demo");
    const before = await owner().connections.get({ ...org(), connectionId });
    const events = await testDb().connectionEvent.count({ where: { connectionId } });

    await completeAggregation(deps(), { connectionId, statusCode: 0 });
    const after = await owner().connections.get({ ...org(), connectionId });
    expect(await testDb().connectionEvent.count({ where: { connectionId } })).toBe(events);
    expect(after.lastResult).toEqual(before.lastResult);
    expect(after.lastSuccessAt).toEqual(before.lastSuccessAt);
  });

  it("retrieves after an aggregation the aggregator ran by itself", async () => {
    const connectionId = await linkAndChooseAll("ironwoodfinancial-business", "demo");
    const before = await owner().connections.get({ ...org(), connectionId });
    const { providerLoginId, institutionId } = await testDb().connection.findUniqueOrThrow({
      where: { id: connectionId },
    });
    await testAggregator().refresh({ loginId: providerLoginId!, institutionId });

    await completeAggregation(deps(), { connectionId, statusCode: 0 });
    const after = await owner().connections.get({ ...org(), connectionId });
    expect(after.lastSuccessAt!.getTime()).toBeGreaterThan(before.lastSuccessAt!.getTime());
    expect(after.lastResult).toMatchObject({ kind: "REFRESH", statusCode: 0 });
    expect(after.lastResult!.id).not.toBe(before.lastResult!.id);
  });

  it("two retrievals of the same account at once bring each transaction once", async () => {
    const linked = await owner().connections.link({
      ...org(),
      institutionId: "unionsquarebank-personal",
      credentials: { username: "demo", password: "go" },
    });
    const connectionId = linked.connectionId!;
    const { accounts } = await owner().connections.get({ ...org(), connectionId });
    await testDb().bankAccount.updateMany({ where: { connectionId }, data: { linked: true } });
    const { providerLoginId, institutionId } = await testDb().connection.findUniqueOrThrow({
      where: { id: connectionId },
    });
    await testAggregator().refresh({ loginId: providerLoginId!, institutionId });

    const [a, b] = await Promise.all([
      owner().connections.updateLogin({ ...org(), connectionId, credentials: { username: "demo", password: "go" } }),
      completeAggregation(deps(), { connectionId, statusCode: 0 }),
    ]);
    expect(a.kind).toBe("connected");
    expect(b.kind).toBe("connected");
    const rows = await testDb().feedTransaction.groupBy({
      by: ["providerTransactionId"],
      where: { bankAccountId: { in: accounts.map((x) => x.id) } },
      _count: true,
    });
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.every((r) => r._count === 1)).toBe(true);
  });
});

async function linkAndChooseAll(institutionId: string, username: string) {
  const linked = await owner().connections.link({ ...org(), institutionId, credentials: { username, password: "go" } });
  if (linked.kind !== "connected") throw new Error(`expected a link, got ${linked.kind}`);
  const connection = await owner().connections.get({ ...org(), connectionId: linked.connectionId });
  await owner().connections.chooseAccounts({
    ...org(),
    connectionId: linked.connectionId,
    choices: connection.accounts.map((a) => ({
      bankAccountId: a.id,
      link: true,
      newRegisterName: `${a.name} ${linked.connectionId}`,
    })),
  });
  return linked.connectionId;
}

async function settle(connectionId: string) {
  const deadline = Date.now() + 15_000;
  while ((await completeAggregation(deps(), { connectionId })).kind === "aggregating") {
    if (Date.now() > deadline) throw new Error("the aggregation did not finish");
    await new Promise((r) => setTimeout(r, 200));
  }
}
