import type { PgBoss } from "pg-boss";
import { isTransientCode } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import type { Logger } from "@/server/log";
import { reportWork, startWork } from "@/server/progress/work-progress";
import { QUEUES, stableJobId } from "./queue";

// The nightly refresh: one ticket per active connection, spread evenly over a window so the
// aggregator sees a steady rate, interleaved by institution so no bank gets a burst. Planning
// is idempotent (the cycle and its tickets have fixed ids, and each job's id derives from its
// ticket), so a planner that crashed half-way is simply run again.

export type JobSender = Pick<PgBoss, "insert">;

interface TicketToQueue {
  id: string;
  institutionId: string;
  runAfter: Date;
}

const CHUNK = 500;
/** The first chunk of a plan is small, so workers start within milliseconds while the rest is planned. */
const FIRST_CHUNK = 100;

/** Queues a job per ticket; a ticket already queued (same job id) is not queued twice. */
export async function enqueueTickets(queue: JobSender, tickets: TicketToQueue[]) {
  for (let i = 0; i < tickets.length; i += CHUNK) {
    await queue.insert(
      QUEUES.connectionRefresh,
      tickets.slice(i, i + CHUNK).map((t) => ({
        id: stableJobId(QUEUES.connectionRefresh, t.id),
        data: { ticketId: t.id },
        startAfter: t.runAfter,
        group: { id: t.institutionId },
      })),
    );
  }
}

/**
 * Writes a chunk of a cycle's tickets (those already there are kept as they are) and answers
 * the chunk's unfinished ones. Plain SQL over arrays: the planner shares the machine with the
 * refreshes it starts, and a 500-row createMany costs it far more CPU.
 */
async function createTickets(
  db: Db,
  cycleId: string,
  chunk: { id: string; connectionId: string; institutionId: string; runAfter: Date }[],
) {
  const ids = chunk.map((t) => t.id);
  // Times travel as ISO text (with their Z) and are stored as UTC like every timestamp here.
  await db.$executeRaw`
    INSERT INTO "RefreshTicket" ("id", "cycleId", "connectionId", "institutionId", "reason", "runAfter", "createdAt")
    SELECT v.id, ${cycleId}, v.connection_id, v.institution_id, 'NIGHTLY'::"RefreshReason",
      v.run_after::timestamptz AT TIME ZONE 'UTC', ${new Date()}::timestamp
    FROM unnest(${ids}::text[], ${chunk.map((t) => t.connectionId)}::text[],
      ${chunk.map((t) => t.institutionId)}::text[], ${chunk.map((t) => t.runAfter.toISOString())}::text[])
      AS v(id, connection_id, institution_id, run_after)
    ON CONFLICT ("id") DO NOTHING`;
  return db.$queryRaw<TicketToQueue[]>`
    SELECT "id", "institutionId", "runAfter" FROM "RefreshTicket"
    WHERE "id" = ANY(${ids}::text[]) AND "finishedAt" IS NULL
    ORDER BY "runAfter"`;
}

/** The cycle id of a night: planning twice on one day plans one cycle. */
export const nightlyCycleId = (now: Date) => `nightly-${now.toISOString().slice(0, 10)}`;

/** Orders connections so consecutive ones belong to different institutions, as far as possible. */
export function interleaveByInstitution<T extends { institutionId: string }>(items: T[]): T[] {
  const byInstitution = new Map<string, T[]>();
  for (const item of items) {
    const list = byInstitution.get(item.institutionId) ?? [];
    list.push(item);
    byInstitution.set(item.institutionId, list);
  }
  const lists = [...byInstitution.values()].sort((a, b) => b.length - a.length);
  const out: T[] = [];
  // Each institution's connections are placed at evenly spaced fractions of the cycle.
  const placed = lists.flatMap((list) => list.map((item, i) => ({ item, at: (i + 0.5) / list.length })));
  placed.sort((a, b) => a.at - b.at);
  for (const p of placed) out.push(p.item);
  return out;
}

