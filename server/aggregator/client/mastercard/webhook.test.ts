import { randomBytes } from "node:crypto";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { customerDirectory } from "@/server/connections/customer-directory";
import { processAggregatorWebhook, webhookJobId } from "@/server/jobs/aggregator-webhook";
import { QUEUES } from "@/server/jobs/queue";
import { createLogger } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers } from "@/server/testing/fixtures";
import { receiveWebhook } from "@/server/webhooks/receive-webhook";
import { MastercardClient } from "./client";
import { mastercardWebhookSettings, mastercardWebhookSource, signMastercardEvent } from "./webhook-source";

// The Mastercard webhook route, called with real signed Requests, on the run's database and
// job queue; then the worker's job applying what it stored.

const PARTNER_SECRET = "route-test-partner-secret-6b0e";
const CUSTOMER = "7011450988";
let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  Object.assign(process.env, {
    DATABASE_URL: inject("databaseUrl"),
    AGGREGATOR_PROVIDER: "mastercard",
    MASTERCARD_PARTNER_ID: "2445583946651",
    MASTERCARD_PARTNER_SECRET: PARTNER_SECRET,
    MASTERCARD_APP_KEY: "route-test-app-key",
  });
  ({ POST } = await import("@/app/api/webhooks/mastercard/route"));
});

afterAll(async () => {
  const queue = (globalThis as { banklineQueue?: Promise<PgBoss> }).banklineQueue;
  if (queue) await (await queue).stop({ graceful: false, close: true });
  const { getDb } = await import("@/server/db/client");
  await getDb().$disconnect();
});

const eventId = () => `${Date.now()}-${randomBytes(12).toString("hex")}`;

function event(eventType: string, overrides: Record<string, unknown> = {}) {
  return {
    customerId: CUSTOMER,
    consumerId: "0bf46322c167b562e6cbed9d40e19a4c",
    eventType,
    eventId: eventId(),
    payload: {},
    webhookData: { reference: "cs_route_1" },
    ...overrides,
  };
}

/** What the provider's `added` event lists: the accounts it saved, with full account numbers. */
const addedPayload = {
  accounts: [
    {
      id: "1045121390",
      number: "1000001111",
      realAccountNumberLast4: "1111",
      name: "Checking",
      type: "checking",
      institutionId: "101732",
      institutionLoginId: 1022599285,
    },
    {
      id: "1045121391",
      number: "1000002222",
      realAccountNumberLast4: "2222",
      name: "Savings",
      type: "savings",
      institutionId: "101732",
      institutionLoginId: 1022599285,
    },
  ],
  institutionId: "101732",
};

function request(
  raw: string,
  signature: string | null = signMastercardEvent(raw, PARTNER_SECRET),
  header = "x-finicity-signature",
) {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set(header, signature);
  return new Request("http://localhost/api/webhooks/mastercard", { method: "POST", headers, body: raw });
}

const stored = (id: string) => testDb().webhookEvent.findUnique({ where: { id } });
const jobs = (id: string) =>
  testDb().$queryRawUnsafe<{ id: string }[]>(
    "SELECT id::text FROM pgboss.job WHERE name = $1 AND data->>'eventId' = $2",
    QUEUES.aggregatorWebhook,
    id,
  );

