import type { Db } from "@/server/db/client";

/** The emails Bankline sent (or is still sending) about a connection, newest first. */
export async function listConnectionEmails(db: Db, connectionId: string) {
  const rows = await db.mailMessage.findMany({
    where: { connectionId },
    select: {
      id: true,
      kind: true,
      toEmail: true,
      subject: true,
      status: true,
      createdAt: true,
      sentAt: true,
      attempts: true,
      lastError: true,
    },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return rows;
}
