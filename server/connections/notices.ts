import { describeStatus } from "@/server/aggregator/status-codes";
import type { Db } from "@/server/db/client";
import type { Prisma } from "@/server/db/generated/client";

type DbOrTx = Db | Prisma.TransactionClient;

/**
 * Opens the in-app notice for a connection that needs the customer, replacing an open one
 * about an older code; a notice for the same code stays as it is.
 */
export async function openNotice(
  db: DbOrTx,
  args: { organizationId: string; connectionId: string; statusCode: number; institutionName: string; institutionUrl: string },
) {
  const status = describeStatus(args.statusCode, { institutionName: args.institutionName, institutionUrl: args.institutionUrl });
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
}

/** The connections work again: their open notices are resolved. */
export async function resolveNotices(db: DbOrTx, connectionIds: readonly string[]) {
  if (connectionIds.length === 0) return;
  await db.notice.updateMany({ where: { connectionId: { in: [...connectionIds] }, resolvedAt: null }, data: { resolvedAt: new Date() } });
}
