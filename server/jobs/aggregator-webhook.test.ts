import { randomBytes } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { processAggregatorWebhook } from "./aggregator-webhook";
import { recoverStuckAggregations } from "./stuck-aggregations";
import { linkAtSandbox } from "./testing/helpers";

let fx: OrgFixture;
const deps = () => ({ db: testDb(), aggregator: testAggregator(), log });

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Jobs");
});

/** Links demo_slow and waits until the sandbox has finished its aggregation (Bankline has not heard yet). */
async function slowLinkFinishedAtAggregator(institutionId: string) {
  const outcome = await callerFor(testDb(), fx.users.OWNER).connections.link({
    orgSlug: fx.org.slug,
    institutionId,
    credentials: { username: "demo_slow", password: "go" },
  });
  expect(outcome.kind).toBe("aggregating");
  const connection = await testDb().connection.findUniqueOrThrow({ where: { id: outcome.connectionId! } });
  const ref = { loginId: connection.providerLoginId!, institutionId };
  for (let i = 0; i < 100 && (await testAggregator().getLoginStatus(ref)).aggregating; i++)
    await new Promise((r) => setTimeout(r, 100));
  return connection;
}

/** Stores a webhook about the connection's login, as the receiver would. */
async function storeWebhook(
  connection: { providerLoginId: string | null; institutionId: string },
  type: "aggregation.completed" | "login.mfa_expired",
  data: {
    statusCode: number;
    lastSuccessAt: Date | null;
    lastAttemptAt: Date | null;
    trigger: "link" | "refresh" | "update";
  },
) {
  const eventId = `evt_${randomBytes(6).toString("hex")}`;
  const now = new Date().toISOString();
  await testDb().webhookEvent.create({
    data: {
      id: eventId,
      type,
      payload: {
        id: eventId,
        type,
        createdAt: now,
        sentAt: now,
        data: {
          loginId: connection.providerLoginId,
          customerId: "cus_x",
          customerExternalId: fx.org.id,
          institutionId: connection.institutionId,
          statusCode: data.statusCode,
          aggregating: false,
          lastSuccessAt: data.lastSuccessAt?.toISOString() ?? null,
          lastAttemptAt: data.lastAttemptAt?.toISOString() ?? null,
          trigger: data.trigger,
        },
      },
    },
  });
  return eventId;
}

/** Stores a webhook about a finished aggregation of the connection. */
const storeCompletion = (
  connection: { providerLoginId: string | null; institutionId: string },
  lastAttemptAt: Date,
  statusCode = 0,
  trigger: "link" | "refresh" = "refresh",
) =>
  storeWebhook(connection, "aggregation.completed", {
    statusCode,
    lastSuccessAt: statusCode === 0 ? lastAttemptAt : null,
    lastAttemptAt,
    trigger,
  });

