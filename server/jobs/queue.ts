import { PgBoss, type SendOptions } from "pg-boss";
import { log } from "@/server/log";

// The job queue: pg-boss on the application's own PostgreSQL (schema "pgboss"). Web
// processes only send; worker processes (server/jobs/main.ts) also work the queues.

export const QUEUES = {
  /** A verified aggregator webhook to process: { eventId }. */
  aggregatorWebhook: "aggregator-webhook",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const globalForQueue = globalThis as unknown as { banklineQueue?: Promise<PgBoss> };

export function createQueueClient(connectionString: string, role: "sender" | "worker"): PgBoss {
  const boss = new PgBoss({
    connectionString,
    schema: "pgboss",
    // Only workers run maintenance and cron; a web process just inserts jobs.
    supervise: role === "worker",
    schedule: role === "worker",
    max: role === "worker" ? 10 : 3,
  });
  boss.on("error", (err) => log.error({ err }, "job queue error"));
  return boss;
}

export async function ensureQueues(boss: PgBoss) {
  for (const name of Object.values(QUEUES)) {
    if (!(await boss.getQueue(name))) {
      await boss.createQueue(name, { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 600 });
    }
  }
}

/** The process-wide sending client, started on first use from DATABASE_URL. */
export function getQueue(): Promise<PgBoss> {
  globalForQueue.banklineQueue ??= (async () => {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    const boss = createQueueClient(url, "sender");
    await boss.start();
    await ensureQueues(boss);
    return boss;
  })();
  return globalForQueue.banklineQueue;
}

export async function enqueue(name: QueueName, data: object, options?: SendOptions): Promise<string | null> {
  const boss = await getQueue();
  return boss.send(name, data, options);
}
