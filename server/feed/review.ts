import { Prisma } from "@/server/db/client";
import { inTransaction, type DbOrTx } from "@/server/db/transaction";
import { DomainError, notFound } from "@/server/errors";
import { BULK_TRANSACTION, lockBooks, textArray, type Tx } from "./sql";
import { RESTORED_STATE, UNREVIEWED_STATES, UTC_NOW } from "./states";

// What a customer does with feed rows: hide (they stay as tombstones), un-hide, clear a
// false duplicate flag, and import into the register. Every action is all or nothing per
// click and safe to repeat: a double click, a second tab or a retry changes nothing more.

interface Actor {
  organizationId: string;
  actorUserId: string;
}

interface Selected {
  id: string;
  state: string;
  bankAccountId: string;
  registerId: string | null;
  accountName: string;
}

/** Locks the selected rows of the organization; ids of rows it does not own are "not found". */
async function selectRows(tx: Tx, organizationId: string, transactionIds: readonly string[]): Promise<Selected[]> {
  const ids = [...new Set(transactionIds)];
  const rows = await tx.$queryRaw<Selected[]>(Prisma.sql`
    SELECT f.id, f.state::text AS state, f."bankAccountId", b."registerId", b.name AS "accountName"
    FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f."organizationId" = ${organizationId} AND f.id = ANY(${textArray(ids)})
    ORDER BY f.id
    FOR UPDATE OF f`);
  if (rows.length !== ids.length)
    throw notFound(ids.length === 1 ? "That transaction" : "One of the selected transactions");
  return rows;
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;

export async function hideTransactions(
  db: DbOrTx,
  args: Actor & { transactionIds: string[] },
): Promise<{ hidden: number }> {
  return inTransaction(
    db,
    async (tx) => {
      const rows = await selectRows(tx, args.organizationId, args.transactionIds);
      const imported = rows.filter((row) => row.state === "IMPORTED").length;
      if (imported > 0) {
        throw new DomainError(
          "CONFLICT",
          `${plural(imported, "selected transaction is", "selected transactions are")} already in the register; ` +
            "nothing was hidden.",
        );
      }
      const hidden = await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction"
      SET state = 'HIDDEN', "hiddenAt" = ${UTC_NOW}, "hiddenById" = ${args.actorUserId}, "hideBatchId" = NULL,
        "updatedAt" = ${UTC_NOW}
      WHERE id = ANY(${textArray(rows.map((row) => row.id))}) AND state IN ('NEW', 'DUPLICATE', 'POSSIBLE_DUPLICATE')`);
      return { hidden };
    },
    BULK_TRANSACTION,
  );
}

/** Back into review; a row that was flagged is flagged again, so the reason stays visible. */
export async function unhideTransactions(
  db: DbOrTx,
  args: Actor & { transactionIds: string[] },
): Promise<{ unhidden: number }> {
  return inTransaction(
    db,
    async (tx) => {
      const rows = await selectRows(tx, args.organizationId, args.transactionIds);
      const unhidden = await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction"
      SET state = ${RESTORED_STATE}, "hiddenAt" = NULL, "hiddenById" = NULL, "hideBatchId" = NULL,
        "updatedAt" = ${UTC_NOW}
      WHERE id = ANY(${textArray(rows.map((row) => row.id))}) AND state = 'HIDDEN'`);
      return { unhidden };
    },
    BULK_TRANSACTION,
  );
}

