import { createHash } from "node:crypto";
import { PgBoss, type Queue, type SendOptions } from "pg-boss";
import { log } from "@/server/log";
import { jobsConfigFromEnv, type JobsConfig } from "./config";

// The job queue: pg-boss on the application's own PostgreSQL (schema "pgboss"). Web
// processes only send; worker processes (server/jobs/main.ts) also work the queues.

export const QUEUES = {
  /** A verified aggregator webhook to process: { eventId }. */
  aggregatorWebhook: "aggregator-webhook",
  /** Cron: plans the night's refresh cycle. */
  refreshPlan: "refresh-plan",
  /** One refresh a ticket owes a connection: { ticketId }. Grouped by institution. */
  connectionRefresh: "connection-refresh",
  /** Cron, every minute: stuck aggregations, due retries, known issues, connection emails, stalled mail. */
  sweep: "jobs-sweep",
  /** One outbox row to send over SMTP: { messageId }. */
  mailDeliver: "mail-deliver",
  /** Decide the emails a connection's problem (or its fix) calls for: { connectionId }. */
  connectionAlerts: "connection-alerts",
  /** Cron, weekly: the summary for owners who asked for it. */
  weeklySummary: "weekly-summary",
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

const globalForQueue = globalThis as unknown as { banklineQueue?: Promise<PgBoss> };

export function createQueueClient(
  connectionString: string,
  role: "sender" | "worker",
  config: Pick<JobsConfig, "superviseSeconds"> = jobsConfigFromEnv(),
  /** Tests give each file a schema of its own, so their workers never take each other's jobs. */
  schema = "pgboss",
): PgBoss {
  const boss = new PgBoss({
    connectionString,
    schema,
    // Only workers run maintenance and cron; a web process just inserts jobs.
    supervise: role === "worker",
    schedule: role === "worker",
    superviseIntervalSeconds: config.superviseSeconds,
    monitorIntervalSeconds: config.superviseSeconds,
    max: role === "worker" ? 10 : 3,
  });
  // pg's errors carry their client (and its connection) along: log what helps, not that.
  // 57P01 is PostgreSQL shutting down (a restart, or Ctrl-C reaching every process of
  // `npm start` at once): pg-boss reconnects when it is back, so it is no error of ours.
  boss.on("error", (err: Error & { code?: string }) => {
    if (err.code === ADMIN_SHUTDOWN) log.info({ code: err.code }, "job queue: the database is shutting down");
    else log.error({ error: err.message, code: err.code }, "job queue error");
  });
  return boss;
}

const ADMIN_SHUTDOWN = "57P01";

function queueOptions(name: QueueName, config: Pick<JobsConfig, "heartbeatSeconds">): Omit<Queue, "name"> {
  switch (name) {
    case QUEUES.connectionRefresh:
      // Idempotent per ticket, so a job given to another worker after a crash is safe to run.
      return {
        retryLimit: 5,
        retryDelay: 5,
        retryBackoff: true,
        retryDelayMax: 900,
        expireInSeconds: 600,
        heartbeatSeconds: config.heartbeatSeconds,
      };
    case QUEUES.refreshPlan:
      return { policy: "singleton", retryLimit: 5, retryDelay: 60, retryBackoff: true, expireInSeconds: 900 };
    case QUEUES.sweep:
      return { policy: "singleton", retryLimit: 0, expireInSeconds: 300 };
    case QUEUES.mailDeliver:
      // About four hours of backoff while SMTP is down; after that the sweep queues it again.
      return { retryLimit: 12, retryDelay: 30, retryBackoff: true, retryDelayMax: 1800, expireInSeconds: 120 };
    case QUEUES.weeklySummary:
      return { policy: "singleton", retryLimit: 3, retryDelay: 300, expireInSeconds: 900 };
    default:
      return { retryLimit: 5, retryDelay: 5, retryBackoff: true, retryDelayMax: 600 };
  }
}

export async function ensureQueues(boss: PgBoss, config: Pick<JobsConfig, "heartbeatSeconds"> = jobsConfigFromEnv()) {
  for (const name of Object.values(QUEUES)) {
    if (!(await boss.getQueue(name))) await boss.createQueue(name, queueOptions(name, config));
  }
}

/** A UUID derived from a key, so sending the same work twice inserts one job. */
export function stableJobId(namespace: string, key: string): string {
  const h = createHash("sha256").update(`${namespace}:${key}`).digest("hex");
  const variant = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
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

// The queue this process sends on: a worker's own client, or the web process's sender.
const globalForProcessQueue = globalThis as unknown as { banklineProcessQueue?: PgBoss };

/** A worker registers its client so code running in its process sends on it (and its schema). */
export function setProcessQueue(boss: PgBoss | undefined) {
  globalForProcessQueue.banklineProcessQueue = boss;
}

export function processQueue(): PgBoss | undefined {
  return globalForProcessQueue.banklineProcessQueue;
}

/** A Prisma client or transaction, as far as pg-boss needs one to insert jobs. */
interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
}

/**
 * Sends a job inside the caller's transaction, so it exists exactly when what it is about was
 * committed. Without a queue in this process (a script, a test without a worker) it sends
 * nothing and says so; the sweep finds what is owed.
 */
export async function sendInTransaction(
  tx: RawSql,
  name: QueueName,
  data: object,
  options: SendOptions = {},
): Promise<boolean> {
  const boss = processQueue() ?? (process.env.DATABASE_URL ? await getQueue() : undefined);
  if (!boss) return false;
  const db = {
    executeSql: async (text: string, values: unknown[] = []) => ({
      rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values),
    }),
  };
  await boss.send(name, data, { ...options, db });
  return true;
}

export async function enqueue(name: QueueName, data: object, options?: SendOptions): Promise<string | null> {
  const boss = await getQueue();
  return boss.send(name, data, options);
}
