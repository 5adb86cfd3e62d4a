import { recordAudit, type AuditActor } from "@/server/audit/service";
import { Prisma, type Db } from "@/server/db/client";
import { DomainError, notFound } from "@/server/errors";
import { FLAGGED_STATES, feedWhere, type FeedFilters } from "./list";
import { BULK_TRANSACTION, lockBooks } from "./sql";
import { RESTORED_STATE, UTC_NOW } from "./states";

// Hiding the possible duplicates of an account in one action (after a re-link a feed holds
// hundreds), and bringing exactly such a batch back. Rows are found through their bank account
// and its register only, so rows from any source of an account's feed are treated alike.

const plural = (count: number, one: string, many = `${one}s`) =>
  `${count.toLocaleString("en-US")} ${count === 1 ? one : many}`;

/** The filters as the person set them, without empty ones: what the confirmation named. */
function keptFilters(filters: FeedFilters) {
  const kept = { from: filters.from || null, to: filters.to || null, text: filters.text?.trim() || null };
  return kept.from || kept.to || kept.text ? kept : null;
}

/**
 * Hides every possible duplicate (both tiers) of the account that the list's filters let
 * through, on every page, as one batch; writes the audit entry in the same transaction. The
 * person confirmed a count: if the feed changed meanwhile (a retrieval, another tab), nothing is
 * hidden and the new count is returned in the error. Nothing left to hide is not an error, so a
 * repeated click changes nothing.
 */
export async function hideAllPossibleDuplicates(
  db: Db,
  args: {
    organizationId: string;
    actor: AuditActor & { userId: string };
    bankAccountId: string;
    filters: FeedFilters;
    expectedCount: number;
  },
): Promise<{ hidden: number; batchId: string | null }> {
  const { organizationId, actor } = args;
  return db.$transaction(async (tx) => {
    const account = await tx.bankAccount.findFirst({
      where: { id: args.bankAccountId, organizationId },
      select: { id: true, registerId: true },
    });
    if (!account) throw notFound("That bank account");
    // Retrievals and imports of these books wait, so the rows counted are the rows hidden.
    await lockBooks(tx, account.registerId ? [account.registerId, account.id] : [account.id]);
    const where = feedWhere(organizationId, account.id, FLAGGED_STATES, args.filters);
    const [{ count }] = await tx.$queryRaw<
      [{ count: number }]
    >`SELECT count(*)::int AS count FROM "FeedTransaction" WHERE ${where}`;
    if (count === 0) return { hidden: 0, batchId: null };
    if (count !== args.expectedCount) {
      throw new DomainError(
        "CONFLICT",
        "The feed changed meanwhile: " +
          `${plural(count, "possible duplicate matches", "possible duplicates match")} now, ` +
          `not ${args.expectedCount.toLocaleString("en-US")}. Nothing was hidden; confirm again.`,
        { count },
      );
    }
    const filters = keptFilters(args.filters);
    const batch = await tx.feedHideBatch.create({
      data: {
        organizationId,
        bankAccountId: account.id,
        kind: "HIDE_ALL",
        actorUserId: actor.userId,
        filters: filters ?? Prisma.DbNull,
        hiddenCount: count,
      },
      select: { id: true },
    });
    const hidden = await tx.$executeRaw`
      UPDATE "FeedTransaction"
      SET state = 'HIDDEN', "hiddenAt" = ${UTC_NOW}, "hiddenById" = ${actor.userId}, "hideBatchId" = ${batch.id},
        "updatedAt" = ${UTC_NOW}
      WHERE ${where}`;
    await recordAudit(tx, {
      actor,
      organizationId,
      action: "feed.hideAll",
      objectType: "FeedHideBatch",
      objectId: batch.id,
      details: { bankAccountId: account.id, hidden, ...(filters ? { filters } : {}) },
    });
    return { hidden, batchId: batch.id };
  }, BULK_TRANSACTION);
}

