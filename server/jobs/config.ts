import { z } from "zod";

// The job worker's settings, read once from the environment (docs/jobs.md lists them).

const int = (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback);

const schema = z.object({
  REFRESH_CRON: z.string().min(9).default("0 6 * * *"),
  REFRESH_CRON_TZ: z.string().default("UTC"),
  REFRESH_WINDOW_MINUTES: int(240),
  REFRESH_CONCURRENCY: int(50, 1),
  REFRESH_PER_INSTITUTION: int(10, 1),
  REFRESH_READ_CONCURRENCY: int(100, 1),
  JOBS_HEARTBEAT_SECONDS: int(30, 10),
  JOBS_SUPERVISE_SECONDS: int(30, 1),
  JOBS_SWEEP_CRON: z.string().min(9).default("* * * * *"),
  WEEKLY_SUMMARY_CRON: z.string().min(9).default("0 13 * * 1"),
});

export interface JobsConfig {
  /** When the nightly refresh cycle is planned (cron, in `refreshCronTz`). */
  refreshCron: string;
  refreshCronTz: string;
  /** The cycle's connections are spread evenly over this window. */
  refreshWindowSeconds: number;
  /** Aggregations in flight at once, across every worker (the aggregator's cap). */
  aggregatorConcurrency: number;
  /** Refresh jobs running at once per institution, across every worker. */
  perInstitution: number;
  /** Account and transaction reads after aggregations, per worker. */
  readConcurrency: number;
  /** A job whose worker stops sending heartbeats this long is given to another worker. */
  heartbeatSeconds: number;
  superviseSeconds: number;
  sweepCron: string;
  /** When owners who asked for it get the weekly summary (cron, in `refreshCronTz`). */
  weeklySummaryCron: string;
}

export function jobsConfigFromEnv(env: Record<string, string | undefined> = process.env): JobsConfig {
  const e = schema.parse(env);
  return {
    refreshCron: e.REFRESH_CRON,
    refreshCronTz: e.REFRESH_CRON_TZ,
    refreshWindowSeconds: e.REFRESH_WINDOW_MINUTES * 60,
    aggregatorConcurrency: e.REFRESH_CONCURRENCY,
    perInstitution: e.REFRESH_PER_INSTITUTION,
    readConcurrency: e.REFRESH_READ_CONCURRENCY,
    heartbeatSeconds: e.JOBS_HEARTBEAT_SECONDS,
    superviseSeconds: e.JOBS_SUPERVISE_SECONDS,
    sweepCron: e.JOBS_SWEEP_CRON,
    weeklySummaryCron: e.WEEKLY_SUMMARY_CRON,
  };
}