describe("Mastercard webhook route", () => {
  it("accepts a signed `added` event as connect.completed, with the logins it names and none of its account numbers", async () => {
    const e = event("added", { payload: addedPayload });
    const res = await POST(request(JSON.stringify(e)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "accepted" });
    const row = await stored(`mastercard:${e.eventId}`);
    expect(row).toMatchObject({ type: "connect.completed", processedAt: null });
    expect(row!.payload).toMatchObject({
      id: `mastercard:${e.eventId}`,
      type: "connect.completed",
      data: {
        reference: "cs_route_1",
        customerId: CUSTOMER,
        customerExternalId: null,
        loginIds: [`${CUSTOMER}:1022599285`],
        institutionId: "101732",
        statusCode: null,
      },
    });
    expect(JSON.stringify(row!.payload)).not.toMatch(/1000001111|1000002222/);
    expect(await jobs(`mastercard:${e.eventId}`)).toEqual([{ id: webhookJobId(`mastercard:${e.eventId}`) }]);
  });

  it("ignores a repeated event id", async () => {
    const e = event("done");
    expect((await POST(request(JSON.stringify(e)))).status).toBe(200);
    const again = await POST(request(JSON.stringify(e)));
    expect(await again.json()).toEqual({ status: "duplicate" });
    expect(await testDb().webhookEvent.count({ where: { id: `mastercard:${e.eventId}` } })).toBe(1);
    expect(await jobs(`mastercard:${e.eventId}`)).toHaveLength(1);
  });

  it.each([
    ["done", "connect.completed", null],
    ["invalidCredentials", "connect.failed", 103],
    ["unableToConnect", "connect.failed", 102],
    ["institutionNotSupported", "connect.failed", 976],
    ["institutionNotFound", "connect.failed", null],
  ])("turns `%s` into %s with status %s", async (eventType, type, statusCode) => {
    const e = event(eventType, { payload: { institutionId: 101732 } });
    expect((await POST(request(JSON.stringify(e)))).status).toBe(200);
    expect((await stored(`mastercard:${e.eventId}`))!.payload).toMatchObject({
      type,
      data: { statusCode, reference: "cs_route_1", loginIds: [] },
    });
  });

  it("keeps the status code an `unableToConnect` carries", async () => {
    const e = event("unableToConnect", { payload: { institutionId: "101732", code: "910" } });
    await POST(request(JSON.stringify(e)));
    expect((await stored(`mastercard:${e.eventId}`))!.payload).toMatchObject({
      data: { statusCode: 910, institutionId: "101732" },
    });
  });

  it("stores the other events under a type of their own, and gives a ping without an id one from its body", async () => {
    const started = event("started");
    await POST(request(JSON.stringify(started)));
    expect(await stored(`mastercard:${started.eventId}`)).toMatchObject({ type: "mastercard.started" });

    const ping = JSON.stringify({ eventType: "ping", payload: {} });
    const first = await POST(request(ping));
    expect(await first.json()).toMatchObject({ status: expect.stringMatching(/accepted|duplicate/) });
    expect(await (await POST(request(ping))).json()).toEqual({ status: "duplicate" });
    expect(await testDb().webhookEvent.count({ where: { type: "mastercard.ping" } })).toBe(1);
  });

  it("refuses a bad, tampered, missing or malformed signature with 401, and stores nothing", async () => {
    const e = event("done");
    const raw = JSON.stringify(e);
    expect((await POST(request(raw, signMastercardEvent(raw, "another-partner-secret")))).status).toBe(401);
    expect(
      (await POST(request(raw.replace("cs_route_1", "cs_route_2"), signMastercardEvent(raw, PARTNER_SECRET)))).status,
    ).toBe(401);
    expect((await POST(request(raw, null))).status).toBe(401);
    expect((await POST(request(raw, "sha256=" + signMastercardEvent(raw, PARTNER_SECRET)))).status).toBe(401);
    expect((await POST(request(raw, signMastercardEvent(raw, PARTNER_SECRET), "x-signature"))).status).toBe(401);
    expect(await stored(`mastercard:${e.eventId}`)).toBeNull();
    // Hex in either case is the same signature.
    expect((await POST(request(raw, signMastercardEvent(raw, PARTNER_SECRET).toUpperCase()))).status).toBe(200);
  });

  it("refuses what is not an event with 400", async () => {
    for (const raw of [
      "not json",
      JSON.stringify({ hello: "world" }),
      JSON.stringify({ eventType: "added", eventId: eventId() }),
    ]) {
      expect((await POST(request(raw))).status).toBe(400);
    }
  });

  it("reads the signature from the configured header, and refuses every delivery while Mastercard is not the provider", async () => {
    const settings = mastercardWebhookSettings({ ...process.env, MASTERCARD_WEBHOOK_SIGNATURE_HEADER: "X-Signature" });
    expect(settings).toEqual({ partnerSecret: PARTNER_SECRET, signatureHeader: "x-signature" });
    const deps = { db: testDb(), enqueueEvent: async () => {} };
    const e = event("done");
    const raw = JSON.stringify(e);
    expect(
      (
        await receiveWebhook(
          request(raw, signMastercardEvent(raw, PARTNER_SECRET), "X-Signature"),
          mastercardWebhookSource(settings),
          deps,
        )
      ).status,
    ).toBe(200);

    const sandbox = mastercardWebhookSettings({
      DATABASE_URL: process.env.DATABASE_URL,
      MASTERCARD_PARTNER_SECRET: PARTNER_SECRET,
    });
    expect(sandbox.partnerSecret).toBeUndefined();
    expect(
      (await receiveWebhook(request(JSON.stringify(event("done"))), mastercardWebhookSource(sandbox), deps)).status,
    ).toBe(503);
  });
});

describe("Mastercard events in the worker", () => {
  it("records a failed attempt on the organization's Connect session, found by the reference Bankline gave", async () => {
    const db = testDb();
    const { org, users } = await createOrgWithMembers(db, "Mastercard Events Org");
    await customerDirectory(db, "mastercard").save(org.id, CUSTOMER);
    const session = await db.connectSession.create({
      data: { organizationId: org.id, purpose: "LINK", createdById: users.OWNER.id },
      select: { id: true },
    });
    const e = event("invalidCredentials", {
      webhookData: { reference: session.id },
      payload: { institutionId: "101732" },
    });
    expect((await POST(request(JSON.stringify(e)))).status).toBe(200);

    const deps = {
      db,
      log: createLogger({ level: "silent" }),
      aggregator: new MastercardClient({
        baseUrl: "http://127.0.0.1:9",
        partnerId: "p",
        partnerSecret: PARTNER_SECRET,
        appKey: "k",
        testing: true,
        customers: customerDirectory(db, "mastercard"),
      }),
    };
    expect(await processAggregatorWebhook(deps, `mastercard:${e.eventId}`)).toBe("processed");
    expect(
      await db.connectSession.findUnique({ where: { id: session.id }, select: { status: true, statusCode: true } }),
    ).toEqual({ status: "OPEN", statusCode: 103 });
    expect(
      await db.connectionEvent.findMany({
        where: { organizationId: org.id },
        select: { institutionId: true, statusCode: true },
      }),
    ).toEqual([{ institutionId: "101732", statusCode: 103 }]);

    const ping = event("started");
    await POST(request(JSON.stringify(ping)));
    expect(await processAggregatorWebhook(deps, `mastercard:${ping.eventId}`)).toBe("processed");
    expect((await stored(`mastercard:${ping.eventId}`))!.processedAt).not.toBeNull();
  });
});
