import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { attemptSignIn } from "@/server/auth/throttle";
import { planRefreshCycle, reportCycleProgress } from "@/server/jobs/refresh-cycle";
import {
  linkAtSandbox,
  startTestWorker,
  testQueueSchema,
  unfinishedTickets,
  waitUntil,
} from "@/server/jobs/testing/helpers";
import type { RunningWorker } from "@/server/jobs/worker";
import { createLogger } from "@/server/log";
import { listWork, trackWork } from "@/server/progress/work-progress";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { metricsAccess } from "./access";
import { databaseMetrics } from "./database";
import { pushMetrics } from "./push";

process.env.DATABASE_URL = inject("databaseUrl");
const { GET } = await import("@/app/api/metrics/route");

// /api/metrics as Prometheus reads it: who may read it, and that what happened in this process,
// in a worker and in the database shows up, labelled so instances stay apart.

let fx: OrgFixture;
let worker: RunningWorker;
const schema = testQueueSchema();

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Metrics");
  worker = await startTestWorker({ schema });
});
afterAll(async () => {
  await worker?.stop({ graceful: true });
});

const scrape = async (headers: Record<string, string> = { "x-forwarded-for": "127.0.0.1" }) => {
  const res = await GET(new Request("http://bankline.test/api/metrics", { headers }));
  return { status: res.status, text: await res.text(), type: res.headers.get("content-type") };
};

