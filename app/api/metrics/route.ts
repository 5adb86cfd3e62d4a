import { getDb } from "@/server/db/client";
import { withAllOrganizations } from "@/server/db/tenancy";
import { log } from "@/server/log";
import { metricsAccess } from "@/server/metrics/access";
import { databaseMetrics } from "@/server/metrics/database";
import { workerSnapshots } from "@/server/metrics/push";
import { mergeMetrics, processMetrics, withLabels } from "@/server/metrics/registry";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Prometheus metrics: this web process's, every worker's, and the database's figures (docs/operations.md). */
export async function GET(req: Request) {
  if (!metricsAccess(req.headers))
    return new Response("Metrics need METRICS_TOKEN as a bearer token, or a request from this machine.", {
      status: 401,
      headers: { "www-authenticate": "Bearer" },
    });
  const db = getDb();
  const own = processMetrics();
  try {
    // Counts across every organization (connections by status): under a bypass named for it, like the worker's.
    const [mine, workers, database] = await Promise.all([
      own.registry.getMetricsAsJSON(),
      workerSnapshots(db),
      withAllOrganizations("metrics", () => databaseMetrics(db)),
    ]);
    const { text, contentType } = await mergeMetrics([
      withLabels(mine, { service: own.service }),
      ...workers,
      database,
    ]);
    return new Response(text, { headers: { "content-type": contentType, "cache-control": "no-store" } });
  } catch (err) {
    log.error({ err }, "metrics: could not read them");
    return new Response("metrics unavailable", { status: 503 });
  }
}
