import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, uniqueSuffix, type OrgFixture } from "@/server/testing/fixtures";
import { createQueueClient, ensureQueues } from "./queue";
import { planRefreshCycle } from "./refresh-cycle";
import { countingProxy } from "./testing/counting-proxy";
import { linkAtSandbox, testJobsConfig, testQueueSchema, unfinishedTickets, waitUntil } from "./testing/helpers";

// Kills a worker process in the middle of a refresh cycle and starts two others side by
// side: every connection must end up refreshed exactly once, at the aggregator and in its
// history, and the aggregator cap must hold across the workers.

const root = path.resolve(import.meta.dirname, "../..");
const institutions = ["keystoneheritage", "bluegrassfarmers", "mapleleafsavings"].flatMap((b) => [
  `${b}-personal`,
  `${b}-business`,
]);
const CONNECTIONS = 18;

let fx: OrgFixture;
let proxy: Awaited<ReturnType<typeof countingProxy>>;
const children: ChildProcess[] = [];
const schema = testQueueSchema();

function spawnWorker(): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "server/jobs/testing/worker-process.ts")], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      AGGREGATOR_URL: proxy.url,
      QUEUE_SCHEMA: schema,
      BANKLINE_SERVICE: "worker",
      LOG_LEVEL: "warn",
      REFRESH_CONCURRENCY: "4",
      REFRESH_READ_CONCURRENCY: "4",
      REFRESH_PER_INSTITUTION: "3",
      JOBS_HEARTBEAT_SECONDS: "10",
      JOBS_SUPERVISE_SECONDS: "1",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      if (chunk.toString().includes("worker ready")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Crash");
  proxy = await countingProxy(inject("aggregatorUrl"), { holdRefreshAnswerMs: 700 });
  for (let i = 0; i < CONNECTIONS; i++) await linkAtSandbox(fx, institutions[i % institutions.length]!);
}, 60_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await proxy?.close();
});

describe("a worker crash in the middle of a refresh cycle", () => {
  it("loses nothing and refreshes nothing twice once other workers take over", { timeout: 120_000 }, async () => {
    const sender = createQueueClient(inject("databaseUrl"), "sender", testJobsConfig, schema);
    await sender.start();
    await ensureQueues(sender, testJobsConfig);
    const cycleId = `test-crash-${uniqueSuffix()}`;
    const plan = await planRefreshCycle(testDb(), sender, {
      cycleId,
      startsAt: new Date(),
      windowSeconds: 0,
      organizationIds: [fx.org.id],
    });
    expect(plan.planned).toBe(CONNECTIONS);

    const first = await spawnWorker();
    await waitUntil(
      "a few refreshes are done",
      async () => (await testDb().refreshTicket.count({ where: { cycleId, finishedAt: { not: null } } })) >= 5,
      60_000,
    );
    await waitUntil(
      "refreshes are in flight",
      async () =>
        (await testDb().refreshTicket.count({ where: { cycleId, attemptedAt: { not: null }, finishedAt: null } })) >= 2,
      10_000,
    );
    first.kill("SIGKILL");
    const killedAt = new Date();
    await new Promise((r) => first.once("exit", r));
    const interrupted = await testDb().refreshTicket.count({
      where: { cycleId, attemptedAt: { not: null }, finishedAt: null },
    });
    expect(interrupted).toBeGreaterThan(0);
    expect(await unfinishedTickets(testDb(), cycleId)).toBeGreaterThan(0);

    await Promise.all([spawnWorker(), spawnWorker()]);
    await waitUntil("the cycle is done", async () => (await unfinishedTickets(testDb(), cycleId)) === 0, 90_000);
    await sender.stop({ graceful: false });

    const connections = await testDb().connection.findMany({ where: { organizationId: fx.org.id } });
    expect(connections).toHaveLength(CONNECTIONS);
    for (const c of connections) {
      expect(proxy.refreshes.get(c.providerLoginId!), `refresh requests for ${c.id}`).toBe(1);
      const events = await testDb().connectionEvent.findMany({ where: { connectionId: c.id, kind: "REFRESH" } });
      expect(
        events.map((e) => [e.trigger, e.statusCode]),
        `history of ${c.id}`,
      ).toEqual([["SCHEDULE", 0]]);
      expect(events[0]!.durationMs).not.toBeNull();
      expect(c).toMatchObject({ status: "ACTIVE", activeEventId: null });
    }
    expect(proxy.maxInFlight(), "refreshes in flight at once, all workers together").toBeLessThanOrEqual(4);
    const recovered = await testDb().refreshTicket.count({
      where: { cycleId, attemptedAt: { lt: killedAt }, finishedAt: { gt: killedAt } },
    });
    expect(recovered).toBe(interrupted);
  });
});