/** Batches of the account with rows still hidden, newest first: what Un-hide all can bring back. */
export async function listHideBatches(db: Db, organizationId: string, bankAccountId: string) {
  const account = await db.bankAccount.findFirst({
    where: { id: bankAccountId, organizationId },
    select: { id: true },
  });
  if (!account) throw notFound("That bank account");
  const [batches, counts] = await Promise.all([
    db.feedHideBatch.findMany({
      where: { organizationId, bankAccountId: account.id, restoredAt: null },
      select: { id: true, kind: true, actorUserId: true, filters: true, hiddenCount: true, createdAt: true },
      orderBy: { createdAt: "desc" },
    }),
    // Through the account's hidden rows: FeedTransaction(bankAccountId, state, date).
    db.feedTransaction.groupBy({
      by: ["hideBatchId"],
      where: { bankAccountId: account.id, state: "HIDDEN", hideBatchId: { not: null } },
      _count: { _all: true },
    }),
  ]);
  const still = new Map(counts.map((c) => [c.hideBatchId!, c._count._all]));
  const open = batches.filter((batch) => (still.get(batch.id) ?? 0) > 0);
  const actorIds = [...new Set(open.flatMap((batch) => (batch.actorUserId ? [batch.actorUserId] : [])))];
  const actors = new Map(
    (await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((user) => [
      user.id,
      user.name,
    ]),
  );
  return open.map((batch) => {
    const filters = batch.filters as { from?: string | null; to?: string | null; text?: string | null } | null;
    return {
      id: batch.id,
      kind: batch.kind,
      createdAt: batch.createdAt,
      hiddenCount: batch.hiddenCount,
      stillHidden: still.get(batch.id)!,
      actorName: batch.actorUserId ? (actors.get(batch.actorUserId) ?? null) : null,
      filters: filters ? { from: filters.from ?? null, to: filters.to ?? null, text: filters.text ?? null } : null,
    };
  });
}

/**
 * "Un-hide all" of one batch: its rows that are still hidden go back to review as they were
 * (flagged with their match). Rows un-hidden on their own meanwhile, or hidden again by another
 * action, are not part of it any more. Safe to repeat.
 */
export async function unhideBatch(
  db: Db,
  args: { organizationId: string; actor: AuditActor & { userId: string }; batchId: string },
): Promise<{ unhidden: number }> {
  const { organizationId, actor } = args;
  return db.$transaction(async (tx) => {
    const batch = await tx.feedHideBatch.findFirst({
      where: { id: args.batchId, organizationId },
      select: { id: true, bankAccountId: true, restoredAt: true, bankAccount: { select: { registerId: true } } },
    });
    if (!batch) throw notFound("That batch of hidden transactions");
    // A retrieval reads hidden rows as tombstones: it sees the batch hidden or back, never half.
    const registerId = batch.bankAccount.registerId;
    await lockBooks(tx, registerId ? [registerId, batch.bankAccountId] : [batch.bankAccountId]);
    const unhidden = await tx.$executeRaw(Prisma.sql`
      UPDATE "FeedTransaction"
      SET state = ${RESTORED_STATE}, "hiddenAt" = NULL, "hiddenById" = NULL, "hideBatchId" = NULL,
        "updatedAt" = ${UTC_NOW}
      WHERE "bankAccountId" = ${batch.bankAccountId} AND state = 'HIDDEN' AND "hideBatchId" = ${batch.id}`);
    if (!batch.restoredAt) {
      await tx.feedHideBatch.update({
        where: { id: batch.id },
        data: { restoredAt: new Date(), restoredById: actor.userId },
      });
    }
    await recordAudit(tx, {
      actor,
      organizationId,
      action: "feed.unhideBatch",
      objectType: "FeedHideBatch",
      objectId: batch.id,
      details: { bankAccountId: batch.bankAccountId, unhidden },
    });
    return { unhidden };
  }, BULK_TRANSACTION);
}
