import { Gauge, Registry } from "prom-client";
import type { Db } from "@/server/db/client";
import type { MetricsJson } from "./registry";

// Figures that live in PostgreSQL, read when /api/metrics is scraped: they are the same whichever
// instance answers, and right after a restart. One query per family, each on an index or a small table.

const QUEUE_SCHEMA = /^[a-z_][a-z0-9_]*$/;

export async function databaseMetrics(
  db: Db,
  options: { queueSchema?: string; now?: Date } = {},
): Promise<MetricsJson> {
  const schema = options.queueSchema ?? "pgboss";
  if (!QUEUE_SCHEMA.test(schema)) throw new Error(`not a queue schema name: ${schema}`);
  const registry = new Registry();
  const registers = [registry];
  const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Gauge<L>({ name, help, labelNames, registers });

  const [queues, cycle, connections, work] = await Promise.all([
    // pg-boss's own table (none before a worker first started): jobs not finished, by queue. "ready" are due and
    // waiting for a worker.
    queueStats(db, schema),
    // The latest nightly cycle: how far it got.
    db.$queryRaw<
      {
        id: string;
        startsAt: Date;
        windowSeconds: number;
        planned: number;
        finished: number;
        refreshed: number;
        failed: number;
        skipped: number;
        aggregating: number;
      }[]
    >`
      SELECT c.id, c."startsAt", c."windowSeconds", count(t.id)::int AS planned,
        count(t."finishedAt")::int AS finished,
        count(*) FILTER (WHERE t.outcome = 'refreshed')::int AS refreshed,
        count(*) FILTER (WHERE t.outcome = 'failed')::int AS failed,
        count(*) FILTER (WHERE t.outcome LIKE 'skipped%')::int AS skipped,
        count(*) FILTER (WHERE t.outcome = 'aggregating')::int AS aggregating
      FROM (SELECT * FROM "RefreshCycle" ORDER BY "startsAt" DESC LIMIT 1) c
      LEFT JOIN "RefreshTicket" t ON t."cycleId" = c.id
      GROUP BY c.id, c."startsAt", c."windowSeconds"`,
    db.$queryRaw<
      { status: string; count: number }[]
    >`SELECT status::text AS status, count(*)::int AS count FROM "Connection" GROUP BY status`,
    db.$queryRaw<
      { kind: string; running: number; done: number; total: number; failed: number; silent: number | null }[]
    >`
      SELECT kind, count(*)::int AS running, sum(done)::int AS done, coalesce(sum(total), 0)::int AS total,
        sum(failed)::int AS failed, extract(epoch FROM now() - min("updatedAt"))::float8 AS silent
      FROM "WorkProgress" WHERE "finishedAt" IS NULL GROUP BY kind`,
  ]);

  const jobs = gauge(
    "bankline_job_queue_jobs",
    "Jobs not finished, by queue and state (ready: due and waiting for a worker)",
    ["queue", "state"],
  );
  const oldest = gauge(
    "bankline_job_queue_oldest_ready_seconds",
    "How long the oldest due job of a queue has waited (0 when none waits)",
    ["queue"],
  );
  for (const q of queues) {
    for (const state of ["ready", "deferred", "retry", "active"] as const) jobs.set({ queue: q.name, state }, q[state]);
    oldest.set({ queue: q.name }, Math.max(0, q.oldest ?? 0));
  }

  const tickets = gauge(
    "bankline_refresh_cycle_tickets",
    "The latest nightly refresh cycle's tickets: planned, finished, and finished by outcome " +
      "(aggregating: left to the webhook or the sweep)",
    ["state"],
  );
  const started = gauge(
    "bankline_refresh_cycle_start_time_seconds",
    "When the latest nightly refresh cycle began (Unix time)",
    [],
  );
  const ends = gauge(
    "bankline_refresh_cycle_window_end_time_seconds",
    "When the latest cycle's window ends: every refresh is due by then (Unix time)",
    [],
  );
  const latest = cycle[0];
  if (latest) {
    for (const state of ["planned", "finished", "refreshed", "failed", "skipped", "aggregating"] as const)
      tickets.set({ state }, latest[state]);
    started.set(latest.startsAt.getTime() / 1000);
    ends.set(latest.startsAt.getTime() / 1000 + latest.windowSeconds);
  }

  const byStatus = gauge("bankline_connections", "Bank connections by status", ["status"]);
  for (const row of connections) byStatus.set({ status: row.status }, row.count);

  const running = gauge("bankline_work_running", "Long work under way (nightly cycles, imports, backfills) by kind", [
    "kind",
  ]);
  const items = gauge(
    "bankline_work_items",
    "Items of the long work under way, by kind: done, failed and total (0 when not known yet)",
    ["kind", "state"],
  );
  const silent = gauge(
    "bankline_work_silent_seconds",
    "Since the least recent progress report of running work of this kind",
    ["kind"],
  );
  for (const row of work) {
    running.set({ kind: row.kind }, row.running);
    items.set({ kind: row.kind, state: "done" }, row.done);
    items.set({ kind: row.kind, state: "failed" }, row.failed);
    items.set({ kind: row.kind, state: "total" }, row.total);
    silent.set({ kind: row.kind }, Math.max(0, row.silent ?? 0));
  }
  return registry.getMetricsAsJSON();
}

async function queueStats(db: Db, schema: string) {
  const [table] = await db.$queryRaw<
    { exists: boolean }[]
  >`SELECT to_regclass(${`${schema}.job`}) IS NOT NULL AS exists`;
  if (!table?.exists) return [];
  return db.$queryRawUnsafe<
    { name: string; ready: number; deferred: number; retry: number; active: number; oldest: number | null }[]
  >(`
      SELECT name,
        count(*) FILTER (WHERE state < 'active' AND start_after <= now())::int AS ready,
        count(*) FILTER (WHERE state < 'active' AND start_after > now())::int AS deferred,
        count(*) FILTER (WHERE state = 'retry')::int AS retry,
        count(*) FILTER (WHERE state = 'active')::int AS active,
        extract(epoch FROM now() - min(start_after) FILTER (WHERE state < 'active' AND start_after <= now()))::float8
          AS oldest
      FROM ${schema}.job WHERE state < 'completed' GROUP BY name`);
}
