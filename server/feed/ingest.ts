import type { Transaction } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";

export interface IngestResult {
  /** Transactions the bank sent. */
  received: number;
  /** New rows in the bank feed. */
  added: number;
  /** Rows already in the feed that the bank revised (pending that posted, changed amounts). */
  updated: number;
}

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/**
 * Brings retrieved transactions into an account's bank feed. Idempotent: a transaction
 * already in the feed under its provider id is updated, never added twice; a posted
 * transaction replaces the pending row it names.
 */
export async function ingestBankTransactions(
  db: Db,
  args: { organizationId: string; bankAccountId: string; transactions: Transaction[] },
): Promise<IngestResult> {
  const { organizationId, bankAccountId, transactions } = args;
  const ids = transactions.flatMap((t) => [t.id, ...(t.pendingTransactionId ? [t.pendingTransactionId] : [])]);
  const existing = await db.feedTransaction.findMany({
    where: { bankAccountId, providerTransactionId: { in: ids } },
    select: { id: true, providerTransactionId: true, state: true },
  });
  const byProviderId = new Map(existing.map((e) => [e.providerTransactionId, e]));
  let added = 0;
  let updated = 0;
  await db.$transaction(async (tx) => {
    for (const t of transactions) {
      const fields = {
        date: day(t.postedDate),
        amountCents: t.amountCents,
        description: t.description,
        checkNumber: t.checkNumber,
        pending: t.pending,
      };
      const same = byProviderId.get(t.id);
      if (same) {
        if (same.state === "NEW") await tx.feedTransaction.update({ where: { id: same.id }, data: fields });
        updated++;
        continue;
      }
      const pendingRow = t.pendingTransactionId ? byProviderId.get(t.pendingTransactionId) : undefined;
      if (pendingRow && pendingRow.state === "NEW") {
        await tx.feedTransaction.update({
          where: { id: pendingRow.id },
          data: { ...fields, providerTransactionId: t.id, pendingProviderTransactionId: t.pendingTransactionId },
        });
        updated++;
        continue;
      }
      await tx.feedTransaction.create({
        data: {
          organizationId,
          bankAccountId,
          providerTransactionId: t.id,
          pendingProviderTransactionId: t.pendingTransactionId,
          ...fields,
        },
      });
      added++;
    }
  });
  return { received: transactions.length, added, updated };
}
