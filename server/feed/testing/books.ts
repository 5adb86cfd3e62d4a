import type { Transaction } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";
import { ensureSandboxInstitution, uniqueSuffix } from "@/server/testing/fixtures";

// Test data for the feed and the register: a connection with one bank account posting to a
// register, and bank transactions as the aggregator client returns them. The connection has
// no aggregator login, so removing it never calls the aggregator.

export interface Books {
  connectionId: string;
  bankAccountId: string;
  registerId: string;
}

export async function createBooks(
  db: Db,
  organizationId: string,
  options: { registerId?: string; accountName?: string } = {},
): Promise<Books> {
  await ensureSandboxInstitution(db);
  const suffix = uniqueSuffix();
  const registerId =
    options.registerId ??
    (
      await db.register.create({
        data: { organizationId, name: `Checking ${suffix}`, kind: "checking" },
        select: { id: true },
      })
    ).id;
  const connection = await db.connection.create({
    data: { organizationId, institutionId: "sandbox-bank-personal", status: "ACTIVE" },
    select: { id: true },
  });
  const account = await db.bankAccount.create({
    data: {
      organizationId,
      connectionId: connection.id,
      providerAccountId: `acct_${suffix}`,
      name: options.accountName ?? "Checking",
      kind: "checking",
      mask: "1234",
      linked: true,
      registerId,
    },
    select: { id: true },
  });
  return { connectionId: connection.id, bankAccountId: account.id, registerId };
}

let sequence = 0;

export function bankTransaction(
  fields: Partial<Transaction> & { amountCents: number; postedDate: string; description: string },
): Transaction {
  sequence++;
  return {
    id: `txn_${uniqueSuffix()}_${sequence}`,
    accountId: "acct",
    transactionDate: fields.postedDate,
    checkNumber: null,
    pending: false,
    pendingTransactionId: null,
    category: null,
    ...fields,
  };
}

/** The same real-world transaction as another link of the bank shows it: a new id, the rest as given. */
export function relinked(t: Transaction, changes: Partial<Transaction> = {}): Transaction {
  return { ...t, id: `txn_${uniqueSuffix()}_${++sequence}`, pendingTransactionId: null, ...changes };
}

/** An ISO day `days` before today (UTC). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}
