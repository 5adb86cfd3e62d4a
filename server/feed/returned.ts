import type { Db } from "@/server/db/client";
import { FLAGGED_STATES } from "./list";

// "N transactions you already have came back": per linked account of a working connection,
// how many rows wait in the feed flagged as possible duplicates of the books. Shown on the
// connection after a retrieval (a re-link brings the history back under new ids) until they
// are reviewed, with a link to those rows.

export interface ReturnedDuplicates {
  connectionId: string;
  bankAccountId: string;
  accountName: string;
  mask: string;
  count: number;
}

export async function returnedDuplicates(db: Db, organizationId: string): Promise<ReturnedDuplicates[]> {
  const accounts = await db.bankAccount.findMany({
    where: { organizationId, linked: true, connection: { status: { not: "REMOVED" } } },
    select: { id: true, connectionId: true, name: true, mask: true },
    orderBy: { name: "asc" },
  });
  if (accounts.length === 0) return [];
  // Through the accounts: FeedTransaction(bankAccountId, state, date) answers each one.
  const counts = await db.feedTransaction.groupBy({
    by: ["bankAccountId"],
    where: { bankAccountId: { in: accounts.map((a) => a.id) }, state: { in: FLAGGED_STATES } },
    _count: { _all: true },
  });
  const countOf = new Map(counts.map((c) => [c.bankAccountId, c._count._all]));
  // Accounts without a connection (statements only) have no connection to show this on.
  return accounts.flatMap((a) =>
    a.connectionId && (countOf.get(a.id) ?? 0) > 0
      ? [
          {
            connectionId: a.connectionId,
            bankAccountId: a.id,
            accountName: a.name,
            mask: a.mask,
            count: countOf.get(a.id)!,
          },
        ]
      : [],
  );
}
