import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";
import { alertDelaySeconds, scheduleAlertCheck } from "@/server/notifications/connection-alerts";

type DbOrTx = Db | Prisma.TransactionClient;

/**
 * Opens the in-app notice for a connection that needs the customer, replacing an open one
 * about an older code; a notice for the same code stays as it is. A new notice also asks a
 * worker to look at the owners' and admins' emails once the problem has lasted a while
 * (server/notifications/connection-alerts.ts decides whether one is due).
 */
export async function openNotice(
  db: DbOrTx,
  args: {
    organizationId: string;
    connectionId: string;
    statusCode: number;
    institutionName: string;
    institutionUrl: string;
  },
) {
  const status = describeStatus(args.statusCode, {
    institutionName: args.institutionName,
    institutionUrl: args.institutionUrl,
  });
  const open = await db.notice.findFirst({
    where: { connectionId: args.connectionId, resolvedAt: null },
    select: { id: true, statusCode: true },
  });
  if (open?.statusCode === args.statusCode) return;
  if (open) await db.notice.update({ where: { id: open.id }, data: { resolvedAt: new Date() } });
  await db.notice.create({
    data: {
      organizationId: args.organizationId,
      connectionId: args.connectionId,
      statusCode: args.statusCode,
      title: `Error ${args.statusCode}: ${status.customerTitle}`,
      body: status.nextStep,
    },
  });
  await scheduleAlertCheck(db, args.connectionId, alertDelaySeconds());
}

/**
 * The connections work again (or are gone): their open notices are resolved, and where someone
 * was emailed about them the worker decides on a "fixed" email.
 */
export async function resolveNotices(db: DbOrTx, connectionIds: readonly string[]) {
  if (connectionIds.length === 0) return;
  const ids = [...connectionIds];
  const resolved = await db.notice.findMany({
    where: { connectionId: { in: ids }, resolvedAt: null },
    select: { connectionId: true },
  });
  await db.notice.updateMany({
    where: { connectionId: { in: ids }, resolvedAt: null },
    data: { resolvedAt: new Date() },
  });
  const alerted = await db.connectionAlert.findMany({
    where: { connectionId: { in: ids }, closedAt: null },
    select: { connectionId: true },
  });
  const toCheck = new Set([...resolved, ...alerted].map((r) => r.connectionId).filter((id): id is string => !!id));
  for (const connectionId of toCheck) await scheduleAlertCheck(db, connectionId, 0);
}
