import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import { admin } from "@/server/aggregator/testing/sandbox-helpers";
import { createLogger } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";

// The sandbox failing under a Retrieve (500s, dropped connections, an institution outage)
// ends as a transient problem of the connection: a code, a next retry, a history entry, no
// notice for the customer and no aggregation left open; once the faults are gone, Retrieve
// works again. Fault rules and outages are global to the shared sandbox, so they are scoped
// to an institution no other suite uses and cleared after each case.

const INSTITUTION = "desertsunbank-personal";

let fx: OrgFixture;
let connectionId: string;
const rules: string[] = [];
let outage = false;

/** A client like the app's (retries, a circuit breaker per institution), with short delays; a fresh breaker per case. */
const caller = () =>
  callerFor(testDb(), fx.users.MEMBER, {
    aggregator: new HttpAggregatorClient({
      baseUrl: inject("aggregatorUrl"),
      timeoutMs: 3000,
      logger: createLogger({ level: "silent" }),
      retry: { maxAttempts: 2, baseDelayMs: 5, slowBaseDelayMs: 5, maxDelayMs: 20 },
    }),
  });
const org = () => ({ orgSlug: fx.org.slug });

async function faultRule(settings: object) {
  const { rule } = (await admin("POST", "/admin/faults/rules", {
    match: { institutionId: INSTITUTION },
    ...settings,
  })) as { rule: { id: string } };
  rules.push(rule.id);
}
async function setOutage(down: boolean) {
  await admin("PUT", `/admin/institutions/${INSTITUTION}/outage`, { down, affects: "all" });
  outage = down;
}
async function clearFaults() {
  for (const id of rules.splice(0)) await admin("DELETE", `/admin/faults/rules/${id}`).catch(() => {});
  if (outage) await setOutage(false);
}

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Faults");
  const owner = callerFor(testDb(), fx.users.OWNER);
  const linked = await owner.connections.link({
    ...org(),
    institutionId: INSTITUTION,
    credentials: { username: "demo", password: "go" },
  });
  expect(linked.kind).toBe("connected");
  connectionId = linked.connectionId!;
  const connection = await owner.connections.get({ ...org(), connectionId });
  const first = await owner.connections.chooseAccounts({
    ...org(),
    connectionId,
    choices: connection.accounts.map((a) => ({
      bankAccountId: a.id,
      link: true,
      newRegisterName: `Faults ${a.mask} ${fx.org.id.slice(-6)}`,
    })),
  });
  expect(first).toMatchObject({ kind: "connected", status: "ACTIVE" });
});
afterEach(clearFaults);
afterAll(clearFaults);

async function expectTransientFailure(code: number) {
  const before = Date.now();
  const outcome = await caller().connections.retrieve({ ...org(), connectionId });
  expect(outcome).toMatchObject({ kind: "failed", connectionId, problem: { code, actor: "nobody", remedy: "wait" } });
  expect(outcome.kind === "failed" && outcome.nextRetryAt!.getTime()).toBeGreaterThan(before);

  const connection = await caller().connections.get({ ...org(), connectionId });
  expect(connection).toMatchObject({
    status: "ERROR",
    lastStatusCode: code,
    aggregationStartedAt: null,
    problem: { code, actor: "nobody" },
  });
  expect(connection.nextRetryAt!.getTime()).toBeGreaterThan(before);
  const row = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
  expect(row.activeEventId).toBeNull();

  const latest = await testDb().connectionEvent.findFirstOrThrow({
    where: { connectionId },
    orderBy: { createdAt: "desc" },
  });
  expect(latest).toMatchObject({
    kind: "RETRIEVE",
    trigger: "CUSTOMER",
    statusCode: code,
    actorUserId: fx.users.MEMBER.id,
  });
  expect(latest.durationMs).not.toBeNull();
  expect(await caller().connections.notices(org())).toEqual([]);
}

async function expectRecovery() {
  await clearFaults();
  const outcome = await caller().connections.retrieve({ ...org(), connectionId });
  expect(outcome).toMatchObject({ kind: "connected", status: "ACTIVE" });
  const connection = await caller().connections.get({ ...org(), connectionId });
  expect(connection).toMatchObject({ status: "ACTIVE", lastStatusCode: 0, nextRetryAt: null, problem: null });
  const latest = await testDb().connectionEvent.findFirstOrThrow({
    where: { connectionId },
    orderBy: { createdAt: "desc" },
  });
  expect(latest).toMatchObject({ kind: "RETRIEVE", statusCode: 0 });
}

describe("sandbox faults under Retrieve", () => {
  it("every request there answering 500: 102 with a next retry, then Retrieve works again", async () => {
    await faultRule({ errorRate: 1 });
    await expectTransientFailure(102);
    await expectRecovery();
  });

  it("every connection there dropped: 102 with a next retry, then Retrieve works again", async () => {
    await faultRule({ dropRate: 1 });
    await expectTransientFailure(102);
    await expectRecovery();
  });

  it("the institution down: 910 with a next retry, then Retrieve works again", async () => {
    await setOutage(true);
    await expectTransientFailure(910);
    await expectRecovery();
  });

  it("a second failure in a row waits longer before the next retry", async () => {
    await faultRule({ errorRate: 1 });
    await caller().connections.retrieve({ ...org(), connectionId });
    const first = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    await caller().connections.retrieve({ ...org(), connectionId });
    const second = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(second.retryCount).toBe(first.retryCount + 1);
    expect(second.nextRetryAt!.getTime() - second.lastAttemptAt!.getTime()).toBeGreaterThan(
      first.nextRetryAt!.getTime() - first.lastAttemptAt!.getTime(),
    );
    await expectRecovery();
  });
});
