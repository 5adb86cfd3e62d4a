import { beforeAll, describe, expect, it } from "vitest";
import type { AggregatorClient } from "@/server/aggregator/client";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, testAggregator, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { runRefreshTicket, type RefreshDeps } from "./refresh-ticket";
import { recoverStuckAggregations } from "./stuck-aggregations";
import { linkAtSandbox } from "./testing/helpers";

// What a worker finds when it takes over a refresh another worker left half done, and what
// the sweeper does with aggregations nobody completed. Each state is built on purpose.

let fx: OrgFixture;
const institutions = [
  "citrusgrovecommercial",
  "commonwealthnonprofit",
  "pioneerteacherscu",
  "oldmillsavings",
  "silverlakecu",
  "keystoneheritage-personal",
];

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Recovery");
});

function counting(): { aggregator: AggregatorClient; refreshes: () => number } {
  let refreshes = 0;
  const inner = testAggregator();
  const aggregator = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop === "refresh")
        return (...args: Parameters<AggregatorClient["refresh"]>) => (refreshes++, target.refresh(...args));
      return Reflect.get(target, prop, receiver);
    },
  });
  return { aggregator, refreshes: () => refreshes };
}

const depsWith = (aggregator: AggregatorClient): RefreshDeps => ({
  db: testDb(),
  aggregator,
  log,
  aggregations: { run: (work) => work() },
  reads: { run: (work) => work() },
});

/** A connection whose scheduled refresh was claimed by a worker that then died: ticket attempted, event open. */
async function claimedAndAbandoned(institutionId: string, options: { released?: boolean } = {}) {
  const connectionId = await linkAtSandbox(fx, institutionId);
  const cycle = await testDb().refreshCycle.create({
    data: { id: `test-recovery-${uniqueSuffix()}`, startsAt: new Date(), windowSeconds: 0 },
  });
  const ticket = await testDb().refreshTicket.create({
    data: {
      id: `${cycle.id}:${connectionId}`,
      cycleId: cycle.id,
      connectionId,
      institutionId,
      reason: "NIGHTLY",
      runAfter: new Date(),
      attemptedAt: new Date(),
    },
  });
  await new Promise((r) => setTimeout(r, 5));
  const event = await testDb().connectionEvent.create({
    data: {
      organizationId: fx.org.id,
      connectionId,
      institutionId,
      kind: "REFRESH",
      trigger: "SCHEDULE",
      statusCode: 325,
      message: "Aggregation in progress",
    },
  });
  await testDb().connection.update({
    where: { id: connectionId },
    data: options.released
      ? { status: "AGGREGATING", activeEventId: null, aggregationStartedAt: null }
      : { status: "AGGREGATING", activeEventId: event.id, aggregationStartedAt: event.startedAt },
  });
  const connection = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
  return { ticket, event, connection, ref: { loginId: connection.providerLoginId!, institutionId } };
}

async function expectRefreshedOnce(connectionId: string, eventId: string) {
  const events = await testDb().connectionEvent.findMany({ where: { connectionId, kind: "REFRESH" } });
  expect(events.map((e) => [e.id, e.statusCode])).toEqual([[eventId, 0]]);
  expect(events[0]!.durationMs).not.toBeNull();
  expect(await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
    status: "ACTIVE",
    activeEventId: null,
  });
}

