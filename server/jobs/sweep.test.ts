import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { admin } from "@/server/aggregator/testing/sandbox-helpers";
import { nextRetryAt } from "@/server/connections/engine";
import { log } from "@/server/log";
import { addHistory, minutesAgo, testConnection, testInstitution } from "@/server/support/testing/history";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { Semaphore } from "./limits";
import { queueDueRetries, type JobSender } from "./refresh-cycle";
import { runRefreshTicket } from "./refresh-ticket";
import { runSweep } from "./sweep";
import { linkAtSandbox, waitUntil } from "./testing/helpers";

// The minute's sweep, and the background retries it queues: which failures come back, and when.

let fx: OrgFixture;
const deps = () => ({ db: testDb(), aggregator: testAggregator(), log });
const refreshDeps = () => ({ ...deps(), aggregations: new Semaphore(1), reads: new Semaphore(1) });
const member = () => callerFor(testDb(), fx.users.MEMBER);

/** A queue that only records what it was given. */
function recordingQueue() {
  const sent: { name: string; data: { ticketId: string }; group: { id: string } }[] = [];
  const queue = {
    insert: async (name: string, jobs: { data: { ticketId: string }; group: { id: string } }[]) => {
      sent.push(...jobs.map((j) => ({ name, ...j })));
      return null;
    },
  } as unknown as JobSender;
  return { queue, sent };
}

const rules: string[] = [];
afterEach(async () => {
  for (const id of rules.splice(0)) await admin("DELETE", `/admin/faults/rules/${id}`).catch(() => {});
});

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Sweep");
});

const connection = (id: string) => testDb().connection.findUniqueOrThrow({ where: { id } });
const delayOf = (c: { nextRetryAt: Date | null; lastAttemptAt: Date | null }) =>
  c.nextRetryAt!.getTime() - c.lastAttemptAt!.getTime();

/** Makes the connection's retry due now, as if the time had passed. */
async function retryIsDue(connectionId: string) {
  await testDb().connection.update({ where: { id: connectionId }, data: { nextRetryAt: new Date(Date.now() - 1000) } });
}

describe("the sweep", () => {
  it("settles a stuck aggregation, queues due retries and marks a known issue in one call", async () => {
    // A slow link whose completion never reached Bankline.
    const slow = await callerFor(testDb(), fx.users.OWNER).connections.link({
      orgSlug: fx.org.slug,
      institutionId: "unionsquarebank-business",
      credentials: { username: "demo_slow", password: "go" },
    });
    expect(slow.kind).toBe("aggregating");
    const stuck = await connection(slow.connectionId!);
    const ref = { loginId: stuck.providerLoginId!, institutionId: stuck.institutionId };
    await waitUntil(
      "the sandbox finished the slow link",
      async () => !(await testAggregator().getLoginStatus(ref)).aggregating,
    );

    // A bank that did not answer, due for its retry.
    const down = await linkAtSandbox(fx, "tidewaterbank-business", "demo_down");
    expect(await member().connections.retrieve({ orgSlug: fx.org.slug, connectionId: down })).toMatchObject({
      problem: { code: 102 },
    });

    // Three organizations failing at one bank with provider-side codes within minutes.
    const others = [await createOrgWithMembers(testDb(), "Sweep B"), await createOrgWithMembers(testDb(), "Sweep C")];
    const troubled = await testInstitution(testDb(), "Troubled Bank");
    for (const [i, organizationId] of [fx.org.id, ...others.map((o) => o.org.id)].entries()) {
      const c = await testConnection(testDb(), { organizationId, institutionId: troubled, status: "ERROR" });
      await addHistory(testDb(), c, [{ statusCode: 910, at: minutesAgo(12 - i * 3) }]);
    }

    // Other test files sweep too: the states that make the work are set last, just before the call.
    await testDb().connection.update({ where: { id: stuck.id }, data: { aggregationStartedAt: minutesAgo(10) } });
    await retryIsDue(down);
    const { queue, sent } = recordingQueue();
    const scope = { organizationIds: [fx.org.id, ...others.map((o) => o.org.id)] };
    const result = await runSweep(deps(), queue, new Date(), scope);

    expect(result.settled).toBe(1);
    expect(await connection(stuck.id)).toMatchObject({
      status: "ACTIVE",
      lastStatusCode: 0,
      activeEventId: null,
      aggregationStartedAt: null,
    });
    expect(
      (await testDb().connectionEvent.findMany({ where: { connectionId: stuck.id } })).map((e) => [
        e.kind,
        e.statusCode,
      ]),
    ).toEqual([["LINK", 0]]);

    expect(result.retries).toBe(1);
    const ticket = await testDb().refreshTicket.findFirstOrThrow({ where: { connectionId: down, reason: "RETRY" } });
    expect(ticket).toMatchObject({ finishedAt: null, institutionId: "tidewaterbank-business" });
    expect(sent).toEqual([
      expect.objectContaining({ data: { ticketId: ticket.id }, group: { id: "tidewaterbank-business" } }),
    ]);

    expect(result.issues.marked).toEqual([{ institutionId: troubled, code: 910 }]);
    expect((await testDb().institution.findUniqueOrThrow({ where: { id: troubled } })).knownIssueCode).toBe(910);

    // Nothing left to settle or mark a minute later.
    const again = await runSweep(deps(), recordingQueue().queue, new Date(), scope);
    expect(again).toMatchObject({ settled: 0, issues: { marked: [], cleared: [] } });
  });
});

