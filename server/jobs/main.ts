import { getAggregatorClient } from "@/server/aggregator/client";
import { getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { mailConfigFromEnv } from "@/server/mail/config";
import { jobsConfigFromEnv } from "./config";
import { startWorker } from "./worker";

// A job worker on its own: `npm run worker` (any number of them, on any machine, against one
// PostgreSQL). `npm start` runs one inside its own process (scripts/lib/stack.ts).
// docs/jobs.md describes the queues.

async function main() {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error("DATABASE_URL is not set");
  const worker = await startWorker({
    databaseUrl,
    db: getDb(),
    aggregator: getAggregatorClient(),
    log,
    config: jobsConfigFromEnv(),
    mail: { config: mailConfigFromEnv() },
  });
  log.info("job worker started");

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await worker.stop({ graceful: true });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => {
  log.fatal({ err }, "job worker could not start");
  process.exit(1);
});