describe("taking over an abandoned refresh ticket", () => {
  it("sends the refresh when the dead worker claimed the connection but never asked the aggregator", async () => {
    // The claim came within milliseconds of the link's own aggregation: closer than the two
    // clocks can be told apart, so only the aggregator's time of the link, which Bankline
    // kept, shows that the aggregator has not seen another attempt since.
    const { ticket, event, connection, ref } = await claimedAndAbandoned(institutions[0]!);
    const linked = await testAggregator().getLoginStatus(ref);
    expect(connection.providerAttemptAt).toEqual(linked.lastAttemptAt);
    const { aggregator, refreshes } = counting();
    expect(await runRefreshTicket(depsWith(aggregator), ticket.id)).toEqual({ outcome: "refreshed", statusCode: 0 });
    expect(refreshes()).toBe(1);
    await expectRefreshedOnce(connection.id, event.id);
    const after = await testDb().connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after.providerAttemptAt!.getTime()).toBeGreaterThan(linked.lastAttemptAt!.getTime());
    expect(after.providerAttemptAt).toEqual((await testAggregator().getLoginStatus(ref)).lastAttemptAt);
  });

  it("without the aggregator's time of the last attempt, tells by the clocks when the claim came well after it", async () => {
    const { ticket, event, connection } = await claimedAndAbandoned(institutions[5]!);
    await testDb().connection.update({ where: { id: connection.id }, data: { providerAttemptAt: null } });
    await testDb().connectionEvent.update({
      where: { id: event.id },
      data: { startedAt: new Date(Date.now() + 5000) },
    });
    const { aggregator, refreshes } = counting();
    expect(await runRefreshTicket(depsWith(aggregator), ticket.id)).toEqual({ outcome: "refreshed", statusCode: 0 });
    expect(refreshes()).toBe(1);
    await expectRefreshedOnce(connection.id, event.id);
  });

  it("completes without asking again when the refresh reached the aggregator before the worker died", async () => {
    const { ticket, event, connection, ref } = await claimedAndAbandoned(institutions[1]!);
    await testAggregator().refresh(ref);
    const { aggregator, refreshes } = counting();
    expect(await runRefreshTicket(depsWith(aggregator), ticket.id)).toEqual({ outcome: "refreshed", statusCode: 0 });
    expect(refreshes()).toBe(0);
    await expectRefreshedOnce(connection.id, event.id);
  });

  it("finishes the attempt a worker released but died before completing", async () => {
    const { ticket, event, connection, ref } = await claimedAndAbandoned(institutions[2]!, { released: true });
    await testAggregator().refresh(ref);
    const { aggregator, refreshes } = counting();
    await runRefreshTicket(depsWith(aggregator), ticket.id);
    expect(refreshes()).toBe(0);
    await expectRefreshedOnce(connection.id, event.id);
    expect(await runRefreshTicket(depsWith(aggregator), ticket.id)).toEqual({ outcome: "already finished" });
  });
});

describe("the stuck aggregation sweeper", () => {
  const longAgo = () => new Date(Date.now() - 10 * 60_000);

  it("settles an orphaned attempt nobody is attached to any more", async () => {
    const { event, connection, ref } = await claimedAndAbandoned(institutions[3]!, { released: true });
    await testAggregator().refresh(ref);
    await testDb().$executeRaw`UPDATE "Connection" SET "updatedAt" = ${longAgo()} WHERE "id" = ${connection.id}`;
    await recoverStuckAggregations({ db: testDb(), aggregator: testAggregator(), log }, new Date(), {
      organizationIds: [fx.org.id],
    });
    await expectRefreshedOnce(connection.id, event.id);
  });

  it("does not take an attempt the aggregator never saw for a success: it becomes a retry", async () => {
    // Started right after the link's aggregation, as close as the clocks cannot tell apart.
    const { event, connection } = await claimedAndAbandoned(institutions[4]!);
    await testDb().connection.update({ where: { id: connection.id }, data: { aggregationStartedAt: longAgo() } });
    await recoverStuckAggregations({ db: testDb(), aggregator: testAggregator(), log }, new Date(), {
      organizationIds: [fx.org.id],
    });
    const after = await testDb().connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after).toMatchObject({ status: "ERROR", lastStatusCode: 102, activeEventId: null });
    expect(after.nextRetryAt).not.toBeNull();
    expect(await testDb().connectionEvent.findUniqueOrThrow({ where: { id: event.id } })).toMatchObject({
      statusCode: 102,
    });
  });
});
