import type { Job, JobAttempt, PgBoss } from "pg-boss";
import { z } from "zod";
import type { Logger } from "@/server/log";
import { QUEUES } from "./queue";
import { RefreshBatcher } from "./refresh-batch";
import type { RefreshDeps } from "./refresh-ticket";

// Works the connection-refresh queue with a steady number of jobs in flight. pg-boss's own
// `work()` waits for a whole batch before fetching the next one, and each of its pollers
// pauses between fetches; a refresh is a short network call, so this loop instead fetches
// whenever there is room, claims with the institution's group limit (counted across every
// worker by pg-boss), hands each fetched batch to the RefreshBatcher, settles jobs in small
// batches as their tickets finish and keeps their heartbeats going.

export const refreshJobData = z.object({ ticketId: z.string().min(1) });

export interface RefreshWorkerOptions {
  /** Jobs in flight in this process: those waiting for or holding an aggregator slot, and those reading. */
  jobsInFlight: number;
  perInstitution: number;
  heartbeatSeconds: number;
  idlePollMs?: number;
  log: Logger;
}

type Boss = Pick<PgBoss, "fetch" | "complete" | "fail" | "touch">;

export class RefreshWorker {
  private stopping = false;
  private loop: Promise<void> | null = null;
  private readonly inFlight = new Map<string, { job: JobAttempt; done: Promise<void> }>();
  private finished: JobAttempt[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private readonly batcher: RefreshBatcher;
  /**
   * A fetch and its claim cost a few statements whatever their size, so the loop waits until a
   * sixth of its room is free instead of fetching a job or two each time one finishes; the
   * jobs already claimed and waiting for a slot cover the gap.
   */
  private readonly fetchAtLeast: number;

  constructor(
    private readonly boss: Boss,
    deps: RefreshDeps,
    private readonly options: RefreshWorkerOptions,
  ) {
    this.batcher = new RefreshBatcher(deps);
    this.fetchAtLeast = Math.max(1, Math.ceil(options.jobsInFlight / 6));
  }

  start() {
    this.loop = this.run();
    this.heartbeat = setInterval(
      () => void this.touchAll(),
      Math.max(1000, (this.options.heartbeatSeconds * 1000) / 3),
    );
    this.heartbeat.unref();
  }

  /** Fetches now instead of at the next idle poll: this process just queued refresh jobs. */
  nudge() {
    this.wake?.();
  }

  /** Stops fetching; with `graceful`, lets the jobs in flight finish and settles them. */
  async stop({ graceful }: { graceful: boolean }) {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    if (graceful) {
      await this.batcher.flush();
      await Promise.all([...this.inFlight.values()].map((f) => f.done));
    }
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.flush();
  }

  private async run() {
    const { log } = this.options;
    while (!this.stopping) {
      const room = this.options.jobsInFlight - this.inFlight.size;
      if (room < this.fetchAtLeast) {
        await this.sleepUntilWoken(1000);
        continue;
      }
      let jobs: Job<unknown>[] = [];
      try {
        jobs = await this.boss.fetch(QUEUES.connectionRefresh, {
          batchSize: Math.min(room, 50),
          groupConcurrency: this.options.perInstitution,
        });
      } catch (err) {
        log.error({ err }, "could not fetch refresh jobs");
      }
      if (jobs.length > 0) this.begin(jobs);
      else await this.sleepUntilWoken(this.options.idlePollMs ?? 500);
    }
  }

  private begin(jobs: Job<unknown>[]) {
    const attempts = new Map(jobs.map((job) => [job.id, { id: job.id, retryCount: job.retryCount }]));
    const ticketOf = new Map<string, string>();
    for (const job of jobs) {
      const parsed = refreshJobData.safeParse(job.data);
      if (parsed.success) ticketOf.set(job.id, parsed.data.ticketId);
      else void this.failJob(attempts.get(job.id)!, new Error("refresh job without a ticket id"));
    }
    const results = this.batcher.run([...new Set(ticketOf.values())]);
    results.catch(() => {});
    for (const [jobId, ticketId] of ticketOf) {
      const attempt = attempts.get(jobId)!;
      const done = (async () => {
        try {
          await (await results).get(ticketId);
          this.finished.push(attempt);
          this.scheduleFlush();
        } catch (err) {
          await this.failJob(attempt, err);
        } finally {
          this.inFlight.delete(jobId);
          this.wake?.();
        }
      })();
      this.inFlight.set(jobId, { job: attempt, done });
    }
  }

  private async failJob(attempt: JobAttempt, err: unknown) {
    this.options.log.warn({ err, jobId: attempt.id }, "refresh job failed; it will be retried");
    await this.boss
      .fail(QUEUES.connectionRefresh, attempt, { message: err instanceof Error ? err.message : String(err) })
      .catch(() => {});
  }

  private sleepUntilWoken(ms: number) {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  private scheduleFlush() {
    if (this.finished.length >= 50) void this.flush();
    else this.flushTimer ??= setTimeout(() => void this.flush(), 50);
  }

  private async flush() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    const batch = this.finished;
    this.finished = [];
    if (batch.length === 0) return;
    try {
      await this.boss.complete(QUEUES.connectionRefresh, batch);
      // Completed jobs free their institutions' group slots: jobs held back by the limit can come now.
      this.wake?.();
    } catch (err) {
      // The tickets are finished; a job that stays active is run again and finds it so.
      this.options.log.warn({ err, jobs: batch.length }, "could not mark refresh jobs completed");
    }
  }

  private async touchAll() {
    const active = [...this.inFlight.values()].map((f) => f.job);
    if (active.length === 0) return;
    await this.boss
      .touch(QUEUES.connectionRefresh, active)
      .catch((err) => this.options.log.warn({ err }, "refresh job heartbeat failed"));
  }
}
