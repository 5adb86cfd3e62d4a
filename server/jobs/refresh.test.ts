import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { planRefreshCycle, queueDueRetries } from "./refresh-cycle";
import { linkAtSandbox, startTestWorker, testQueueSchema, unfinishedTickets, waitUntil } from "./testing/helpers";
import type { RunningWorker } from "./worker";

let fx: OrgFixture;
let worker: RunningWorker;

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Refresh");
  worker = await startTestWorker({ schema: testQueueSchema() });
});
afterAll(async () => {
  await worker?.stop({ graceful: true });
});

const scheduledRefreshes = (connectionId: string) =>
  testDb().connectionEvent.findMany({ where: { connectionId, kind: "REFRESH", trigger: "SCHEDULE" }, orderBy: { startedAt: "asc" } });

async function runCycle(cycleId: string) {
  const plan = await planRefreshCycle(testDb(), worker.boss, { cycleId, startsAt: new Date(), windowSeconds: 0, organizationIds: [fx.org.id] });
  await waitUntil(`cycle ${cycleId} is done`, async () => (await unfinishedTickets(testDb(), cycleId)) === 0);
  return plan;
}

describe("nightly refresh cycle", () => {
  it("refreshes every active connection exactly once and leaves the others alone", async () => {
    const active = [
      await linkAtSandbox(fx, "evergreenmutual-personal"),
      await linkAtSandbox(fx, "evergreenmutual-business"),
      await linkAtSandbox(fx, "ironwoodfinancial-personal"),
    ];
    const needsCustomer = await linkAtSandbox(fx, "ironwoodfinancial-business");
    await testDb().connection.update({ where: { id: needsCustomer }, data: { status: "ACTION_REQUIRED", lastStatusCode: 103 } });

    const cycleId = `test-cycle-${uniqueSuffix()}`;
    const plan = await runCycle(cycleId);
    expect(plan).toMatchObject({ planned: 3, queued: 3 });
    for (const id of active) {
      const events = await scheduledRefreshes(id);
      expect(events.map((e) => e.statusCode)).toEqual([0]);
      expect(events[0]!.durationMs).not.toBeNull();
      expect(await testDb().connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "ACTIVE", activeEventId: null });
    }
    expect(await scheduledRefreshes(needsCustomer)).toEqual([]);
    const tickets = await testDb().refreshTicket.findMany({ where: { cycleId } });
    expect(tickets.map((t) => t.outcome)).toEqual(["refreshed", "refreshed", "refreshed"]);

    // Planning the same night again finds everything done and refreshes nothing twice.
    expect(await runCycle(cycleId)).toMatchObject({ planned: 3, queued: 0 });
    for (const id of active) expect(await scheduledRefreshes(id)).toHaveLength(1);
  });

  it("spreads a cycle over its window, interleaving institutions", async () => {
    const other = await createOrgWithMembers(testDb(), "Spread");
    const institutions = ["a", "b", "c"];
    await testDb().institution.createMany({
      data: institutions.map((s) => ({ id: `spread-${s}`, name: `Spread ${s}`, variant: "PERSONAL" as const, loginUrl: "https://x.example" })),
      skipDuplicates: true,
    });
    await testDb().connection.createMany({
      data: [0, 0, 0, 0, 1, 1, 2, 2].map((i, n) => ({
        organizationId: other.org.id,
        institutionId: `spread-${institutions[i]}`,
        status: "ACTIVE" as const,
        providerLoginId: `login_spread_${uniqueSuffix()}_${n}`,
      })),
    });
    const startsAt = new Date(Date.now() + 3600_000);
    const cycleId = `test-spread-${uniqueSuffix()}`;
    const sent: { startAfter: Date; group: { id: string } }[] = [];
    const queue = { insert: async (_name: string, jobs: unknown[]) => (sent.push(...(jobs as typeof sent)), null) };
    await planRefreshCycle(testDb(), queue as never, { cycleId, startsAt, windowSeconds: 800, organizationIds: [other.org.id] });

    const offsets = sent.map((j) => (new Date(j.startAfter).getTime() - startsAt.getTime()) / 1000);
    expect(offsets).toEqual([0, 100, 200, 300, 400, 500, 600, 700]);
    const groups = sent.map((j) => j.group.id);
    for (let i = 1; i < groups.length; i++) {
      if (groups[i] === groups[i - 1]) expect(groups[i]).toBe("spread-a"); // only the bank with half the connections may repeat
    }
  });
});

describe("background retries", () => {
  it("retries transient failures with growing backoff and never retries what needs the customer", async () => {
    const down = await linkAtSandbox(fx, "magnoliasavings-personal", "demo_down");
    const terms = await linkAtSandbox(fx, "magnoliasavings-business", "demo_terms");
    await testDb().connection.updateMany({ where: { id: { notIn: [down, terms] }, organizationId: fx.org.id }, data: { status: "ACTION_REQUIRED" } });

    await runCycle(`test-retry-${uniqueSuffix()}`);
    const afterFirst = await testDb().connection.findUniqueOrThrow({ where: { id: down } });
    expect(afterFirst).toMatchObject({ status: "ERROR", lastStatusCode: 102, retryCount: 1 });
    const firstDelay = afterFirst.nextRetryAt!.getTime() - afterFirst.lastAttemptAt!.getTime();
    expect(firstDelay).toBeGreaterThan(4 * 60_000);
    expect(await testDb().notice.count({ where: { connectionId: down, resolvedAt: null } })).toBe(0);

    const termsAfter = await testDb().connection.findUniqueOrThrow({ where: { id: terms } });
    expect(termsAfter).toMatchObject({ status: "ACTION_REQUIRED", lastStatusCode: 108, nextRetryAt: null });
    expect(await testDb().notice.count({ where: { connectionId: terms, resolvedAt: null } })).toBe(1);

    // demo_down fails three times, then succeeds; each retry waits longer than the one before.
    let previousDelay = firstDelay;
    for (const expected of [{ code: 102, retries: 2 }, { code: 102, retries: 3 }, { code: 0, retries: 0 }]) {
      expect(await queueDueRetries(testDb(), worker.boss, { organizationIds: [fx.org.id] })).toBe(0);
      // Time passes until the retry is due.
      await testDb().connection.update({ where: { id: down }, data: { nextRetryAt: new Date(Date.now() - 1000) } });
      const queued = await queueDueRetries(testDb(), worker.boss, { organizationIds: [fx.org.id] });
      expect(queued).toBe(1);
      await waitUntil("the retry ran", async () => (await testDb().refreshTicket.count({ where: { connectionId: down, reason: "RETRY", finishedAt: null } })) === 0);
      const after = await testDb().connection.findUniqueOrThrow({ where: { id: down } });
      expect(after).toMatchObject({ lastStatusCode: expected.code, retryCount: expected.retries });
      if (expected.code !== 0) {
        const delay = after.nextRetryAt!.getTime() - after.lastAttemptAt!.getTime();
        expect(delay).toBeGreaterThan(previousDelay);
        previousDelay = delay;
      } else {
        expect(after).toMatchObject({ status: "ACTIVE", nextRetryAt: null });
      }
    }
    expect(await queueDueRetries(testDb(), worker.boss, { now: new Date(Date.now() + 86_400_000), organizationIds: [fx.org.id] })).toBe(0);
    expect((await scheduledRefreshes(terms)).map((e) => e.statusCode)).toEqual([108]);
  });
});
