import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

// The audit log: who did what to which object, from where, when, and why. Written for
// every support action and every change a customer makes to a connection. Append-only:
// nothing here updates or deletes, and a database trigger refuses both.

export interface AuditActor {
  userId: string | null;
  email: string | null;
  ipAddress: string | null;
}

export interface AuditRecord {
  actor: AuditActor;
  organizationId: string | null;
  action: string;
  objectType: string;
  objectId: string | null;
  reason?: string | null;
  details?: Prisma.InputJsonValue;
}

type DbOrTx = Db | Prisma.TransactionClient;

export async function recordAudit(db: DbOrTx, record: AuditRecord) {
  // Written without reading back (createMany has no RETURNING): a person's own act outside any
  // organization is an entry they may write but, like every entry, only support reads.
  await db.auditEntry.createMany({
    data: {
      actorUserId: record.actor.userId,
      actorEmail: record.actor.email,
      ipAddress: record.actor.ipAddress,
      organizationId: record.organizationId,
      action: record.action,
      objectType: record.objectType,
      objectId: record.objectId,
      reason: record.reason ?? null,
      details: record.details,
    },
  });
}

/** The audit actor of a tRPC context. */
export function actorOf(ctx: { user: { id: string; email: string } | null; ipAddress: string }): AuditActor {
  return { userId: ctx.user?.id ?? null, email: ctx.user?.email ?? null, ipAddress: ctx.ipAddress };
}
