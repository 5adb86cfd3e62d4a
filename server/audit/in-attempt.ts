import { AsyncLocalStorage } from "node:async_hooks";
import type { Prisma } from "@/server/db/generated/client";
import { recordAudit, type AuditRecord } from "./service";

// A customer's act on a bank login (link, Update Login, retrieve, remove, the provider's page)
// changes the connection in whichever transaction its path through the engine settles it.
// The act's audit entry rides along: the router names the entry, and the first history row
// the act writes (every path writes one, in the transaction of the connection's change) writes
// the entry in that same transaction, with the status the act came to. Either both are there
// or neither.

interface Pending {
  record: AuditRecord;
  written: boolean;
}

// One store per process, whichever of Next.js's server bundles loads this module.
const globalForPending = globalThis as unknown as { banklineAuditPending?: AsyncLocalStorage<Pending> };
const pending = (globalForPending.banklineAuditPending ??= new AsyncLocalStorage<Pending>());

export async function auditedAttempt<T>(record: AuditRecord, act: () => Promise<T>): Promise<T> {
  return pending.run({ record, written: false }, act);
}

/** Called where an act's history row is written, with its transaction. */
export async function writeAttemptAudit(
  tx: Prisma.TransactionClient,
  event: { connectionId: string | null; statusCode: number | null },
) {
  const entry = pending.getStore();
  if (!entry || entry.written) return;
  entry.written = true;
  const details = (entry.record.details ?? {}) as Record<string, Prisma.InputJsonValue | null>;
  await recordAudit(tx, {
    ...entry.record,
    objectId: entry.record.objectId ?? event.connectionId,
    details: { ...details, statusCode: event.statusCode },
  });
}
