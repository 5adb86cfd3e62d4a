import type { Db } from "@/server/db/client";
import { writeAttemptAudit } from "@/server/audit/in-attempt";
import type { ConnectionEventKind, EventTrigger, Prisma } from "@/server/db/generated/client";

type DbOrTx = Db | Prisma.TransactionClient;

export interface AttemptSource {
  kind: ConnectionEventKind;
  trigger: EventTrigger;
  actorUserId: string | null;
}

export interface AttemptResult {
  statusCode: number | null;
  message: string | null;
  transactionCount?: number | null;
}

interface AttemptAt {
  organizationId: string;
  connectionId: string | null;
  institutionId: string;
  source: AttemptSource;
  startedAt: Date;
}

function attemptData(args: AttemptAt) {
  return {
    organizationId: args.organizationId,
    connectionId: args.connectionId,
    institutionId: args.institutionId,
    kind: args.source.kind,
    trigger: args.source.trigger,
    actorUserId: args.source.actorUserId,
    startedAt: args.startedAt,
  };
}

/** One row of the error history support reads: a finished attempt. */
export async function recordEvent(db: DbOrTx, args: AttemptAt & { result: AttemptResult }) {
  await writeAttemptAudit(db as Prisma.TransactionClient, {
    connectionId: args.connectionId,
    statusCode: args.result.statusCode,
  });
  return db.connectionEvent.create({
    data: {
      ...attemptData(args),
      durationMs: Math.max(0, Date.now() - args.startedAt.getTime()),
      statusCode: args.result.statusCode,
      message: args.result.message,
      transactionCount: args.result.transactionCount ?? null,
    },
    select: { id: true },
  });
}

/** An attempt that continues in the background (an aggregation); finished by finishEvent. */
export async function openEvent(db: DbOrTx, args: AttemptAt & { connectionId: string }) {
  await writeAttemptAudit(db as Prisma.TransactionClient, { connectionId: args.connectionId, statusCode: 325 });
  return db.connectionEvent.create({
    data: { ...attemptData(args), statusCode: 325, message: "Aggregation in progress" },
    select: { id: true },
  });
}

export async function finishEvent(db: DbOrTx, eventId: string, result: AttemptResult) {
  const event = await db.connectionEvent.findUnique({
    where: { id: eventId },
    select: { startedAt: true, connectionId: true },
  });
  if (!event) return;
  await writeAttemptAudit(db as Prisma.TransactionClient, {
    connectionId: event.connectionId,
    statusCode: result.statusCode,
  });
  await db.connectionEvent.update({
    where: { id: eventId },
    data: {
      statusCode: result.statusCode,
      message: result.message,
      transactionCount: result.transactionCount ?? null,
      durationMs: Math.max(0, Date.now() - event.startedAt.getTime()),
    },
  });
}