/** The customer says a flagged row is a transaction of its own: it becomes new, without a match. */
export async function markNotDuplicate(
  db: DbOrTx,
  args: Actor & { transactionIds: string[] },
): Promise<{ cleared: number }> {
  return inTransaction(
    db,
    async (tx) => {
      const rows = await selectRows(tx, args.organizationId, args.transactionIds);
      const settled = rows.filter((row) => !UNREVIEWED_STATES.includes(row.state)).length;
      if (settled > 0) {
        throw new DomainError(
          "CONFLICT",
          `${plural(settled, "selected transaction was", "selected transactions were")} ` +
            "hidden or imported meanwhile; nothing was changed.",
        );
      }
      const cleared = await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction" SET state = 'NEW', "matchRegisterEntryId" = NULL, "matchFeedTransactionId" = NULL,
        "matchScore" = NULL, "matchReasons" = NULL, "updatedAt" = ${UTC_NOW}
      WHERE id = ANY(${textArray(rows.map((row) => row.id))}) AND state IN ('DUPLICATE', 'POSSIBLE_DUPLICATE')`);
      return { cleared };
    },
    BULK_TRANSACTION,
  );
}

export type ImportResult = {
  /** Register entries created by this call. */
  imported: number;
  /** Selected rows that an earlier click (or another tab) had imported already. */
  alreadyImported: number;
};

/**
 * Imports the selected feed rows into the registers their accounts post to, all or nothing.
 * Rows already imported are skipped (a retry or a second tab), so no feed row ever becomes
 * two register entries; the database enforces it too (RegisterEntry.feedTransactionId is
 * unique, and the state changes only from a reviewable state).
 */
export async function importTransactions(
  db: DbOrTx,
  args: Actor & {
    transactionIds: string[];
    /** The person was told which rows look like entries already in the books, and said import anyway. */
    confirmFlagged?: boolean;
  },
): Promise<ImportResult> {
  return inTransaction(
    db,
    async (tx) => {
      await lockBooks(tx, await booksOfTransactions(tx, args.organizationId, args.transactionIds));
      const rows = await selectRows(tx, args.organizationId, args.transactionIds);
      const hidden = rows.filter((row) => row.state === "HIDDEN").length;
      if (hidden > 0) {
        throw new DomainError(
          "CONFLICT",
          `${plural(hidden, "selected transaction is", "selected transactions are")} hidden; ` +
            "un-hide before importing. Nothing was imported.",
        );
      }
      const flagged = rows.filter((row) => row.state === "DUPLICATE" || row.state === "POSSIBLE_DUPLICATE").length;
      if (flagged > 0 && !args.confirmFlagged) {
        throw new DomainError(
          "CONFLICT",
          `${plural(flagged, "selected transaction looks", "selected transactions look")} ` +
            `like ${flagged === 1 ? "an entry" : "entries"} already in the register; ` +
            "confirm to import anyway. Nothing was imported.",
          { flagged },
        );
      }
      const unmapped = rows.find((row) => row.registerId === null && row.state !== "IMPORTED");
      if (unmapped) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `Choose a register for the account “${unmapped.accountName}” on Manage Institutions first. ` +
            "Nothing was imported.",
        );
      }
      const open = rows.filter((row) => row.state !== "IMPORTED").map((row) => row.id);
      const imported = await createEntries(tx, args, open);
      return { imported, alreadyImported: rows.length - imported };
    },
    BULK_TRANSACTION,
  );
}

/**
 * "Import all new": every row of the account that is new. Never a flagged row (those are
 * imported one by one, after a question), nor a hidden or imported one; `flaggedLeft` says how
 * many possible duplicates stayed for review.
 */
export async function importAllNew(
  db: DbOrTx,
  args: Actor & { bankAccountId: string },
): Promise<ImportResult & { flaggedLeft: number }> {
  return inTransaction(
    db,
    async (tx) => {
      const account = await tx.bankAccount.findFirst({
        where: { id: args.bankAccountId, organizationId: args.organizationId },
        select: { id: true, name: true, registerId: true },
      });
      if (!account) throw notFound("That bank account");
      if (!account.registerId) {
        throw new DomainError(
          "PRECONDITION_FAILED",
          `Choose a register for the account “${account.name}” on Manage Institutions first. Nothing was imported.`,
        );
      }
      await lockBooks(tx, [account.registerId]);
      const rows = await tx.$queryRaw<{ id: string }[]>(Prisma.sql`
      SELECT id FROM "FeedTransaction" WHERE "bankAccountId" = ${account.id} AND state = 'NEW' ORDER BY id FOR UPDATE`);
      const imported = await createEntries(
        tx,
        args,
        rows.map((row) => row.id),
      );
      const flaggedLeft = await tx.feedTransaction.count({
        where: { bankAccountId: account.id, state: { in: ["DUPLICATE", "POSSIBLE_DUPLICATE"] } },
      });
      return { imported, alreadyImported: 0, flaggedLeft };
    },
    BULK_TRANSACTION,
  );
}

async function booksOfTransactions(
  tx: Tx,
  organizationId: string,
  transactionIds: readonly string[],
): Promise<string[]> {
  const rows = await tx.$queryRaw<{ key: string }[]>(Prisma.sql`
    SELECT DISTINCT coalesce(b."registerId", b.id) AS key
    FROM "FeedTransaction" f JOIN "BankAccount" b ON b.id = f."bankAccountId"
    WHERE f."organizationId" = ${organizationId} AND f.id = ANY(${textArray([...new Set(transactionIds)])})`);
  return rows.map((row) => row.key);
}

/**
 * One statement: claims the rows (only from a reviewable state), creates one entry per
 * claimed row with the provider ids it was seen under, and links the row to its entry.
 * Foreign keys are checked at the end of the statement, when the entries exist.
 */
async function createEntries(tx: Tx, actor: Actor, ids: string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const [result] = await tx.$queryRaw<{ count: number }[]>(Prisma.sql`
    WITH claimed AS (
      UPDATE "FeedTransaction" f SET
        state = 'IMPORTED', "registerEntryId" = 'c' || replace(gen_random_uuid()::text, '-', ''),
        "importedAt" = ${UTC_NOW}, "importedById" = ${actor.actorUserId}, "updatedAt" = ${UTC_NOW}
      FROM "BankAccount" b
      WHERE b.id = f."bankAccountId" AND b."registerId" IS NOT NULL AND f."organizationId" = ${actor.organizationId}
        AND f.id = ANY(${textArray(ids)}) AND f.state IN ('NEW', 'DUPLICATE', 'POSSIBLE_DUPLICATE')
      RETURNING f.id, f."registerEntryId", b."registerId", f.date, f."amountCents", f.description, f."checkNumber",
        f."providerTransactionId", f."pendingProviderTransactionId"
    ), entries AS (
      INSERT INTO "RegisterEntry" (id, "organizationId", "registerId", date, "amountCents", description, "checkNumber",
        source, "createdById", "createdAt", "feedTransactionId")
      SELECT c."registerEntryId", ${actor.organizationId}, c."registerId", c.date, c."amountCents", c.description,
        c."checkNumber", 'IMPORT'::"RegisterEntrySource", ${actor.actorUserId}, ${UTC_NOW}, c.id
      FROM claimed c
      RETURNING id
    ), provider_ids AS (
      INSERT INTO "RegisterEntryProviderId" (id, "organizationId", "registerEntryId", "providerTransactionId",
        "createdAt")
      SELECT 'c' || replace(gen_random_uuid()::text, '-', ''), ${actor.organizationId}, c."registerEntryId", p.id,
        ${UTC_NOW}
      FROM claimed c
      CROSS JOIN LATERAL (VALUES (c."providerTransactionId"), (c."pendingProviderTransactionId")) AS p(id)
      WHERE p.id IS NOT NULL
      ON CONFLICT ("organizationId", "providerTransactionId") DO NOTHING
    )
    SELECT count(*)::int AS count FROM entries`);
  return result!.count;
}
