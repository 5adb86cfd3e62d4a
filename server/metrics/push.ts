import type { Db } from "@/server/db/client";
import type { Logger } from "@/server/log";
import { processMetrics, withLabels, type MetricsJson } from "./registry";

// Workers serve no HTTP, and run on as many machines as needed: each pushes its metrics into
// PostgreSQL every few seconds, and /api/metrics on any web instance serves them with its own.

/** How often a worker writes its snapshot. */
export const PUSH_EVERY_MS = 10_000;
/** A snapshot older than this is a worker that stopped: no longer served, and soon deleted. */
export const SNAPSHOT_FRESH_MS = 60_000;

export async function pushMetrics(db: Db, service = "worker", now = new Date()) {
  const metrics = processMetrics();
  const json = await metrics.registry.getMetricsAsJSON();
  await db.$executeRaw`
    INSERT INTO "MetricsSnapshot" ("instance", "service", "metrics", "updatedAt")
    VALUES (${metrics.instance}, ${service}, ${JSON.stringify(json)}::jsonb, ${now}::timestamp)
    ON CONFLICT ("instance") DO UPDATE SET "metrics" = EXCLUDED."metrics", "updatedAt" = EXCLUDED."updatedAt"`;
  await db.$executeRaw`
    DELETE FROM "MetricsSnapshot" WHERE "updatedAt" < ${new Date(now.getTime() - 10 * SNAPSHOT_FRESH_MS)}::timestamp`;
}

/** Pushes now and then every PUSH_EVERY_MS until stopped; the stop removes this process's row. */
export function startMetricsPush(db: Db, log: Logger, everyMs = PUSH_EVERY_MS) {
  let stopped = false;
  const push = () =>
    pushMetrics(db).catch((err: unknown) =>
      log.warn({ error: String(err) }, "metrics: could not push this worker's snapshot"),
    );
  void push();
  const timer = setInterval(() => void push(), everyMs);
  timer.unref();
  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await db.$executeRaw`DELETE FROM "MetricsSnapshot" WHERE "instance" = ${processMetrics().instance}`.catch(
        () => {},
      );
    },
  };
}

/** The workers' snapshots still fresh, each series labelled with its worker. */
export async function workerSnapshots(db: Db, now = new Date()): Promise<MetricsJson[]> {
  const rows = await db.$queryRaw<{ instance: string; service: string; metrics: MetricsJson }[]>`
    SELECT "instance", "service", "metrics" FROM "MetricsSnapshot"
    WHERE "updatedAt" >= ${new Date(now.getTime() - SNAPSHOT_FRESH_MS)}::timestamp`;
  return rows.map((row) => withLabels(row.metrics, { service: row.service, worker: row.instance }));
}
