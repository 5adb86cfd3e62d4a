import { readFileSync, readdirSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { HttpAggregatorClient, type AggregatorClient } from "@/server/aggregator/client";
import { PrismaClient } from "@/server/db/generated/client";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { jobsConfigFromEnv } from "@/server/jobs/config";
import { planRefreshCycle } from "@/server/jobs/refresh-cycle";
import { startWorker } from "@/server/jobs/worker";
import { createLogger } from "@/server/log";
import { freePort } from "@/server/testing/free-port";
import { startTestSandbox } from "@/server/testing/sandbox";
import { dropDatabaseNamed, ensureDatabase, withDatabase } from "./lib/stack";

// `npm run bench:refresh`: one nightly refresh cycle of 5 000 active connections against the
// sandbox answering every request after 200 ms, with the aggregator's concurrency capped at
// 50. The bound is what the cap allows if every refresh held a slot for one round trip; the
// cycle runs through the real queue, worker, tickets and engine. docs/jobs.md explains the
// design and the figures. Set BENCH_DATABASE_URL to use a PostgreSQL server of your own.

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 5000);
const LATENCY_MS = 200;
const CAP = 50;
const ORGANIZATIONS = 50;
const BOUND_S = (CONNECTIONS * LATENCY_MS) / 1000 / CAP;

const say = (message: string) => console.log(`[bench] ${message}`);
const log = createLogger({ level: process.env.LOG_LEVEL ?? "warn" });

/** Counts refresh requests per login and how many were in flight at once. */
function counted(inner: AggregatorClient) {
  const refreshes = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const durations: number[] = [];
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== "refresh") return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<AggregatorClient["refresh"]>) => {
        refreshes.set(args[0].loginId, (refreshes.get(args[0].loginId) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const started = performance.now();
        try {
          return await target.refresh(...args);
        } finally {
          inFlight--;
          durations.push(performance.now() - started);
        }
      };
    },
  });
  return { client, refreshes, maxInFlight: () => maxInFlight, durations };
}

/** CPU seconds used so far by the processes `match` picks (Linux; NaN elsewhere). */
function cpuSeconds(match: (pid: string, stat: string[]) => boolean): number {
  let ticks = 0;
  try {
    for (const pid of readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
        if (match(pid, stat)) ticks += Number(stat[11]) + Number(stat[12]);
      } catch {
        // gone meanwhile, or not ours to read
      }
    }
  } catch {
    return NaN;
  }
  return ticks / 100;
}

/** The sandbox: the process whose environment names its state file. */
const sandboxCpu = (stateFile: string) =>
  cpuSeconds((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, "utf8").includes(stateFile);
    } catch {
      return false;
    }
  });

/** The embedded PostgreSQL: its postmaster and the backends it forked. */
const postgresCpu = (dataDir: string) => {
  let postmaster: string;
  try {
    postmaster = readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]!.trim();
  } catch {
    return NaN;
  }
  return cpuSeconds((pid, stat) => pid === postmaster || stat[1] === postmaster);
};

