import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client";
import { resetBankUser } from "@/server/testing/bank-site";
import { testDb } from "@/server/testing/db";
import {
  callerFor,
  createOrgWithMembers,
  testAggregator,
  uniqueSuffix,
  type OrgFixture,
} from "@/server/testing/fixtures";
import { planRefreshCycle } from "./refresh-cycle";
import { countingProxy } from "./testing/counting-proxy";
import { linkAtSandbox, startTestWorker, testQueueSchema, unfinishedTickets, waitUntil } from "./testing/helpers";
import type { RunningWorker } from "./worker";

// A provider that refreshes every login once a day by itself and forbids automated refresh
// calls (Mastercard Open Banking's rule): the nightly job only reads what it aggregated. The
// provider here is the sandbox declaring that policy, reached through a proxy that counts
// refresh requests; the provider's own nightly run is a refresh asked of the sandbox directly.

let fx: OrgFixture;
let worker: RunningWorker;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
const providerNightly = () =>
  new HttpAggregatorClient({
    baseUrl: proxy.url,
    timeoutMs: 5000,
    retry: { maxAttempts: 1 },
    capabilities: { refreshPolicy: "provider-nightly", historyDays: 180 },
  });

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Provider nightly");
  proxy = await countingProxy(inject("aggregatorUrl"), { holdRefreshAnswerMs: 0 });
  worker = await startTestWorker({ schema: testQueueSchema(), aggregator: providerNightly() });
});
afterAll(async () => {
  await worker?.stop({ graceful: true });
  await proxy?.close();
});

async function runCycle() {
  const cycleId = `provider-nightly-${uniqueSuffix()}`;
  await planRefreshCycle(testDb(), worker.sender, {
    cycleId,
    startsAt: new Date(),
    windowSeconds: 0,
    organizationIds: [fx.org.id],
  });
  await waitUntil(`cycle ${cycleId} is done`, async () => (await unfinishedTickets(testDb(), cycleId)) === 0);
  return testDb().refreshTicket.findMany({ where: { cycleId } });
}

const loginOf = async (connectionId: string) => {
  const c = await testDb().connection.findUniqueOrThrow({
    where: { id: connectionId },
    select: { providerLoginId: true, institutionId: true },
  });
  return { loginId: c.providerLoginId!, institutionId: c.institutionId };
};
const scheduled = (connectionId: string) =>
  testDb().connectionEvent.findMany({
    where: { connectionId, kind: "REFRESH", trigger: "SCHEDULE" },
    orderBy: { startedAt: "asc" },
  });
const refreshCalls = () => [...proxy.refreshes.values()].reduce((n, c) => n + c, 0);

describe("a provider that refreshes by itself (provider-nightly)", () => {
  it("reads what the provider aggregated since the last read, never asks it to refresh, and leaves the rest alone", async () => {
    const connectionId = await linkAtSandbox(fx, "harborviewbank-personal");
    const linkedAt = (await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).lastSuccessAt!;

    // Nothing aggregated by the provider since the link: the night reads and skips.
    let tickets = await runCycle();
    expect(tickets.map((t) => t.outcome)).toEqual(["skipped: nothing new at the provider"]);
    expect(await scheduled(connectionId)).toEqual([]);

    // The provider's own nightly run, then the night's read brings it in.
    await testAggregator().refresh(await loginOf(connectionId));
    tickets = await runCycle();
    expect(tickets.map((t) => [t.outcome, t.statusCode])).toEqual([["refreshed", 0]]);
    expect((await scheduled(connectionId)).map((e) => e.statusCode)).toEqual([0]);
    const after = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(after.status).toBe("ACTIVE");
    expect(after.lastSuccessAt!.getTime()).toBeGreaterThan(linkedAt.getTime());

    expect(refreshCalls()).toBe(0);
  });

  it("records a failure of the provider's own run with its code and the customer's notice, without retrying it", async () => {
    const institutionId = "tidewaterbank-business";
    await resetBankUser(institutionId, "demo_password");
    const connectionId = await linkAtSandbox(fx, institutionId, "demo_password");
    // The provider's nightly run meets the bank's demand for a new password (109).
    await testAggregator()
      .refresh(await loginOf(connectionId))
      .catch(() => {});
    const tickets = await runCycle();
    expect(tickets.find((t) => t.connectionId === connectionId)).toMatchObject({ outcome: "failed", statusCode: 109 });
    expect(await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
      status: "ACTION_REQUIRED",
      lastStatusCode: 109,
      nextRetryAt: null,
    });
    expect(await testDb().notice.count({ where: { connectionId, statusCode: 109, resolvedAt: null } })).toBe(1);
    expect(refreshCalls()).toBe(0);
  });

  it("reaches back the provider's history window at an account's first retrieval", async () => {
    const owner = callerFor(testDb(), fx.users.OWNER, { aggregator: providerNightly() });
    const linked = await owner.connections.link({
      orgSlug: fx.org.slug,
      institutionId: "summitvalleybank-personal",
      credentials: { username: "demo_big", password: "go" },
    });
    if (linked.kind !== "connected") throw new Error(`link gave ${linked.kind}`);
    const view = await owner.connections.get({ orgSlug: fx.org.slug, connectionId: linked.connectionId });
    await owner.connections.chooseAccounts({
      orgSlug: fx.org.slug,
      connectionId: linked.connectionId,
      choices: view.accounts.map((a) => ({
        bankAccountId: a.id,
        link: true,
        newRegisterName: `Big ${uniqueSuffix()}`,
      })),
    });
    const oldest = await testDb().feedTransaction.findFirstOrThrow({
      where: { bankAccount: { connectionId: linked.connectionId } },
      orderBy: { date: "asc" },
    });
    const days = (Date.now() - oldest.date.getTime()) / 86_400_000;
    expect(days).toBeGreaterThan(170);
    expect(days).toBeLessThanOrEqual(181);
  });
});
