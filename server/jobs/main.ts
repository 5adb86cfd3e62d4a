import { getAggregatorClient } from "@/server/aggregator/client";
import { getDb } from "@/server/db/client";
import { log } from "@/server/log";
import { processAggregatorWebhook, webhookJobData } from "./aggregator-webhook";
import { createQueueClient, ensureQueues, QUEUES } from "./queue";
import { recoverStuckAggregations } from "./stuck-aggregations";

// The job worker: `npm run worker` (any number of them, on any machine, against one
// PostgreSQL) or in-process under `npm start`. Jobs are claimed by pg-boss with SKIP LOCKED.

const SWEEP_INTERVAL_MS = 30_000;

async function main() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set");
  const boss = createQueueClient(url, "worker");
  await boss.start();
  await ensureQueues(boss);
  const deps = { db: getDb(), aggregator: getAggregatorClient(), log };

  await boss.work(QUEUES.aggregatorWebhook, { batchSize: 1 }, async ([job]) => {
    const { eventId } = webhookJobData.parse(job!.data);
    await processAggregatorWebhook(deps, eventId);
  });

  const sweep = setInterval(() => {
    recoverStuckAggregations(deps).catch((err) => log.error({ err }, "stuck aggregation sweep failed"));
  }, SWEEP_INTERVAL_MS);
  log.info("job worker started");

  const stop = async () => {
    clearInterval(sweep);
    await boss.stop({ graceful: true, timeout: 10_000 });
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop());
  process.on("SIGINT", () => void stop());
}

main().catch((err) => {
  log.fatal({ err }, "job worker could not start");
  process.exit(1);
});
