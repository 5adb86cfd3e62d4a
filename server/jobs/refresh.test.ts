import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { startAggregation } from "@/server/connections/engine";
import { log } from "@/server/log";
import { callerFor, testAggregator } from "@/server/testing/fixtures";
import { Semaphore } from "./limits";
import { RefreshBatcher } from "./refresh-batch";
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
  testDb().connectionEvent.findMany({
    where: { connectionId, kind: "REFRESH", trigger: "SCHEDULE" },
    orderBy: { startedAt: "asc" },
  });

async function runCycle(cycleId: string) {
  const plan = await planRefreshCycle(testDb(), worker.sender, {
    cycleId,
    startsAt: new Date(),
    windowSeconds: 0,
    organizationIds: [fx.org.id],
  });
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
    await testDb().connection.update({
      where: { id: needsCustomer },
      data: { status: "ACTION_REQUIRED", lastStatusCode: 103 },
    });

    const cycleId = `test-cycle-${uniqueSuffix()}`;
    const plan = await runCycle(cycleId);
    expect(plan).toMatchObject({ planned: 3, queued: 3 });
    for (const id of active) {
      const events = await scheduledRefreshes(id);
      expect(events.map((e) => e.statusCode)).toEqual([0]);
      expect(events[0]!.durationMs).not.toBeNull();
      expect(await testDb().connection.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: "ACTIVE",
        activeEventId: null,
      });
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
      data: institutions.map((s) => ({
        id: `spread-${s}`,
        name: `Spread ${s}`,
        variant: "PERSONAL" as const,
        loginUrl: "https://x.example",
      })),
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
    await planRefreshCycle(testDb(), queue as never, {
      cycleId,
      startsAt,
      windowSeconds: 800,
      organizationIds: [other.org.id],
    });

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
    await testDb().connection.updateMany({
      where: { id: { notIn: [down, terms] }, organizationId: fx.org.id },
      data: { status: "ACTION_REQUIRED" },
    });

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
    for (const expected of [
      { code: 102, retries: 2 },
      { code: 102, retries: 3 },
      { code: 0, retries: 0 },
    ]) {
      expect(await queueDueRetries(testDb(), worker.boss, { organizationIds: [fx.org.id] })).toBe(0);
      // Time passes until the retry is due.
      await testDb().connection.update({ where: { id: down }, data: { nextRetryAt: new Date(Date.now() - 1000) } });
      const queued = await queueDueRetries(testDb(), worker.boss, { organizationIds: [fx.org.id] });
      expect(queued).toBe(1);
      await waitUntil(
        "the retry ran",
        async () =>
          (await testDb().refreshTicket.count({ where: { connectionId: down, reason: "RETRY", finishedAt: null } })) ===
          0,
      );
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
    expect(
      await queueDueRetries(testDb(), worker.boss, {
        now: new Date(Date.now() + 86_400_000),
        organizationIds: [fx.org.id],
      }),
    ).toBe(0);
    expect((await scheduledRefreshes(terms)).map((e) => e.statusCode)).toEqual([108]);
  });
});

