import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { QUEUES, sendInTransaction, stableJobId } from "@/server/jobs/queue";
import type { MailKind } from "./templates";

type DbOrTx = Db | Prisma.TransactionClient;

export interface NewMail {
  /** Deciding to send the same email twice (a retried job, two workers) writes one row. */
  dedupeKey: string;
  kind: MailKind;
  toEmail: string;
  userId?: string | null;
  organizationId?: string | null;
  connectionId?: string | null;
  subject: string;
  /** What the template needs, never a secret. */
  data: Prisma.InputJsonValue;
}

export const deliveryJobId = (messageId: string, generation: number) =>
  stableJobId("mail-deliver", `${messageId}:${generation}`);

/**
 * Writes emails to the outbox and queues their delivery, both in the caller's transaction.
 * Returns the ids of the rows written now (those whose key was new).
 */
export async function queueMail(tx: DbOrTx, mails: NewMail[]): Promise<string[]> {
  if (mails.length === 0) return [];
  const existing = new Set(
    (
      await tx.mailMessage.findMany({
        where: { dedupeKey: { in: mails.map((m) => m.dedupeKey) } },
        select: { dedupeKey: true },
      })
    ).map((m) => m.dedupeKey),
  );
  const fresh = mails.filter((m) => !existing.has(m.dedupeKey));
  if (fresh.length === 0) return [];
  await tx.mailMessage.createMany({
    data: fresh.map((m) => ({
      dedupeKey: m.dedupeKey,
      kind: m.kind,
      toEmail: m.toEmail,
      userId: m.userId ?? null,
      organizationId: m.organizationId ?? null,
      connectionId: m.connectionId ?? null,
      subject: m.subject,
      data: m.data,
    })),
    skipDuplicates: true,
  });
  const rows = await tx.mailMessage.findMany({
    where: { dedupeKey: { in: fresh.map((m) => m.dedupeKey) } },
    select: { id: true, jobGeneration: true },
  });
  for (const row of rows) {
    await sendInTransaction(
      tx,
      QUEUES.mailDeliver,
      { messageId: row.id },
      { id: deliveryJobId(row.id, row.jobGeneration) },
    );
  }
  return rows.map((r) => r.id);
}
