import type { Db } from "@/server/db/client";
import { newId } from "@/server/db/ids";
import type { Prisma } from "@/server/db/generated/client";
import type { Logger } from "@/server/log";

// Progress of long work people wait on: a WorkProgress row per job (a nightly refresh cycle, a
// statement import, a backfill), written as it goes and read by the support console and
// /api/metrics; a log line at each tenth of the way. Any long job plugs in with trackWork (an
// in-process loop) or with startWork/reportWork (work spread over jobs and workers).

export interface WorkRef {
  /** refresh-cycle, statement-import, backfill … */
  kind: string;
  /** The job's own id within its kind. */
  key: string;
}

export interface WorkCounts {
  done: number;
  failed?: number;
  total?: number | null;
  detail?: Prisma.InputJsonValue;
}

type DbOrTx = Db | Prisma.TransactionClient;

/** Opens (or finds again: starting twice is harmless) the job's row. */
export async function startWork(
  db: DbOrTx,
  work: WorkRef & { label: string; organizationId?: string | null; total?: number | null },
  now = new Date(),
) {
  await db.workProgress.upsert({
    where: { kind_key: { kind: work.kind, key: work.key } },
    create: {
      id: newId(),
      kind: work.kind,
      key: work.key,
      label: work.label,
      organizationId: work.organizationId ?? null,
      total: work.total ?? null,
      startedAt: now,
      updatedAt: now,
    },
    update: { label: work.label, ...(work.total !== undefined ? { total: work.total } : {}), updatedAt: now },
  });
}

/**
 * Sets how far the job got (absolute counts, so reporting twice is harmless), and logs a line
 * when it passed another tenth of its total. Finished when `finished` says so.
 */
export async function reportWork(
  db: DbOrTx,
  log: Logger,
  work: WorkRef,
  counts: WorkCounts,
  options: { finished?: boolean; now?: Date } = {},
) {
  const now = options.now ?? new Date();
  const before = await db.workProgress.findUnique({
    where: { kind_key: { kind: work.kind, key: work.key } },
    select: { label: true, done: true, failed: true, total: true, finishedAt: true },
  });
  if (!before || before.finishedAt) return;
  const total = counts.total === undefined ? before.total : counts.total;
  await db.workProgress.update({
    where: { kind_key: { kind: work.kind, key: work.key } },
    data: {
      done: counts.done,
      failed: counts.failed ?? before.failed,
      total,
      ...(counts.detail !== undefined ? { detail: counts.detail } : {}),
      updatedAt: now,
      ...(options.finished ? { finishedAt: now } : {}),
    },
  });
  const tenth = (done: number) => (total ? Math.floor((10 * done) / total) : done > 0 ? 1 : 0);
  if (options.finished || tenth(counts.done) > tenth(before.done)) {
    const failed = counts.failed ?? before.failed;
    log.info(
      { kind: work.kind, key: work.key, done: counts.done, failed, total, finished: !!options.finished },
      `${before.label}: ${describeProgress({ done: counts.done, failed, total })}` +
        (options.finished ? ", finished" : ""),
    );
  }
}

/** "1,200 of 5,000 (24%), 3 failed" */
export function describeProgress(p: { done: number; failed: number; total: number | null }): string {
  const n = (value: number) => value.toLocaleString("en-US");
  const share = p.total ? ` (${Math.floor((100 * p.done) / p.total)}%)` : "";
  const of = p.total !== null ? ` of ${n(p.total)}` : "";
  const failed = p.failed ? `, ${n(p.failed)} failed` : "";
  return `${n(p.done)}${of}${share}${failed}`;
}

/**
 * For a job that runs in one loop of one process: counts as it goes, writes the row at most
 * every `everyMs` (and at the end), so a loop of thousands of items costs a few writes.
 */
export async function trackWork(
  db: Db,
  log: Logger,
  work: WorkRef & { label: string; organizationId?: string | null; total?: number | null },
  everyMs = 2_000,
) {
  await startWork(db, work);
  let done = 0;
  let failed = 0;
  let total = work.total ?? null;
  let lastWrite = Date.now();
  let writing: Promise<void> = Promise.resolve();
  const write = (finished = false) => {
    lastWrite = Date.now();
    const counts = { done, failed, total };
    writing = writing.then(() => reportWork(db, log, work, counts, { finished }));
    return writing;
  };
  return {
    setTotal(value: number) {
      total = value;
    },
    /** Counts items done (and failed); writes when the last write is `everyMs` old. */
    async advance(doneItems: number, failedItems = 0) {
      done += doneItems;
      failed += failedItems;
      if (Date.now() - lastWrite >= everyMs) await write();
    },
    async finish() {
      await write(true);
    },
    /** All-or-nothing work that was rolled back: finishes with nothing done and every item failed. */
    async rollBack() {
      failed = total ?? done + failed;
      done = 0;
      await write(true);
    },
  };
}

/** What the support console lists: work under way, and what finished in the last day. */
export async function listWork(db: Db, now = new Date()) {
  const rows = await db.workProgress.findMany({
    where: { OR: [{ finishedAt: null }, { finishedAt: { gte: new Date(now.getTime() - 86_400_000) } }] },
    select: {
      id: true,
      kind: true,
      label: true,
      organizationId: true,
      total: true,
      done: true,
      failed: true,
      startedAt: true,
      updatedAt: true,
      finishedAt: true,
    },
    orderBy: { startedAt: "desc" },
    take: 20,
  });
  return rows.sort((a, b) => Number(a.finishedAt !== null) - Number(b.finishedAt !== null));
}
