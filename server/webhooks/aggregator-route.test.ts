import { randomBytes } from "node:crypto";
import type { PgBoss } from "pg-boss";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { testClient, uniqueOrg, waitFor, webhookReceiver } from "@/server/aggregator/testing/sandbox-helpers";
import { testDb } from "@/server/testing/db";
import { QUEUES } from "@/server/jobs/queue";
import { webhookJobId } from "@/server/jobs/aggregator-webhook";
import { receiveAggregatorWebhook } from "./receive-aggregator-webhook";
import { signWebhookBody, SIGNATURE_HEADER } from "./signature";

// The real route handler, called with real Requests, on the run's database and job queue.

const SECRET = "route-test-webhook-secret-2f9c41";
let POST: (req: Request) => Promise<Response>;

beforeAll(async () => {
  process.env.DATABASE_URL = inject("databaseUrl");
  process.env.AGGREGATOR_WEBHOOK_SECRET = SECRET;
  ({ POST } = await import("@/app/api/webhooks/aggregator/route"));
});

afterAll(async () => {
  const queue = (globalThis as { banklineQueue?: Promise<PgBoss> }).banklineQueue;
  if (queue) await (await queue).stop({ graceful: false, close: true });
  const { getDb } = await import("@/server/db/client");
  await getDb().$disconnect();
});

function event(overrides: { id?: string; sentAt?: string } = {}) {
  return {
    id: overrides.id ?? `evt_test_${randomBytes(8).toString("hex")}`,
    type: "aggregation.completed",
    createdAt: new Date().toISOString(),
    sentAt: overrides.sentAt ?? new Date().toISOString(),
    data: {
      loginId: "login_route_test",
      customerId: "cus_route_test",
      customerExternalId: "org_route_test",
      institutionId: "sandbox-bank-personal",
      statusCode: 0,
      aggregating: false,
      lastSuccessAt: new Date().toISOString(),
      lastAttemptAt: new Date().toISOString(),
      trigger: "refresh",
    },
  };
}

function request(raw: string, signature: string | null = signWebhookBody(raw, SECRET)) {
  const headers = new Headers({ "content-type": "application/json" });
  if (signature !== null) headers.set(SIGNATURE_HEADER, signature);
  return new Request("http://localhost/api/webhooks/aggregator", { method: "POST", headers, body: raw });
}

const stored = (id: string) => testDb().webhookEvent.findUnique({ where: { id } });
const jobs = (eventId: string) =>
  testDb().$queryRawUnsafe<{ id: string; data: { eventId: string } }[]>(
    "SELECT id::text, data FROM pgboss.job WHERE name = $1 AND data->>'eventId' = $2",
    QUEUES.aggregatorWebhook,
    eventId,
  );

describe("aggregator webhook route", () => {
  it("accepts a signed event, stores it and queues it, fast", async () => {
    const e = event();
    const started = performance.now();
    const res = await POST(request(JSON.stringify(e)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "accepted" });
    expect(performance.now() - started).toBeLessThan(5000);
    const row = await stored(e.id);
    expect(row).toMatchObject({ type: "aggregation.completed", processedAt: null });
    expect(row!.payload).toMatchObject({ id: e.id, data: { loginId: "login_route_test", statusCode: 0 } });
    expect(await jobs(e.id)).toEqual([{ id: webhookJobId(e.id), data: { eventId: e.id } }]);
  });

  it("ignores a repeated event id", async () => {
    const e = event();
    expect((await POST(request(JSON.stringify(e)))).status).toBe(200);
    const again = await POST(request(JSON.stringify({ ...e, sentAt: new Date().toISOString() })));
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: "duplicate" });
    expect(await testDb().webhookEvent.count({ where: { id: e.id } })).toBe(1);
    expect(await jobs(e.id)).toHaveLength(1);
  });

  it("refuses a bad signature, a tampered body and a missing signature with 401", async () => {
    const e = event();
    const raw = JSON.stringify(e);
    expect((await POST(request(raw, signWebhookBody(raw, "some-other-secret-value")))).status).toBe(401);
    expect(
      (await POST(request(raw.replace('"statusCode":0', '"statusCode":103'), signWebhookBody(raw, SECRET)))).status,
    ).toBe(401);
    expect((await POST(request(raw, null))).status).toBe(401);
    expect((await POST(request(raw, "sha256=short"))).status).toBe(401);
    expect(await stored(e.id)).toBeNull();
  });

  it("refuses stale and far-future timestamps, and events that are not events", async () => {
    const stale = event({ sentAt: new Date(Date.now() - 10 * 60_000).toISOString() });
    const future = event({ sentAt: new Date(Date.now() + 10 * 60_000).toISOString() });
    for (const e of [stale, future]) {
      const res = await POST(request(JSON.stringify(e)));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ error: "stale timestamp" });
      expect(await stored(e.id)).toBeNull();
    }
    expect((await POST(request(JSON.stringify({ hello: "world" })))).status).toBe(400);
    expect((await POST(request("not json"))).status).toBe(400);
  });

  it("answers 503 when the event cannot be queued, and queues it when it is delivered again", async () => {
    const e = event();
    const raw = JSON.stringify(e);
    const queued: string[] = [];
    const deps = (fail: boolean) => ({
      db: testDb(),
      secret: SECRET,
      enqueueEvent: async (id: string) => {
        if (fail) throw new Error("queue down");
        queued.push(id);
      },
    });
    expect((await receiveAggregatorWebhook(request(raw), deps(true))).status).toBe(503);
    expect(await stored(e.id)).not.toBeNull();
    expect((await receiveAggregatorWebhook(request(raw), deps(false))).status).toBe(200);
    expect(queued).toEqual([e.id]);
  });

  it("accepts what the sandbox sends", async () => {
    const sandboxSecret = inject("aggregatorWebhookSecret");
    const hook = await webhookReceiver((req) =>
      receiveAggregatorWebhook(req, { db: testDb(), secret: sandboxSecret, enqueueEvent: async () => {} }),
    );
    try {
      const { client } = testClient({ customerWebhookUrl: hook.url });
      const outcome = await client.link({
        organizationId: uniqueOrg(),
        institutionId: "sandbox-bank-personal",
        credentials: { username: "demo", password: "go" },
      });
      const eventId = await waitFor("the webhook", async () => hook.received[0]?.body.id);
      const row = await waitFor("the stored event", () => stored(eventId));
      expect(row.payload).toMatchObject({
        type: "aggregation.completed",
        data: { loginId: outcome.login.loginId, statusCode: 0, trigger: "link" },
      });
    } finally {
      await hook.close();
    }
  });
});
