import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { planRefreshCycle } from "./refresh-cycle";
import { countingProxy } from "./testing/counting-proxy";
import { linkAtSandbox, startTestWorker, testQueueSchema, unfinishedTickets, waitUntil } from "./testing/helpers";
import type { RunningWorker } from "./worker";

// The nightly refresh's limits, seen from the aggregator's side: a bank with many of the
// cycle's connections never gets more than REFRESH_PER_INSTITUTION refreshes at once, and
// all banks together never more than the aggregator's cap.

const CAP = 4;
const PER_INSTITUTION = 2;
// One bank holds most of the cycle, so only the per-institution limit keeps it from filling the
// cap; the other has enough refreshes to run beside it through several rounds, so the two are
// in flight together even when a loaded machine spaces the rounds out.
const plan = [...Array<string>(8).fill("harborviewbank-business"), ...Array<string>(6).fill("lakeshorebank-business")];

let fx: OrgFixture;
let worker: RunningWorker;
const institutionOfLogin = new Map<string, string>();
let proxy: Awaited<ReturnType<typeof countingProxy>>;

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Limits");
  for (const institutionId of plan) await linkAtSandbox(fx, institutionId);
  for (const c of await testDb().connection.findMany({ where: { organizationId: fx.org.id } }))
    institutionOfLogin.set(c.providerLoginId!, c.institutionId);
  proxy = await countingProxy(inject("aggregatorUrl"), {
    holdRefreshAnswerMs: 250,
    institutionOf: (loginId) => institutionOfLogin.get(loginId),
  });
  worker = await startTestWorker({
    schema: testQueueSchema(),
    config: { aggregatorConcurrency: CAP, perInstitution: PER_INSTITUTION },
    aggregator: new HttpAggregatorClient({ baseUrl: proxy.url, timeoutMs: 5000, retry: { maxAttempts: 1 } }),
  });
});

afterAll(async () => {
  await worker?.stop({ graceful: true });
  await proxy?.close();
});

describe("refresh concurrency limits", () => {
  it("never refreshes more than the per-institution limit at one bank while the overall cap holds", async () => {
    const cycleId = `test-limits-${uniqueSuffix()}`;
    const planned = await planRefreshCycle(testDb(), worker.sender, {
      cycleId,
      startsAt: new Date(),
      windowSeconds: 0,
      organizationIds: [fx.org.id],
    });
    expect(planned.queued).toBe(plan.length);
    await waitUntil("the cycle is done", async () => (await unfinishedTickets(testDb(), cycleId)) === 0);

    expect([...proxy.refreshes.values()]).toEqual(Array<number>(plan.length).fill(1));
    const perInstitution = proxy.maxInFlightByInstitution();
    expect(perInstitution.get("?")).toBeUndefined();
    for (const [institutionId, most] of perInstitution)
      expect(most, `refreshes in flight at ${institutionId}`).toBeLessThanOrEqual(PER_INSTITUTION);
    // The limits were reached, not merely left untested by a slow trickle.
    expect(perInstitution.get("harborviewbank-business")).toBe(PER_INSTITUTION);
    expect(proxy.maxInFlight()).toBeGreaterThan(PER_INSTITUTION);
    expect(proxy.maxInFlight()).toBeLessThanOrEqual(CAP);
  });
});
