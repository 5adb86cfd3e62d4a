import { z } from "zod";
import { actorOf, recordAudit } from "@/server/audit/service";
import type { DbOrTx } from "@/server/db/transaction";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { hideAllPossibleDuplicates, listHideBatches, unhideBatch } from "./hide-all";
import { listFeed, listFeedAccounts } from "./list";
import { returnedDuplicates } from "./returned";
import {
  bankAccountRef,
  cleared,
  feedAccount,
  feedListInput,
  feedPage,
  feedSettings,
  hidden,
  hideAllInput,
  hideAllResult,
  hideBatch,
  hideBatchRef,
  importAllNewResult,
  importInput,
  importResult,
  returnedAccount,
  selection,
  unhidden,
} from "./schemas";
import { BULK_TRANSACTION } from "./sql";
import { hideTransactions, importAllNew, importTransactions, markNotDuplicate, unhideTransactions } from "./review";
import { getFeedSettings, updateFeedSettings } from "./settings";

/** A customer action on selected feed transactions: a service call and an audit entry per click. */
function selectionAction<R extends Record<string, number>>(
  action: string,
  output: z.ZodType<R>,
  run: (db: DbOrTx, args: { organizationId: string; actorUserId: string; transactionIds: string[] }) => Promise<R>,
) {
  return orgProcedure("books.write")
    .input(selection)
    .output(output)
    .mutation(({ ctx, input }) =>
      // The change and its audit entry commit together.
      ctx.db.$transaction(async (tx) => {
        const result = await run(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.user.id,
          transactionIds: input.transactionIds,
        });
        await recordAudit(tx, {
          actor: actorOf(ctx),
          organizationId: ctx.org.id,
          action,
          objectType: "FeedTransaction",
          objectId: input.transactionIds.length === 1 ? input.transactionIds[0]! : null,
          details: { selected: input.transactionIds.length, ...result },
        });
        return result;
      }, BULK_TRANSACTION),
    );
}

export const feedRouter = createRouter({
  accounts: orgProcedure("org.read")
    .output(z.array(feedAccount))
    .query(({ ctx }) => listFeedAccounts(ctx.db, ctx.org.id)),

  list: orgProcedure("org.read")
    .input(feedListInput)
    .output(feedPage)
    .query(({ ctx, input }) => listFeed(ctx.db, ctx.org.id, input)),

  hide: selectionAction("feed.hide", hidden, hideTransactions),
  unhide: selectionAction("feed.unhide", unhidden, unhideTransactions),
  notDuplicate: selectionAction("feed.notDuplicate", cleared, markNotDuplicate),
  import: orgProcedure("books.write")
    .input(importInput)
    .output(importResult)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const result = await importTransactions(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.user.id,
          transactionIds: input.transactionIds,
          confirmFlagged: input.confirmFlagged,
        });
        await recordAudit(tx, {
          actor: actorOf(ctx),
          organizationId: ctx.org.id,
          action: "feed.import",
          objectType: "FeedTransaction",
          objectId: input.transactionIds.length === 1 ? input.transactionIds[0]! : null,
          details: { selected: input.transactionIds.length, confirmFlagged: input.confirmFlagged, ...result },
        });
        return result;
      }, BULK_TRANSACTION),
    ),

  importAllNew: orgProcedure("books.write")
    .input(bankAccountRef)
    .output(importAllNewResult)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const result = await importAllNew(tx, {
          organizationId: ctx.org.id,
          actorUserId: ctx.user.id,
          bankAccountId: input.bankAccountId,
        });
        await recordAudit(tx, {
          actor: actorOf(ctx),
          organizationId: ctx.org.id,
          action: "feed.importAllNew",
          objectType: "BankAccount",
          objectId: input.bankAccountId,
          details: { ...result },
        });
        return result;
      }, BULK_TRANSACTION),
    ),

  hideAll: orgProcedure("books.write")
    .input(hideAllInput)
    .output(hideAllResult)
    .mutation(({ ctx, input }) =>
      hideAllPossibleDuplicates(ctx.db, {
        organizationId: ctx.org.id,
        actor: { ...actorOf(ctx), userId: ctx.user.id },
        bankAccountId: input.bankAccountId,
        filters: { from: input.from, to: input.to, text: input.text },
        expectedCount: input.expectedCount,
      }),
    ),

  hideBatches: orgProcedure("org.read")
    .input(bankAccountRef)
    .output(z.array(hideBatch))
    .query(({ ctx, input }) => listHideBatches(ctx.db, ctx.org.id, input.bankAccountId)),

  unhideBatch: orgProcedure("books.write")
    .input(hideBatchRef)
    .output(unhidden)
    .mutation(({ ctx, input }) =>
      unhideBatch(ctx.db, {
        organizationId: ctx.org.id,
        actor: { ...actorOf(ctx), userId: ctx.user.id },
        batchId: input.batchId,
      }),
    ),

  returnedDuplicates: orgProcedure("org.read")
    .output(z.array(returnedAccount))
    .query(({ ctx }) => returnedDuplicates(ctx.db, ctx.org.id)),

  settings: orgProcedure("org.read")
    .output(feedSettings)
    .query(({ ctx }) => getFeedSettings(ctx.db, ctx.org.id)),

  updateSettings: orgProcedure("settings.manage")
    .input(feedSettings)
    .output(feedSettings)
    .mutation(({ ctx, input }) =>
      updateFeedSettings(ctx.db, { organizationId: ctx.org.id, actor: actorOf(ctx), settings: input }),
    ),
});
