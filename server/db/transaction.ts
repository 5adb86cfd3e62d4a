import { isClient, type Db } from "./client";
import type { Prisma } from "./generated/client";

export type DbOrTx = Db | Prisma.TransactionClient;

/**
 * Runs `work` in a transaction: a new one on a client, or the caller's when given one, so a
 * service's change and what the caller writes with it (an audit entry) commit together.
 */
export function inTransaction<T>(
  db: DbOrTx,
  work: (tx: Prisma.TransactionClient) => Promise<T>,
  options?: { timeout?: number; maxWait?: number; isolationLevel?: Prisma.TransactionIsolationLevel },
): Promise<T> {
  return isClient(db) ? db.$transaction(work, options) : work(db as Prisma.TransactionClient);
}