async function pool<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), "bankline-bench-"));
  await chmod(dir, 0o755);
  let embedded: EmbeddedDatabase | undefined;
  let serverUrl = process.env.BENCH_DATABASE_URL;
  if (!serverUrl) {
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), port: await freePort(), persistent: false });
    serverUrl = embedded.url();
  }
  const dbName = `bankline_bench_${Date.now()}`;
  await ensureDatabase(serverUrl, dbName);
  const databaseUrl = withDatabase(serverUrl, dbName);
  await migrate(databaseUrl);
  const sandbox = await startTestSandbox(dir, { LOG_LEVEL: "warn", SANDBOX_MFA_TIMEOUT_MS: "300000", ...(process.env.BENCH_SANDBOX_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SANDBOX_NODE_OPTIONS } : {}) });
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 30 }) });

  try {
    say(`setting up ${CONNECTIONS} connections of ${ORGANIZATIONS} organizations at the sandbox (no latency yet)…`);
    const setupClient = new HttpAggregatorClient({ baseUrl: sandbox.url, timeoutMs: 30_000, logger: log });
    const institutions = (await setupClient.searchInstitutions({ limit: 100 })).institutions;
    await db.institution.createMany({ data: institutions.map((i) => ({ id: i.id, name: i.name, variant: i.variant, loginUrl: i.loginUrl })) });
    const orgs = Array.from({ length: ORGANIZATIONS }, (_, i) => ({ id: `bench-org-${i}`, slug: `bench-${i}`, name: `Bench Organization ${i}` }));
    await db.organization.createMany({ data: orgs });
    const logins: { organizationId: string; institutionId: string; loginId: string }[] = [];
    // demo_business links only at business variants; plain demo everywhere else.
    await pool(Array.from({ length: CONNECTIONS }, (_, i) => i), 50, async (i) => {
      const org = orgs[i % ORGANIZATIONS]!;
      const institution = institutions[i % institutions.length]!;
      const outcome = await setupClient.link({
        organizationId: org.id,
        organizationName: org.name,
        institutionId: institution.id,
        credentials: { username: "demo", password: "go" },
      });
      logins[i] = { organizationId: org.id, institutionId: institution.id, loginId: outcome.login.loginId };
    });
    const yesterday = new Date(Date.now() - 86_400_000);
    await db.connection.createMany({
      data: logins.map((l, i) => ({
        id: `bench-conn-${String(i).padStart(5, "0")}`,
        organizationId: l.organizationId,
        institutionId: l.institutionId,
        providerLoginId: l.loginId,
        status: "ACTIVE" as const,
        lastStatusCode: 0,
        lastSuccessAt: yesterday,
        lastAttemptAt: yesterday,
        createdAt: new Date(Date.now() - 30 * 86_400_000),
      })),
    });
    const accounts: { organizationId: string; connectionId: string; providerAccountId: string; name: string; kind: string; mask: string }[] = [];
    await pool(logins, 50, async (l, i) => {
      for (const a of await setupClient.listAccounts({ loginId: l.loginId, institutionId: l.institutionId })) {
        accounts.push({ organizationId: l.organizationId, connectionId: `bench-conn-${String(i).padStart(5, "0")}`, providerAccountId: a.id, name: a.name, kind: a.kind, mask: a.mask });
      }
    });
    for (let i = 0; i < accounts.length; i += 5000) await db.bankAccount.createMany({ data: accounts.slice(i, i + 5000) });

    const res = await fetch(`${sandbox.url}/admin/faults/defaults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ latencyMs: LATENCY_MS }),
    });
    if (!res.ok) throw new Error(`could not set the sandbox latency: ${res.status}`);

    const { client, refreshes, maxInFlight, durations } = counted(new HttpAggregatorClient({ baseUrl: sandbox.url, timeoutMs: 30_000, logger: log }));
    const config = { ...jobsConfigFromEnv(), aggregatorConcurrency: CAP, refreshWindowSeconds: 0 };
    const worker = await startWorker({ databaseUrl, db: db as never, aggregator: client, log, config }, { schedules: false });
    say(`sandbox latency ${LATENCY_MS} ms, aggregator cap ${CAP}, reads ${config.readConcurrency} per worker, ${config.perInstitution} per institution; refreshing…`);

    const cpuBefore = { bench: process.cpuUsage(), sandbox: sandboxCpu(sandbox.stateFile), postgres: postgresCpu(path.join(dir, "pg")) };
    const started = performance.now();
    const cycleStart = new Date();
    const plan = await planRefreshCycle(db as never, worker.boss, { cycleId: "bench", startsAt: cycleStart, windowSeconds: 0 });
    const plannedAfter = (performance.now() - started) / 1000;
    while ((await db.refreshTicket.count({ where: { cycleId: "bench", finishedAt: null } })) > 0) await new Promise((r) => setTimeout(r, 100));
    const seconds = (performance.now() - started) / 1000;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu = {
      bench: (benchCpu.user + benchCpu.system) / 1e6,
      sandbox: sandboxCpu(sandbox.stateFile) - cpuBefore.sandbox,
      postgres: postgresCpu(path.join(dir, "pg")) - cpuBefore.postgres,
    };
    await worker.stop({ graceful: true });

    await fetch(`${sandbox.url}/admin/faults`, { method: "DELETE" });
    const tickets = await db.refreshTicket.groupBy({ by: ["outcome"], where: { cycleId: "bench" }, _count: { _all: true } });
    const perConnection = await db.$queryRaw<{ n: bigint; connections: bigint }[]>`
      SELECT n, count(*) AS connections FROM (
        SELECT c."id", count(e."id") AS n FROM "Connection" c
        LEFT JOIN "ConnectionEvent" e ON e."connectionId" = c."id" AND e."trigger" = 'SCHEDULE' AND e."statusCode" = 0 AND e."durationMs" IS NOT NULL
        GROUP BY c."id") t
      GROUP BY n ORDER BY n`;
    const onceInHistory = Number(perConnection.find((r) => Number(r.n) === 1)?.connections ?? 0);
    const counts = [...refreshes.values()];
    const atAggregator = new Map<string, string | null>();
    for (const org of orgs) {
      const customer = (await fetch(`${sandbox.url}/v1/customers`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ externalId: org.id }),
      }).then((r) => r.json())) as { customer?: { id: string } };
      const customerId = customer.customer?.id;
      if (!customerId) continue;
      const page = (await fetch(`${sandbox.url}/v1/customers/${customerId}/institution-logins`).then((r) => r.json())) as {
        logins: { id: string; lastAttemptAt: string | null }[];
      };
      for (const l of page.logins) atAggregator.set(l.id, l.lastAttemptAt);
    }
    const refreshedAtAggregator = logins.filter((l) => {
      const at = atAggregator.get(l.loginId);
      return at && Date.parse(at) >= cycleStart.getTime();
    }).length;

    say(`planned ${plan.planned} in ${plannedAfter.toFixed(1)} s (refreshing meanwhile); tickets ${tickets.map((t) => `${t.outcome}=${t._count._all}`).join(" ")}`);
    say(`refresh requests: ${counts.reduce((a, b) => a + b, 0)} for ${refreshes.size} logins; twice or more: ${counts.filter((n) => n > 1).length}; missed: ${CONNECTIONS - refreshes.size}`);
    say(`aggregator saw a new attempt on ${refreshedAtAggregator} of ${CONNECTIONS} logins; most refreshes in flight at once: ${maxInFlight()}`);
    durations.sort((a, b) => a - b);
    say(`refresh round trip: median ${durations[durations.length >> 1]!.toFixed(0)} ms, p95 ${durations[Math.floor(durations.length * 0.95)]!.toFixed(0)} ms`);
    say(
      `CPU during the cycle: this process ${cpu.bench.toFixed(1)} s, sandbox ${cpu.sandbox.toFixed(1)} s, PostgreSQL ${cpu.postgres.toFixed(1)} s; ` +
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    say(`history: ${onceInHistory} of ${CONNECTIONS} connections with exactly one successful scheduled refresh`);
    const ok = plan.planned === CONNECTIONS && refreshes.size === CONNECTIONS && counts.every((n) => n === 1) && onceInHistory === CONNECTIONS && refreshedAtAggregator === CONNECTIONS;
    if (!ok) say("CHECK FAILED: a connection was missed or refreshed twice");
    console.log(`bench:refresh connections=${CONNECTIONS} seconds=${seconds.toFixed(2)} bound_s=${BOUND_S} ratio=${(seconds / BOUND_S).toFixed(3)}`);
    process.exitCode = ok ? 0 : 1;
  } finally {
    await db.$disconnect();
    await sandbox.stop();
    await dropDatabaseNamed(serverUrl, dbName).catch(() => {});
    if (embedded) await embedded.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
