import type { PgBoss } from "pg-boss";
import type { AggregatorClient } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";
import { withAllOrganizations } from "@/server/db/tenancy";
import type { Logger } from "@/server/log";
import type { MailConfig } from "@/server/mail/config";
import { startMetricsPush } from "@/server/metrics/push";
import { deliverMail, mailJobData } from "@/server/mail/deliver";
import { smtpTransport, type MailTransport } from "@/server/mail/transport";
import { evaluateConnectionAlert } from "@/server/notifications/connection-alerts";
import { queueWeeklySummaries } from "@/server/notifications/weekly-summary";
import { z } from "zod";
import { processAggregatorWebhook, webhookJobData } from "./aggregator-webhook";
import type { JobsConfig } from "./config";
import { AggregatorSlots, Semaphore } from "./limits";
import { createQueueClient, ensureQueues, processQueue, QUEUES, setProcessQueue } from "./queue";
import { nightlyCycleId, planRefreshCycle, type JobSender } from "./refresh-cycle";
import { RefreshWorker } from "./refresh-worker";
import { runSweep } from "./sweep";

// One worker process's share of the queues: aggregator webhooks, the nightly planner, the
// refresh jobs and the minute's sweep. Any number of these run against one PostgreSQL;
// pg-boss hands each job to one of them (SKIP LOCKED) and runs each cron once.

export interface WorkerDeps {
  databaseUrl: string;
  db: Db;
  aggregator: AggregatorClient;
  log: Logger;
  config: JobsConfig;
  /** pg-boss's schema; tests give each file its own. */
  queueSchema?: string;
  /** The first of the aggregator's slots this worker leases; tests give each file a range of its own. */
  firstAggregatorSlot?: number;
  /** Outgoing mail; a transport given here (tests) wins over the config's SMTP_URL. */
  mail: { config: MailConfig; transport?: MailTransport };
}

export interface RunningWorker {
  boss: PgBoss;
  /** Queues jobs like boss.insert, then wakes this worker's refresh loop so jobs due now start at once. */
  sender: JobSender;
  refresh: RefreshWorker;
  /** Graceful: finish what is in flight. Not graceful: drop it; other workers take it over. */
  stop(options: { graceful: boolean }): Promise<void>;
}

/**
 * The worker's jobs act across organizations by design (the nightly plan, the sweep, known
 * issues, webhooks naming a login): they run under row-level security's bypass named "worker
 * jobs", which everything started here inherits (server/db/tenancy.ts).
 */
export function startWorker(deps: WorkerDeps, options: { schedules?: boolean } = {}): Promise<RunningWorker> {
  return withAllOrganizations("worker jobs", () => startWorkerInScope(deps, options));
}

async function startWorkerInScope(deps: WorkerDeps, options: { schedules?: boolean }): Promise<RunningWorker> {
  const { db, aggregator, log, config } = deps;
  const engine = { db, aggregator, log };
  const boss = createQueueClient(deps.databaseUrl, "worker", config, deps.queueSchema);
  await boss.start();
  await ensureQueues(boss, config);
  // Code running in this process (the engine opening a notice, say) queues its jobs here.
  const registered = !processQueue();
  if (registered) setProcessQueue(boss);

  const metricsPush = startMetricsPush(db, log);
  const slots = new AggregatorSlots(db, config.aggregatorConcurrency, deps.firstAggregatorSlot);
  await slots.ensure();
  const refresh = new RefreshWorker(
    boss,
    { ...engine, aggregations: slots, reads: new Semaphore(config.readConcurrency) },
    {
      // The cap's worth holding slots, as many claimed and ready for the next free slot (a fetch
      // and its claim take a while on a busy machine), and the reads.
      jobsInFlight: 2 * config.aggregatorConcurrency + config.readConcurrency,
      perInstitution: config.perInstitution,
      heartbeatSeconds: config.heartbeatSeconds,
      log,
    },
  );
  refresh.start();
  const sender: JobSender = {
    async insert(...args: Parameters<PgBoss["insert"]>) {
      const ids = await boss.insert(...args);
      refresh.nudge();
      return ids;
    },
  };

  await boss.work(QUEUES.aggregatorWebhook, { batchSize: 1, localConcurrency: 4 }, async ([job]) => {
    const { eventId } = webhookJobData.parse(job!.data);
    await processAggregatorWebhook(engine, eventId);
  });
  await boss.work(QUEUES.refreshPlan, { batchSize: 1 }, async () => {
    const now = new Date();
    const result = await planRefreshCycle(db, sender, {
      cycleId: nightlyCycleId(now),
      startsAt: now,
      windowSeconds: config.refreshWindowSeconds,
    });
    log.info(result, "nightly refresh cycle planned");
  });
  await boss.work(QUEUES.sweep, { batchSize: 1 }, async () => {
    await runSweep(engine, sender, new Date(), {}, boss);
  });

  const transport = deps.mail.transport ?? (deps.mail.config.smtpUrl ? smtpTransport(deps.mail.config.smtpUrl) : null);
  if (!transport) log.warn("no SMTP_URL: emails wait in the outbox until one is configured");
  const mail = { db, transport, config: deps.mail.config, log };
  await boss.work(QUEUES.mailDeliver, { batchSize: 1, localConcurrency: 2 }, async ([job]) => {
    await deliverMail(mail, mailJobData.parse(job!.data).messageId);
  });
  await boss.work(QUEUES.connectionAlerts, { batchSize: 1, localConcurrency: 2 }, async ([job]) => {
    const { connectionId } = z.object({ connectionId: z.string().min(1) }).parse(job!.data);
    await evaluateConnectionAlert(db, connectionId);
  });
  await boss.work(QUEUES.weeklySummary, { batchSize: 1 }, async () => {
    log.info({ queued: await queueWeeklySummaries(db) }, "weekly summaries queued");
  });
  if (options.schedules !== false) {
    await boss.schedule(QUEUES.refreshPlan, config.refreshCron, null, {
      tz: config.refreshCronTz,
      singletonKey: "nightly",
    });
    await boss.schedule(QUEUES.sweep, config.sweepCron, null, { singletonKey: "sweep" });
    await boss.schedule(QUEUES.weeklySummary, config.weeklySummaryCron, null, {
      tz: config.refreshCronTz,
      singletonKey: "weekly",
    });
  }

  return {
    boss,
    sender,
    refresh,
    async stop({ graceful }) {
      await refresh.stop({ graceful });
      await slots.stop();
      if (registered && processQueue() === boss) setProcessQueue(undefined);
      await boss.stop({ graceful, timeout: graceful ? 10_000 : 1 });
      await metricsPush.stop();
      transport?.close();
    },
  };
}