describe("background retries", () => {
  it("retries maintenance (900–907) with the slower backoff, never bothering the customer", async () => {
    const own = await createOrgWithMembers(testDb(), "Maintenance");
    const id = await linkAtSandbox(own, "beaconhillbank-business", "demo_maintenance");
    const failed = await callerFor(testDb(), own.users.MEMBER).connections.retrieve({
      orgSlug: own.org.slug,
      connectionId: id,
    });
    expect(failed).toMatchObject({ kind: "failed", problem: { code: 903, actor: "nobody", remedy: "wait" } });
    const first = await connection(id);
    expect(first).toMatchObject({ status: "ERROR", lastStatusCode: 903, retryCount: 1 });
    expect(delayOf(first)).toBeGreaterThanOrEqual(30 * 60_000 - 1000);
    expect(delayOf(first)).toBeLessThanOrEqual(30 * 60_000 + 1000);
    expect(await testDb().notice.count({ where: { connectionId: id, resolvedAt: null } })).toBe(0);

    // The background retry, when due, fails the same way and waits twice as long.
    await retryIsDue(id);
    expect(await queueDueRetries(testDb(), recordingQueue().queue, { organizationIds: [own.org.id] })).toBe(1);
    const ticket = await testDb().refreshTicket.findFirstOrThrow({ where: { connectionId: id, reason: "RETRY" } });
    expect(await runRefreshTicket(refreshDeps(), ticket.id)).toEqual({ outcome: "failed", statusCode: 903 });
    const second = await connection(id);
    expect(second).toMatchObject({ status: "ERROR", lastStatusCode: 903, retryCount: 2 });
    expect(Math.round(delayOf(second) / 60_000)).toBe(60);
  });

  it("takes a dropped connection to the aggregator as transient: retried later, then working", async () => {
    const own = await createOrgWithMembers(testDb(), "Dropped");
    const id = await linkAtSandbox(own, "beaconhillbank-personal");
    const { providerLoginId } = await connection(id);
    const { rule } = (await admin("POST", "/admin/faults/rules", {
      match: { loginId: providerLoginId, method: "POST" },
      dropRate: 1,
      times: 1,
    })) as { rule: { id: string } };
    rules.push(rule.id);

    const failed = await callerFor(testDb(), own.users.MEMBER).connections.retrieve({
      orgSlug: own.org.slug,
      connectionId: id,
    });
    expect(failed).toMatchObject({ kind: "failed", problem: { code: 102, actor: "nobody", remedy: "wait" } });
    const after = await connection(id);
    expect(after).toMatchObject({ status: "ERROR", lastStatusCode: 102, retryCount: 1, activeEventId: null });
    expect(Math.round(delayOf(after) / 60_000)).toBe(5);
    expect(await testDb().notice.count({ where: { connectionId: id, resolvedAt: null } })).toBe(0);

    await retryIsDue(id);
    expect(await queueDueRetries(testDb(), recordingQueue().queue, { organizationIds: [own.org.id] })).toBe(1);
    const ticket = await testDb().refreshTicket.findFirstOrThrow({ where: { connectionId: id, reason: "RETRY" } });
    expect(await runRefreshTicket(refreshDeps(), ticket.id)).toEqual({ outcome: "refreshed", statusCode: 0 });
    expect(await connection(id)).toMatchObject({
      status: "ACTIVE",
      lastStatusCode: 0,
      retryCount: 0,
      nextRetryAt: null,
    });
    const events = await testDb().connectionEvent.findMany({
      where: { connectionId: id },
      orderBy: { createdAt: "asc" },
    });
    expect(events.map((e) => [e.kind, e.trigger, e.statusCode])).toEqual([
      ["LINK", "CUSTOMER", 0],
      ["RETRIEVE", "CUSTOMER", 102],
      ["REFRESH", "SCHEDULE", 0],
    ]);
  });

  it("waits twice as long after each failure, up to a cap", () => {
    const now = Date.UTC(2026, 0, 1);
    const minutes = (retry: "backoff" | "slow-backoff", attempt: number) =>
      (nextRetryAt(retry, attempt, now).getTime() - now) / 60_000;
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => minutes("backoff", n))).toEqual([5, 10, 20, 40, 80, 120, 120]);
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => minutes("slow-backoff", n))).toEqual([30, 60, 120, 240, 480, 720, 720]);
    expect(minutes("backoff", 0)).toBe(5);
  });
});