describe("aggregator webhook job", () => {
  it("leaves an aggregation to the process completing it: no second completion, no second history row", async () => {
    const connectionId = await linkAtSandbox(fx, "pioneerteacherscu");
    const linked = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    // A forced refresh answered at once; its request released the attempt and is still reading
    // accounts and transactions when the aggregator's webhook about it comes in.
    const ref = { loginId: linked.providerLoginId!, institutionId: linked.institutionId };
    const answer = await testAggregator().refresh(ref);
    await testDb().connection.update({
      where: { id: connectionId },
      data: { status: "AGGREGATING", activeEventId: null, aggregationStartedAt: null },
    });
    const events = await testDb().connectionEvent.count({ where: { connectionId } });
    const eventId = await storeCompletion(linked, answer.login.lastAttemptAt!);
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("processed");
    expect(await testDb().connectionEvent.count({ where: { connectionId } })).toBe(events);
    expect(await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
      status: "AGGREGATING",
      activeEventId: null,
    });
  });

  it("leaves alone an aggregation Bankline already settled when it answered at once", async () => {
    const connectionId = await linkAtSandbox(fx, "oldmillsavings");
    const before = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    const eventId = await storeCompletion(before, new Date(before.lastAttemptAt!.getTime() - 50));
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("processed");
    expect(await testDb().connectionEvent.count({ where: { connectionId } })).toBe(1);
    expect(await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
      lastAttemptAt: before.lastAttemptAt,
    });
  });

  it("applies an aggregation Bankline did not start (the aggregator's own refresh)", async () => {
    const connectionId = await linkAtSandbox(fx, "pioneerteacherscu", "demo_terms");
    const before = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    const ref = { loginId: before.providerLoginId!, institutionId: before.institutionId };
    await new Promise((r) => setTimeout(r, 10));
    await expect(testAggregator().refresh(ref)).rejects.toMatchObject({ code: 108 });
    const atAggregator = await testAggregator().getLoginStatus(ref);
    const eventId = await storeCompletion(before, atAggregator.lastAttemptAt!, 108);
    await processAggregatorWebhook(deps(), eventId);
    expect(await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } })).toMatchObject({
      status: "ACTION_REQUIRED",
      lastStatusCode: 108,
    });
    expect(await testDb().notice.count({ where: { connectionId, resolvedAt: null } })).toBe(1);
  });

  it("completes the connection's aggregation once, however often the event is processed", async () => {
    const connection = await slowLinkFinishedAtAggregator("granitestatebank-personal");
    const eventId = await storeCompletion(connection, new Date(), 0, "link");
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("processed");
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("skipped");
    const after = await testDb().connection.findUniqueOrThrow({ where: { id: connection.id } });
    expect(after).toMatchObject({ status: "ACTIVE", lastStatusCode: 0, activeEventId: null });
    expect(await testDb().bankAccount.count({ where: { connectionId: connection.id } })).toBe(2);
    const events = await testDb().connectionEvent.findMany({ where: { connectionId: connection.id } });
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ kind: "LINK", statusCode: 0 });
  });

  it("a security question that timed out at the aggregator leaves Error 331 and a notice, once", async () => {
    const linked = await callerFor(testDb(), fx.users.OWNER).connections.link({
      orgSlug: fx.org.slug,
      institutionId: "citrusgrovecommercial",
      credentials: { username: "demo_mfa", password: "go" },
    });
    expect(linked.kind).toBe("mfa");
    const connectionId = linked.connectionId!;
    const before = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    const expired = {
      statusCode: 331,
      lastSuccessAt: null,
      lastAttemptAt: before.providerAttemptAt,
      trigger: "link" as const,
    };
    const eventId = await storeWebhook(before, "login.mfa_expired", expired);
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("processed");

    const state = async () => ({
      connection: await testDb().connection.findUniqueOrThrow({
        where: { id: connectionId },
        select: {
          status: true,
          lastStatusCode: true,
          mfaSession: true,
          mfaQuestion: true,
          mfaExpiresAt: true,
          nextRetryAt: true,
          updatedAt: true,
        },
      }),
      events: (await testDb().connectionEvent.findMany({ where: { connectionId }, orderBy: { createdAt: "asc" } })).map(
        (e) => [e.kind, e.trigger, e.statusCode],
      ),
      notices: (await testDb().notice.findMany({ where: { connectionId, resolvedAt: null } })).map((n) => [
        n.statusCode,
        n.title,
      ]),
    });
    const after = await state();
    expect(after.connection).toMatchObject({
      status: "ACTION_REQUIRED",
      lastStatusCode: 331,
      mfaSession: null,
      mfaQuestion: null,
      mfaExpiresAt: null,
      nextRetryAt: null,
    });
    expect(after.events).toEqual([
      ["LINK", "CUSTOMER", 185],
      ["MFA_ANSWER", "WEBHOOK", 331],
    ]);
    // The 185 notice gave way to one that leads to Update Login.
    expect(after.notices).toEqual([[331, "Error 331: The security question timed out"]]);
    const seen = await callerFor(testDb(), fx.users.VIEWER).connections.get({ orgSlug: fx.org.slug, connectionId });
    expect(seen).toMatchObject({
      status: "ACTION_REQUIRED",
      awaitingAnswer: false,
      problem: { code: 331, actor: "customer" },
    });
    expect(seen.problem!.nextStep).toMatch(/Update Login/);

    // The same event again, and a redelivery under a new id, change nothing.
    expect(await processAggregatorWebhook(deps(), eventId)).toBe("skipped");
    expect(await processAggregatorWebhook(deps(), await storeWebhook(before, "login.mfa_expired", expired))).toBe(
      "processed",
    );
    expect(await state()).toEqual(after);
  });

  it("settles an aggregation whose webhook never came", async () => {
    const connection = await slowLinkFinishedAtAggregator("granitestatebank-business");
    await testDb().connection.update({
      where: { id: connection.id },
      data: { aggregationStartedAt: new Date(Date.now() - 10 * 60_000) },
    });
    expect(await recoverStuckAggregations(deps(), new Date(), { organizationIds: [fx.org.id] })).toBe(1);
    expect((await testDb().connection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("ACTIVE");
  });
});