/** The value of one series, by its name and some of its labels. */
function sample(text: string, name: string, labels: Record<string, string>): number | null {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`)))
      return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return null;
}

function capture() {
  const lines: string[] = [];
  const destination = new Writable({ write: (chunk, _e, done) => (lines.push(String(chunk)), done()) });
  return {
    log: createLogger({ level: "info", destination }),
    messages: () => lines.map((l) => JSON.parse(l).msg as string),
  };
}

describe("who may read /api/metrics", () => {
  it("opens for the bearer token and for this machine, and for nobody else", async () => {
    process.env.METRICS_TOKEN = "scrape-token-for-tests";
    try {
      expect((await scrape({ "x-forwarded-for": "203.0.113.9" })).status).toBe(401);
      expect((await scrape({ "x-forwarded-for": "203.0.113.9", authorization: "Bearer wrong-token" })).status).toBe(
        401,
      );
      // A client writing 127.0.0.1 itself, left of what the proxy appended, is not this machine.
      expect((await scrape({ "x-forwarded-for": "127.0.0.1, 203.0.113.9" })).status).toBe(401);
      const withToken = await scrape({
        "x-forwarded-for": "203.0.113.9",
        authorization: "Bearer scrape-token-for-tests",
      });
      expect(withToken.status).toBe(200);
      expect(withToken.type).toContain("text/plain");
      expect((await scrape({ "x-forwarded-for": "::1" })).status).toBe(200);
    } finally {
      delete process.env.METRICS_TOKEN;
    }
    expect(
      metricsAccess(new Headers({ authorization: "Bearer anything", "x-forwarded-for": "198.51.100.4" }), {}),
    ).toBeNull();
  });
});

describe("what /api/metrics shows", () => {
  it("procedure calls by procedure and code, sign-in failures and aggregator calls by operation and outcome", async () => {
    const caller = callerFor(testDb(), fx.users.OWNER);
    await caller.connections.list({ orgSlug: fx.org.slug });
    await expect(
      callerFor(testDb(), fx.users.VIEWER).connections.link({
        orgSlug: fx.org.slug,
        institutionId: "x",
        credentials: { username: "demo", password: "go" },
      }),
    ).rejects.toThrow();
    await attemptSignIn(testDb(), `nobody-${uniqueSuffix()}@metrics.test`, "203.0.113.77", async () => false);
    await linkAtSandbox(fx, "sandbox-bank-personal");
    await expect(linkAtSandbox(fx, "sandbox-bank-personal", "demo_business")).rejects.toThrow();

    const { status, text } = await scrape();
    expect(status).toBe(200);
    expect(
      sample(text, "bankline_trpc_calls_total", {
        procedure: "connections.list",
        type: "query",
        code: "OK",
        service: "web",
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "bankline_trpc_calls_total", { procedure: "connections.link", code: "FORBIDDEN" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "bankline_trpc_call_duration_seconds_count", { procedure: "connections.list" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "bankline_sign_in_failures_total", { factor: "password", reason: "wrong" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, "bankline_aggregator_calls_total", { operation: "link", outcome: "ok", code: "none" }),
    ).toBeGreaterThanOrEqual(1);
    // demo_business at a personal variant: the aggregator answers 103.
    expect(sample(text, "bankline_aggregator_calls_total", { operation: "link", code: "103" })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      sample(text, "bankline_aggregator_call_duration_seconds_count", { operation: "link" }),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, "bankline_connections", { status: "ACTIVE" })).toBeGreaterThanOrEqual(1);
    // Each HELP and TYPE once, however many processes contributed.
    const types = text.split("\n").filter((l) => l.startsWith("# TYPE "));
    expect(new Set(types).size).toBe(types.length);
  });

  it("a worker's metrics, pushed into PostgreSQL, are served labelled with the worker", async () => {
    await pushMetrics(testDb(), "worker");
    const { text } = await scrape();
    expect(
      sample(text, "bankline_aggregator_calls_total", { operation: "link", outcome: "ok", service: "worker" }),
    ).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/process_cpu_user_seconds_total\{[^}]*service="worker",worker="[^"]+"/);
  });

  it("job queue depth and the age of the oldest due job, by queue", async () => {
    const queue = "connection-alerts";
    await worker.boss.send(queue, { connectionId: "none" }, { startAfter: 3600 });
    const before = await databaseMetrics(testDb(), { queueSchema: schema });
    const deferred = before
      .find((m) => m.name === "bankline_job_queue_jobs")!
      .values.find((v) => v.labels.queue === queue && v.labels.state === "deferred");
    expect(deferred?.value).toBeGreaterThanOrEqual(1);
    // Without its schema (a database no worker ever used) the queues are simply not reported.
    expect(
      (await databaseMetrics(testDb(), { queueSchema: "no_such_schema" })).find(
        (m) => m.name === "bankline_job_queue_jobs",
      )!.values,
    ).toEqual([]);
  });
});

describe("progress of long work", () => {
  it("a nightly cycle reports how far it got, in its row, its log and the console's list", async () => {
    await linkAtSandbox(fx, "evergreenmutual-personal");
    const cycleId = `metrics-cycle-${uniqueSuffix()}`;
    const { planned } = await planRefreshCycle(testDb(), worker.sender, {
      cycleId,
      startsAt: new Date(),
      windowSeconds: 0,
      organizationIds: [fx.org.id],
    });
    expect(planned).toBeGreaterThanOrEqual(2);
    expect((await listWork(testDb())).find((w) => w.label === `Refresh cycle ${cycleId}`)).toMatchObject({
      total: planned,
      finishedAt: null,
    });

    await waitUntil(`cycle ${cycleId} is done`, async () => (await unfinishedTickets(testDb(), cycleId)) === 0);
    const { log, messages } = capture();
    await reportCycleProgress(testDb(), log);
    const row = await testDb().workProgress.findUniqueOrThrow({
      where: { kind_key: { kind: "refresh-cycle", key: cycleId } },
    });
    expect(row).toMatchObject({ done: planned, failed: 0, total: planned });
    expect(row.finishedAt).not.toBeNull();
    expect(messages()).toContain(`Refresh cycle ${cycleId}: ${planned} of ${planned} (100%), finished`);
    const { text } = await scrape();
    expect(sample(text, "bankline_refresh_cycle_tickets", { state: "planned" })).toBeGreaterThanOrEqual(planned);
  });

  it("a loop tracked with trackWork writes its row now and then and logs each tenth", async () => {
    const { log, messages } = capture();
    const key = `import-${uniqueSuffix()}`;
    const work = await trackWork(
      testDb(),
      log,
      { kind: "statement-import", key, label: "Statement import", total: 1_000, organizationId: fx.org.id },
      0,
    );
    for (let i = 0; i < 10; i++) await work.advance(100, i === 3 ? 1 : 0);
    await work.finish();
    expect(
      await testDb().workProgress.findUniqueOrThrow({ where: { kind_key: { kind: "statement-import", key } } }),
    ).toMatchObject({ done: 1_000, failed: 1, total: 1_000 });
    expect(messages().filter((m) => m.startsWith("Statement import: "))).toEqual([
      ...[1, 2, 3].map((t) => `Statement import: ${t * 100} of 1,000 (${t * 10}%)`),
      ...[4, 5, 6, 7, 8, 9, 10].map(
        (t) => `Statement import: ${t === 10 ? "1,000" : t * 100} of 1,000 (${t * 10}%), 1 failed`,
      ),
      "Statement import: 1,000 of 1,000 (100%), 1 failed, finished",
    ]);
  });
});