export async function planRefreshCycle(
  db: Db,
  queue: JobSender,
  args: {
    cycleId: string;
    startsAt: Date;
    windowSeconds: number;
    /** Only these organizations' connections (tests and the benchmark share a database with others). */
    organizationIds?: string[];
  },
): Promise<{ cycleId: string; planned: number; queued: number }> {
  const { cycleId, startsAt, windowSeconds } = args;
  // Plain SQL up to the first jobs: every millisecond before them is one the aggregator's slots sit empty.
  await db.$executeRaw`
    INSERT INTO "RefreshCycle" ("id", "startsAt", "windowSeconds", "createdAt")
    VALUES (${cycleId}, ${startsAt}::timestamp, ${windowSeconds}, ${new Date()}::timestamp)
    ON CONFLICT ("id") DO NOTHING`;
  const [cycle] = await db.$queryRaw<{ startsAt: Date; windowSeconds: number }[]>`
    SELECT "startsAt", "windowSeconds" FROM "RefreshCycle" WHERE "id" = ${cycleId}`;
  if (!cycle) throw new Error(`refresh cycle ${cycleId} was not written`);

  const connections = await db.$queryRaw<{ id: string; institutionId: string }[]>`
    SELECT "id", "institutionId" FROM "Connection"
    WHERE "status" = 'ACTIVE' AND "providerLoginId" IS NOT NULL
      AND (${args.organizationIds ?? null}::text[] IS NULL
        OR "organizationId" = ANY(${args.organizationIds ?? null}::text[]))
    ORDER BY "id"`;
  const ordered = interleaveByInstitution(connections);
  const step = ordered.length > 0 ? (cycle.windowSeconds * 1000) / ordered.length : 0;
  const tickets = ordered.map((c, i) => ({
    id: `${cycleId}:${c.id}`,
    connectionId: c.id,
    institutionId: c.institutionId,
    runAfter: new Date(cycle.startsAt.getTime() + Math.floor(i * step)),
  }));
  // A chunk at a time, so workers start on the first connections while the rest are planned.
  let queued = 0;
  for (let i = 0, size = FIRST_CHUNK; i < tickets.length; i += size, size = CHUNK) {
    const open = await createTickets(db, cycleId, tickets.slice(i, i + size));
    await enqueueTickets(queue, open);
    queued += open.length;
  }
  // Connections that stopped being active since an earlier planning of this cycle keep their tickets.
  const planning = new Set(tickets.map((t) => t.id));
  const leftOver = (
    await db.refreshTicket.findMany({
      where: { cycleId, finishedAt: null },
      select: { id: true, institutionId: true, runAfter: true },
    })
  ).filter((t) => !planning.has(t.id));
  await enqueueTickets(queue, leftOver);
  const planned = await db.refreshTicket.count({ where: { cycleId } });
  await db.refreshCycle.update({ where: { id: cycleId }, data: { plannedCount: planned } });
  await startWork(db, { kind: CYCLE_WORK, key: cycleId, label: `Refresh cycle ${cycleId}`, total: planned });
  return { cycleId, planned, queued: queued + leftOver.length };
}

/** The kind of a refresh cycle's WorkProgress row (its key is the cycle's id). */
export const CYCLE_WORK = "refresh-cycle";

/**
 * How far each unfinished cycle got, from its tickets (the sweep, every minute: counting costs
 * the refreshes nothing). A cycle is done when every ticket is finished, whatever its outcome.
 */
export async function reportCycleProgress(db: Db, log: Logger, now = new Date()) {
  const cycles = await db.$queryRaw<{ key: string; planned: number; finished: number; failed: number }[]>`
    SELECT w.key, count(t.id)::int AS planned, count(t."finishedAt")::int AS finished,
      count(*) FILTER (WHERE t.outcome = 'failed')::int AS failed
    FROM "WorkProgress" w LEFT JOIN "RefreshTicket" t ON t."cycleId" = w.key
    WHERE w.kind = ${CYCLE_WORK} AND w."finishedAt" IS NULL
    GROUP BY w.key`;
  for (const c of cycles) {
    await reportWork(
      db,
      log,
      { kind: CYCLE_WORK, key: c.key },
      { done: c.finished, failed: c.failed, total: c.planned },
      { finished: c.finished === c.planned, now },
    );
  }
  return cycles.length;
}

/**
 * Tickets for connections whose transient failure (102, 900–910, network) is due for its
 * retry. Codes that need the customer never get here: failAttempt gives them no nextRetryAt.
 */
export async function queueDueRetries(
  db: Db,
  queue: JobSender,
  options: { now?: Date; organizationIds?: string[] } = {},
): Promise<number> {
  const now = options.now ?? new Date();
  const due = await db.connection.findMany({
    where: {
      status: "ERROR",
      nextRetryAt: { lte: now },
      lastStatusCode: { not: null },
      ...(options.organizationIds ? { organizationId: { in: options.organizationIds } } : {}),
    },
    select: { id: true, institutionId: true, nextRetryAt: true, lastStatusCode: true },
    orderBy: { nextRetryAt: "asc" },
    take: 2000,
  });
  const tickets = due
    .filter((c) => isTransientCode(c.lastStatusCode!))
    .map((c) => ({
      id: `retry:${c.id}:${c.nextRetryAt!.getTime()}`,
      connectionId: c.id,
      institutionId: c.institutionId,
      reason: "RETRY" as const,
      runAfter: c.nextRetryAt!,
    }));
  if (tickets.length === 0) return 0;
  await db.refreshTicket.createMany({ data: tickets, skipDuplicates: true });
  const open = await db.refreshTicket.findMany({
    where: { id: { in: tickets.map((t) => t.id) }, finishedAt: null },
    select: { id: true, institutionId: true, runAfter: true },
  });
  await enqueueTickets(queue, open);
  return open.length;
}