describe("the batched refresh", () => {
  it("leaves a connection exactly as the engine's own refresh does", async () => {
    const other = await createOrgWithMembers(testDb(), "Equivalence");
    const ids: string[] = [];
    for (const institutionId of ["evergreenmutual-personal", "evergreenmutual-personal"]) {
      const id = await linkAtSandbox(other, institutionId);
      const connection = await callerFor(testDb(), other.users.OWNER).connections.get({
        orgSlug: other.org.slug,
        connectionId: id,
      });
      await callerFor(testDb(), other.users.OWNER).connections.chooseAccounts({
        orgSlug: other.org.slug,
        connectionId: id,
        choices: connection.accounts.map((a, i) => ({
          bankAccountId: a.id,
          link: i === 0,
          newRegisterName: `Checking ${id.slice(-6)}`,
        })),
      });
      // As if the last success were two days ago, so both reads ask for the same days.
      await testDb().connection.update({
        where: { id },
        data: { lastSuccessAt: new Date(Date.now() - 2 * 86_400_000) },
      });
      await testDb().bankAccount.updateMany({
        where: { connectionId: id },
        data: { balanceCents: 1n, createdAt: new Date(Date.now() - 30 * 86_400_000) },
      });
      await testDb().notice.create({
        data: { organizationId: other.org.id, connectionId: id, statusCode: 102, title: "old", body: "old" },
      });
      ids.push(id);
    }
    const deps = { db: testDb(), aggregator: testAggregator(), log };
    await startAggregation(deps, {
      organizationId: other.org.id,
      connectionId: ids[0]!,
      source: { kind: "REFRESH", trigger: "SCHEDULE", actorUserId: null },
    });

    const cycle = await testDb().refreshCycle.create({
      data: { id: `test-batch-${uniqueSuffix()}`, startsAt: new Date(), windowSeconds: 0 },
    });
    const ticket = await testDb().refreshTicket.create({
      data: {
        id: `${cycle.id}:${ids[1]}`,
        cycleId: cycle.id,
        connectionId: ids[1]!,
        institutionId: "evergreenmutual-personal",
        reason: "NIGHTLY",
        runAfter: new Date(),
      },
    });
    const batcher = new RefreshBatcher({ ...deps, aggregations: new Semaphore(2), reads: new Semaphore(2) });
    expect(await (await batcher.run([ticket.id])).get(ticket.id)).toEqual({ outcome: "refreshed", statusCode: 0 });

    const comparable = async (id: string) => {
      const c = await testDb().connection.findUniqueOrThrow({
        where: { id },
        include: { accounts: { orderBy: { name: "asc" } } },
      });
      const events = await testDb().connectionEvent.findMany({ where: { connectionId: id, kind: "REFRESH" } });
      return {
        connection: {
          status: c.status,
          lastStatusCode: c.lastStatusCode,
          lastStatusMessage: c.lastStatusMessage,
          retryCount: c.retryCount,
          nextRetryAt: c.nextRetryAt,
          activeEventId: c.activeEventId,
          aggregationStartedAt: c.aggregationStartedAt,
          freshSuccess: Date.now() - c.lastSuccessAt!.getTime() < 60_000,
          // The aggregator's own time of the refresh, which later decides whether it saw another.
          keepsAggregatorsAttemptTime:
            c.providerAttemptAt?.getTime() ===
            (
              await testAggregator().getLoginStatus({ loginId: c.providerLoginId!, institutionId: c.institutionId })
            ).lastAttemptAt?.getTime(),
        },
        accounts: c.accounts.map((a) => ({
          name: a.name,
          kind: a.kind,
          mask: a.mask,
          balanceCents: a.balanceCents,
          linked: a.linked,
        })),
        events: events.map((e) => ({
          kind: e.kind,
          trigger: e.trigger,
          statusCode: e.statusCode,
          message: e.message,
          finished: e.durationMs !== null,
          hasCount: e.transactionCount !== null,
          // Written as UTC like every Prisma timestamp, whichever way the row was inserted.
          freshTimes: [e.startedAt, e.createdAt].every((t) => Math.abs(Date.now() - t.getTime()) < 60_000),
        })),
        openNotices: await testDb().notice.count({ where: { connectionId: id, resolvedAt: null } }),
        feedRows: await testDb().feedTransaction.count({ where: { bankAccount: { connectionId: id } } }),
      };
    };
    const [engine, batch] = [await comparable(ids[0]!), await comparable(ids[1]!)];
    expect(batch).toEqual(engine);
    expect(engine.accounts.some((a) => a.balanceCents !== 1n)).toBe(true);
    expect(engine.openNotices).toBe(0);
    expect(engine.connection.keepsAggregatorsAttemptTime).toBe(true);
  });
});
