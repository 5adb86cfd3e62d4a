import { getAggregatorClient } from "@/server/aggregator/client";
import { getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { mailConfigFromEnv } from "@/server/mail/config";
import { jobsConfigFromEnv } from "../config";
import { startWorker } from "../worker";

// A worker process for the crash test: like server/jobs/main.ts, on the pg-boss schema the
// test names (QUEUE_SCHEMA) and without cron schedules, so it touches only the test's jobs.

const databaseUrl = process.env.DATABASE_URL!;
const worker = await startWorker(
  {
    databaseUrl,
    db: getDb(),
    aggregator: getAggregatorClient(),
    log,
    config: jobsConfigFromEnv(),
    queueSchema: process.env.QUEUE_SCHEMA,
    mail: { config: mailConfigFromEnv() },
  },
  { schedules: false },
);
process.stdout.write("worker ready\n");
process.on("SIGTERM", () => void worker.stop({ graceful: true }).then(() => process.exit(0)));
