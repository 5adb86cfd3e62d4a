import { throwawayDatabase } from "./lib/bench-database";
import { mailConfigFromEnv } from "@/server/mail/config";
import { readFileSync, readdirSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import path from "node:path";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { PrismaPg } from "@prisma/adapter-pg";
import { HttpAggregatorClient, type AggregatorClient } from "@/server/aggregator/client";
import { PrismaClient } from "@/server/db/generated/client";
import { migrate } from "@/server/db/migrate";
import { jobsConfigFromEnv } from "@/server/jobs/config";
import { planRefreshCycle } from "@/server/jobs/refresh-cycle";
import { startWorker } from "@/server/jobs/worker";
import { createLogger } from "@/server/log";
import { startTestSandbox } from "@/server/testing/sandbox";

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

/** Counts refresh requests per login, how many were in flight at once, and when each started and ended. */
function counted(inner: AggregatorClient) {
  const refreshes = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const spans: { from: number; to: number }[] = [];
  const client = new Proxy(inner, {
    get(target, prop, receiver) {
      if (prop !== "refresh") return Reflect.get(target, prop, receiver);
      return async (...args: Parameters<AggregatorClient["refresh"]>) => {
        refreshes.set(args[0].loginId, (refreshes.get(args[0].loginId) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const from = performance.now();
        try {
          return await target.refresh(...args);
        } finally {
          inFlight--;
          spans.push({ from, to: performance.now() });
        }
      };
    },
  });
  return { client, refreshes, maxInFlight: () => maxInFlight, spans };
}

/**
 * Where the cycle's wall time went, in slot-seconds divided by the cap, so the parts add up to
 * the wall time exactly: the bound (every refresh one bare round trip), what the round trips
 * took beyond the injected latency, and the slots left empty at the start (before the cap was
 * first filled), in the middle (a slot free with no refresh ready to take it) and at the end
 * (the last refreshes draining, then the last reads and settlement after the last answer).
 */
function breakdown(spans: { from: number; to: number }[], startedAt: number, endedAt: number) {
  const ms = (n: number) => n / CAP / 1000;
  const edges = spans.flatMap((s) => [
    { at: s.from - startedAt, d: 1 },
    { at: s.to - startedAt, d: -1 },
  ]);
  edges.sort((a, b) => a.at - b.at || a.d - b.d);
  const wall = endedAt - startedAt;
  let running = 0;
  const firstFull = edges.find((e) => (running += e.d) >= CAP)?.at ?? wall;
  const lastStart = Math.max(...spans.map((s) => s.from - startedAt));
  const lastEnd = Math.max(...spans.map((s) => s.to - startedAt));
  const idle = { start: 0, middle: 0, draining: 0 };
  let inFlight = 0;
  let at = 0;
  const account = (until: number) => {
    const empty = (CAP - inFlight) * (until - at);
    if (at < firstFull) idle.start += empty;
    else if (at < lastStart) idle.middle += empty;
    else idle.draining += empty;
    at = until;
  };
  for (const e of edges) {
    account(e.at);
    inFlight += e.d;
  }
  const overRoundTrips = spans.reduce((n, s) => n + (s.to - s.from - LATENCY_MS), 0);
  return {
    wall: wall / 1000,
    bound: ms(spans.length * LATENCY_MS),
    overRoundTrips: ms(overRoundTrips),
    firstRequest: Math.min(...spans.map((s) => s.from - startedAt)) / 1000,
    firstFull: firstFull / 1000,
    start: ms(idle.start),
    middle: ms(idle.middle),
    draining: ms(idle.draining),
    afterLast: (wall - lastEnd) / 1000,
  };
}

interface Summary {
  mean: number;
  p50: number;
  p99: number;
  max: number;
}
interface SandboxStats {
  eventLoopDelayMs: Summary;
  routes: Record<string, { count: number; waitMs: Summary; workMs: Summary }>;
}
const summarized = (s: Summary) =>
  `mean ${s.mean.toFixed(2)}, p50 ${s.p50.toFixed(2)}, p99 ${s.p99.toFixed(1)}, max ${s.max.toFixed(1)} ms`;

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
  const database = await throwawayDatabase({ name: "bankline-bench", serverUrl: process.env.BENCH_DATABASE_URL, dir });
  const databaseUrl = database.url;
  await migrate(databaseUrl);
  const sandbox = await startTestSandbox(dir, {
    LOG_LEVEL: "warn",
    SANDBOX_MFA_TIMEOUT_MS: "300000",
    ...(process.env.BENCH_SANDBOX_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SANDBOX_NODE_OPTIONS } : {}),
  });
  const db = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 30 }) });

  try {
    say(`setting up ${CONNECTIONS} connections of ${ORGANIZATIONS} organizations at the sandbox (no latency yet)…`);
    const setupClient = new HttpAggregatorClient({ baseUrl: sandbox.url, timeoutMs: 30_000, logger: log });
    const institutions = (await setupClient.searchInstitutions({ limit: 100 })).institutions;
    await db.institution.createMany({
      data: institutions.map((i) => ({ id: i.id, name: i.name, variant: i.variant, loginUrl: i.loginUrl })),
    });
    const orgs = Array.from({ length: ORGANIZATIONS }, (_, i) => ({
      id: `bench-org-${i}`,
      slug: `bench-${i}`,
      name: `Bench Organization ${i}`,
    }));
    await db.organization.createMany({ data: orgs });
    const logins: { organizationId: string; institutionId: string; loginId: string }[] = [];
    // demo_business links only at business variants; plain demo everywhere else.
    await pool(
      Array.from({ length: CONNECTIONS }, (_, i) => i),
      50,
      async (i) => {
        const org = orgs[i % ORGANIZATIONS]!;
        const institution = institutions[i % institutions.length]!;
        const outcome = await setupClient.link({
          organizationId: org.id,
          organizationName: org.name,
          institutionId: institution.id,
          credentials: { username: "demo", password: "go" },
        });
        logins[i] = { organizationId: org.id, institutionId: institution.id, loginId: outcome.login.loginId };
      },
    );
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
    const accounts: {
      organizationId: string;
      connectionId: string;
      providerAccountId: string;
      name: string;
      kind: string;
      mask: string;
    }[] = [];
    await pool(logins, 50, async (l, i) => {
      for (const a of await setupClient.listAccounts({ loginId: l.loginId, institutionId: l.institutionId })) {
        accounts.push({
          organizationId: l.organizationId,
          connectionId: `bench-conn-${String(i).padStart(5, "0")}`,
          providerAccountId: a.id,
          name: a.name,
          kind: a.kind,
          mask: a.mask,
        });
      }
    });
    for (let i = 0; i < accounts.length; i += 5000)
      await db.bankAccount.createMany({ data: accounts.slice(i, i + 5000) });

    const res = await fetch(`${sandbox.url}/admin/faults/defaults`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ latencyMs: LATENCY_MS }),
    });
    if (!res.ok) throw new Error(`could not set the sandbox latency: ${res.status}`);

    const { client, refreshes, maxInFlight, spans } = counted(
      new HttpAggregatorClient({ baseUrl: sandbox.url, timeoutMs: 30_000, logger: log }),
    );
    const config = { ...jobsConfigFromEnv(), aggregatorConcurrency: CAP, refreshWindowSeconds: 0 };
    const worker = await startWorker(
      { databaseUrl, db: db as never, aggregator: client, log, config, mail: { config: mailConfigFromEnv({}) } },
      { schedules: false },
    );
    say(
      `sandbox latency ${LATENCY_MS} ms, aggregator cap ${CAP}, reads ${config.readConcurrency} per worker, ` +
        `${config.perInstitution} per institution; refreshing…`,
    );

    await fetch(`${sandbox.url}/admin/stats`, { method: "DELETE" });
    const loopDelay = monitorEventLoopDelay({ resolution: 5 });
    loopDelay.enable();
    const cpuBefore = {
      bench: process.cpuUsage(),
      sandbox: sandboxCpu(sandbox.stateFile),
      postgres: postgresCpu(path.join(dir, "pg")),
    };
    const started = performance.now();
    const cycleStart = new Date();
    const plan = await planRefreshCycle(db as never, worker.sender, {
      cycleId: "bench",
      startsAt: cycleStart,
      windowSeconds: 0,
    });
    const plannedAfter = (performance.now() - started) / 1000;
    // Polled often once few are left, so the end is noticed within 10 ms.
    for (let left; (left = await db.refreshTicket.count({ where: { cycleId: "bench", finishedAt: null } })) > 0;) {
      await new Promise((r) => setTimeout(r, left > 200 ? 100 : 10));
    }
    const ended = performance.now();
    const seconds = (ended - started) / 1000;
    loopDelay.disable();
    const sandboxStats = (await fetch(`${sandbox.url}/admin/stats`).then((r) => r.json())) as SandboxStats;
    const benchCpu = process.cpuUsage(cpuBefore.bench);
    const cpu = {
      bench: (benchCpu.user + benchCpu.system) / 1e6,
      sandbox: sandboxCpu(sandbox.stateFile) - cpuBefore.sandbox,
      postgres: postgresCpu(path.join(dir, "pg")) - cpuBefore.postgres,
    };
    await worker.stop({ graceful: true });

    await fetch(`${sandbox.url}/admin/faults`, { method: "DELETE" });
    const tickets = await db.refreshTicket.groupBy({
      by: ["outcome"],
      where: { cycleId: "bench" },
      _count: { _all: true },
    });
    const perConnection = await db.$queryRaw<{ n: bigint; connections: bigint }[]>`
      SELECT n, count(*) AS connections FROM (
        SELECT c."id", count(e."id") AS n FROM "Connection" c
        LEFT JOIN "ConnectionEvent" e ON e."connectionId" = c."id" AND e."trigger" = 'SCHEDULE' AND e."statusCode" = 0
          AND e."durationMs" IS NOT NULL
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
      const page = (await fetch(`${sandbox.url}/v1/customers/${customerId}/institution-logins`).then((r) =>
        r.json(),
      )) as {
        logins: { id: string; lastAttemptAt: string | null }[];
      };
      for (const l of page.logins) atAggregator.set(l.id, l.lastAttemptAt);
    }
    const refreshedAtAggregator = logins.filter((l) => {
      const at = atAggregator.get(l.loginId);
      return at && Date.parse(at) >= cycleStart.getTime();
    }).length;

    say(
      `planned ${plan.planned} in ${plannedAfter.toFixed(1)} s (refreshing meanwhile); ` +
        `tickets ${tickets.map((t) => `${t.outcome}=${t._count._all}`).join(" ")}`,
    );
    say(
      `refresh requests: ${counts.reduce((a, b) => a + b, 0)} for ${refreshes.size} logins; ` +
        `twice or more: ${counts.filter((n) => n > 1).length}; missed: ${CONNECTIONS - refreshes.size}`,
    );
    say(
      `aggregator saw a new attempt on ${refreshedAtAggregator} of ${CONNECTIONS} logins; ` +
        `most refreshes in flight at once: ${maxInFlight()}`,
    );
    const durations = spans.map((s) => s.to - s.from).sort((a, b) => a - b);
    say(
      `refresh round trip: median ${durations[durations.length >> 1]!.toFixed(0)} ms, ` +
        `p95 ${durations[Math.floor(durations.length * 0.95)]!.toFixed(0)} ms`,
    );
    const at = (route: string) => sandboxStats.routes[route];
    const refreshAt = at("POST /v1/institution-logins/:loginId/refresh");
    const accountsAt = at("GET /v1/institution-logins/:loginId/accounts");
    for (const [name, r] of [
      ["refresh", refreshAt],
      ["accounts", accountsAt],
    ] as const) {
      if (r)
        say(
          `sandbox beyond its ${LATENCY_MS} ms, ${name} (${r.count}): ` +
            `waiting ${summarized(r.waitMs)}; working ${summarized(r.workMs)}`,
        );
    }
    // The monitor's samples include its 5 ms timer interval.
    const loopMs = (h: typeof loopDelay) => ({
      mean: h.mean / 1e6 - 5,
      p50: h.percentile(50) / 1e6 - 5,
      p99: h.percentile(99) / 1e6 - 5,
      max: h.max / 1e6 - 5,
    });
    say(
      `event loop delay: sandbox ${summarized(sandboxStats.eventLoopDelayMs)}; ` +
        `this process ${summarized(loopMs(loopDelay))}`,
    );
    const b = breakdown(spans, started, ended);
    const rows: [string, number, string?][] = [
      [`bound: ${CONNECTIONS} refreshes × ${LATENCY_MS} ms / ${CAP}`, b.bound],
      [`refresh round trips beyond ${LATENCY_MS} ms`, b.overRoundTrips],
      [
        "start: slots empty until the cap first filled",
        b.start,
        `first request at ${b.firstRequest.toFixed(2)} s, cap filled at ${b.firstFull.toFixed(2)} s`,
      ],
      ["middle: slots free with no refresh ready", b.middle],
      ["end: the last refreshes draining", b.draining],
      ["end: after the last answer (reads, settlement, noticed)", b.afterLast],
    ];
    const width = Math.max(...rows.map(([label]) => label.length)) + 2;
    say(`where the wall time went (slot time / ${CAP} slots):`);
    rows.forEach(([label, seconds, note], i) => {
      say(
        `  ${label.padEnd(width)}${i === 0 ? " " : "+"}${seconds.toFixed(2).padStart(5)} s${note ? `  (${note})` : ""}`,
      );
    });
    say(`  ${"= wall".padEnd(width)} ${b.wall.toFixed(2).padStart(5)} s`);
    say(
      `CPU during the cycle: this process ${cpu.bench.toFixed(1)} s, sandbox ${cpu.sandbox.toFixed(1)} s, ` +
        `PostgreSQL ${cpu.postgres.toFixed(1)} s ` +
        `(${[cpu.bench, cpu.sandbox, cpu.postgres].map((c) => ((c * 1000) / CONNECTIONS).toFixed(2)).join(" / ")} ` +
        "ms per refresh); " +
        `load average ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores`,
    );
    say(`history: ${onceInHistory} of ${CONNECTIONS} connections with exactly one successful scheduled refresh`);
    const exactlyOnce =
      plan.planned === CONNECTIONS &&
      refreshes.size === CONNECTIONS &&
      counts.every((n) => n === 1) &&
      onceInHistory === CONNECTIONS &&
      refreshedAtAggregator === CONNECTIONS;
    const withinCap = maxInFlight() <= CAP;
    if (!exactlyOnce) say("CHECK FAILED: a connection was missed or refreshed twice");
    if (!withinCap)
      say(`CHECK FAILED: ${maxInFlight()} refreshes were in flight at once, over the aggregator cap of ${CAP}`);
    const ok = exactlyOnce && withinCap;
    console.log(
      `bench:refresh connections=${CONNECTIONS} seconds=${seconds.toFixed(2)} bound_s=${BOUND_S} ` +
        `ratio=${(seconds / BOUND_S).toFixed(3)}`,
    );
    process.exitCode = ok ? 0 : 1;
  } finally {
    await db.$disconnect();
    await sandbox.stop();
    await database.dispose();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
