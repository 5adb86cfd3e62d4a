import { hostname } from "node:os";
import { randomBytes } from "node:crypto";
import {
  AggregatorRegistry,
  collectDefaultMetrics,
  Counter,
  Histogram,
  Registry,
  type MetricObjectWithValues,
  type MetricValue,
} from "prom-client";
import type { Factor } from "@/server/auth/throttle";

// This process's Prometheus metrics (prom-client). Web processes serve theirs at /api/metrics
// together with every worker's (which workers push into PostgreSQL: ./push.ts) and figures read
// from the database at scrape time (./database.ts). docs/operations.md says what to alert on.

export interface ProcessMetrics {
  registry: Registry;
  /** web or worker: the label every series of this process carries. */
  service: string;
  /** Tells this process from others of its service (a worker's snapshot row). */
  instance: string;
  procedureCalls: Counter<"procedure" | "type" | "code">;
  procedureSeconds: Histogram<"procedure" | "type">;
  httpSeconds: Histogram<"route">;
  aggregatorCalls: Counter<"operation" | "outcome" | "code">;
  aggregatorSeconds: Histogram<"operation">;
  signInFailures: Counter<"factor" | "reason">;
}

const globalForMetrics = globalThis as unknown as { banklineMetrics?: ProcessMetrics };

/** The process's metrics, created on first use (once per process, however Next.js bundles this module). */
export function processMetrics(): ProcessMetrics {
  globalForMetrics.banklineMetrics ??= createMetrics(process.env.BANKLINE_SERVICE ?? "web");
  return globalForMetrics.banklineMetrics;
}

function createMetrics(service: string): ProcessMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    service,
    instance: `${hostname()}:${process.pid}:${randomBytes(3).toString("hex")}`,
    procedureCalls: new Counter({
      name: "bankline_trpc_calls_total",
      help: "tRPC procedure calls by procedure, type and result code (OK or the tRPC error code)",
      labelNames: ["procedure", "type", "code"],
      registers,
    }),
    procedureSeconds: new Histogram({
      name: "bankline_trpc_call_duration_seconds",
      help: "Time in a tRPC procedure: access checks, membership and the handler",
      labelNames: ["procedure", "type"],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    httpSeconds: new Histogram({
      name: "bankline_http_request_duration_seconds",
      help: "Whole HTTP requests of the API routes, session check included",
      labelNames: ["route"],
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    aggregatorCalls: new Counter({
      name: "bankline_aggregator_calls_total",
      help:
        "Calls to the aggregator by operation, outcome (ok or the failure's kind) " +
        "and status code (none when it gave none)",
      labelNames: ["operation", "outcome", "code"],
      registers,
    }),
    aggregatorSeconds: new Histogram({
      name: "bankline_aggregator_call_duration_seconds",
      help: "Aggregator round trips by operation, each attempt",
      labelNames: ["operation"],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    signInFailures: new Counter({
      name: "bankline_sign_in_failures_total",
      help: "Refused sign-ins by factor (password or code) and reason (wrong, or throttled)",
      labelNames: ["factor", "reason"],
      registers,
    }),
  };
}

export type MetricsJson = MetricObjectWithValues<MetricValue<string>>[];

/** Adds labels to every value: series of several processes, merged, stay apart. */
export function withLabels(metrics: MetricsJson, labels: Record<string, string>): MetricsJson {
  return metrics.map((metric) => ({
    ...metric,
    values: metric.values.map((value) => ({ ...value, labels: { ...value.labels, ...labels } })),
  }));
}

/** One exposition of several processes' metrics (their series told apart by labels already). */
export async function mergeMetrics(sets: MetricsJson[]): Promise<{ text: string; contentType: string }> {
  // Series never collide once labelled, so "first" only gathers them under one HELP and TYPE each.
  const merged = AggregatorRegistry.aggregate(
    sets.map((set) => set.map((metric) => ({ ...metric, aggregator: "first" as const }))),
  );
  return { text: await merged.metrics(), contentType: merged.contentType };
}

/** One attempt of an aggregator call, as the provider clients log it. */
export function recordAggregatorCall(call: { operation: string; outcome: string; code: number | null; ms: number }) {
  const metrics = processMetrics();
  metrics.aggregatorCalls.inc({
    operation: call.operation,
    outcome: call.outcome,
    code: call.code === null ? "none" : String(call.code),
  });
  metrics.aggregatorSeconds.observe({ operation: call.operation }, call.ms / 1000);
}

export function recordSignInFailure(factor: Factor, reason: "wrong" | "throttled") {
  processMetrics().signInFailures.inc({ factor, reason });
}
