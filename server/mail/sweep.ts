import type { Db } from "@/server/db/client";
import type { PgBoss } from "pg-boss";
import { QUEUES } from "@/server/jobs/queue";
import { deliveryJobId } from "./outbox";

// No email is lost: a row still waiting a while after its last attempt whose delivery job is
// gone (the queue gave up after its retries, or it was never queued) gets a new job. Rows
// older than three days are left for a person to look at (the console shows them).

const STALL_MS = 10 * 60 * 1000;
const GIVE_UP_MS = 3 * 24 * 60 * 60 * 1000;
const DONE_STATES = new Set(["completed", "failed", "cancelled"]);

export async function requeueStalledMail(
  db: Db,
  boss: Pick<PgBoss, "getJobById" | "send">,
  now = new Date(),
  scope: { organizationIds?: string[] } = {},
) {
  const stalled = await db.mailMessage.findMany({
    where: {
      status: "PENDING",
      createdAt: { lte: new Date(now.getTime() - STALL_MS), gte: new Date(now.getTime() - GIVE_UP_MS) },
      OR: [{ lastAttemptAt: null }, { lastAttemptAt: { lte: new Date(now.getTime() - STALL_MS) } }],
      ...(scope.organizationIds ? { organizationId: { in: scope.organizationIds } } : {}),
    },
    select: { id: true, jobGeneration: true },
    take: 200,
  });
  let requeued = 0;
  for (const m of stalled) {
    const job = await boss.getJobById(QUEUES.mailDeliver, deliveryJobId(m.id, m.jobGeneration));
    if (job && !DONE_STATES.has(job.state)) continue;
    const generation = m.jobGeneration + 1;
    await db.mailMessage.update({ where: { id: m.id }, data: { jobGeneration: generation } });
    await boss.send(QUEUES.mailDeliver, { messageId: m.id }, { id: deliveryJobId(m.id, generation) });
    requeued++;
  }
  return requeued;
}
