import { z } from "zod";
import { offsetCapMessage, offsetWithinCap, pageInput } from "@/server/db/paging";
import { actorOf, recordAudit } from "@/server/audit/service";
import type { DbOrTx } from "@/server/db/transaction";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { isoDate } from "./filters";
import { hideAllPossibleDuplicates, listHideBatches, unhideBatch } from "./hide-all";
import { FEED_VIEWS, listFeed, listFeedAccounts } from "./list";
import { returnedDuplicates } from "./returned";
import { BULK_TRANSACTION } from "./sql";
import { hideTransactions, importAllNew, importTransactions, markNotDuplicate, unhideTransactions } from "./review";
import { getFeedSettings, updateFeedSettings } from "./settings";

const id = z.string().min(1).max(64);
const selection = z.object({ transactionIds: z.array(id).min(1, "Select at least one transaction.").max(25_000) });
const feedState = z.enum(["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE", "HIDDEN", "IMPORTED"]);
const hideKind = z.enum(["HIDE_ALL", "AUTOMATIC"]);
const filters = {
  from: isoDate.nullish(),
  to: isoDate.nullish(),
  text: z.string().trim().max(100).nullish(),
};
const settingsSchema = z.object({ autoHideSureDuplicates: z.boolean() });

const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  mask: z.string(),
  kind: z.string(),
  institutionName: z.string(),
  removed: z.boolean(),
  register: z.object({ id: z.string(), name: z.string() }).nullable(),
  counts: z.object({ new: z.number(), flagged: z.number(), hidden: z.number(), imported: z.number() }),
});

const rowSchema = z.object({
  id: z.string(),
  date: z.string(),
  description: z.string(),
  amountCents: z.number(),
  checkNumber: z.string().nullable(),
  pending: z.boolean(),
  state: feedState,
  match: z
    .object({
      kind: z.enum(["register", "hidden"]),
      id: z.string(),
      date: z.string(),
      description: z.string(),
      amountCents: z.number(),
      /** The entry came from a bank feed (imported, or matched); false: typed by hand or from the books' own file. */
      fromBank: z.boolean(),
      score: z.number(),
      reasons: z.array(z.string()),
    })
    .nullable(),
  hiddenAutomatically: z.boolean(),
  /** Hidden together with others: by Hide all, or automatically as a sure duplicate. */
  hideBatch: z.object({ id: z.string(), kind: hideKind }).nullable(),
  importedAt: z.date().nullable(),
  /** Linked to an entry the bookkeeper wrote (Match) rather than imported as a new one. */
  matchedAt: z.date().nullable(),
  /** The entry it was matched to, as the bookkeeper wrote it. */
  matchedEntry: z.object({ id: z.string(), date: z.string(), description: z.string(), amountCents: z.number() }).nullable(),
  registerEntryId: z.string().nullable(),
});

const importResult = z.object({ imported: z.number(), alreadyImported: z.number() });

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
        const result = await run(tx, { organizationId: ctx.org.id, actorUserId: ctx.user.id, transactionIds: input.transactionIds });
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
    .output(z.array(accountSchema))
    .query(({ ctx }) => listFeedAccounts(ctx.db, ctx.org.id)),

  list: orgProcedure("org.read")
    .input(
      z.object({
        bankAccountId: id,
        view: z.enum(FEED_VIEWS).default("review"),
        ...filters,
        ...pageInput,
      }).refine(offsetWithinCap, offsetCapMessage),
    )
    .output(
      z.object({
        total: z.number(),
        /** Possible duplicates these filters let through, on every page (in the To review, Possible duplicates and All views). */
        flaggedMatching: z.number(),
        page: z.number(),
        pageSize: z.number(),
        /** The key to read the next page from (after), or null on the last page. */
        nextCursor: z.string().nullable(),
        rows: z.array(rowSchema),
      }),
    )
    .query(({ ctx, input }) => listFeed(ctx.db, ctx.org.id, input)),

  hide: selectionAction("feed.hide", z.object({ hidden: z.number() }), hideTransactions),
  unhide: selectionAction("feed.unhide", z.object({ unhidden: z.number() }), unhideTransactions),
  notDuplicate: selectionAction("feed.notDuplicate", z.object({ cleared: z.number() }), markNotDuplicate),
  import: orgProcedure("books.write")
    .input(selection.extend({ confirmFlagged: z.boolean().default(false) }))
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
    .input(z.object({ bankAccountId: id }))
    .output(importResult.extend({ flaggedLeft: z.number() }))
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const result = await importAllNew(tx, { organizationId: ctx.org.id, actorUserId: ctx.user.id, bankAccountId: input.bankAccountId });
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
    .input(z.object({ bankAccountId: id, ...filters, expectedCount: z.number().int().min(1).max(10_000_000) }))
    .output(z.object({ hidden: z.number(), batchId: z.string().nullable() }))
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
    .input(z.object({ bankAccountId: id }))
    .output(
      z.array(
        z.object({
          id: z.string(),
          kind: hideKind,
          createdAt: z.date(),
          hiddenCount: z.number(),
          stillHidden: z.number(),
          actorName: z.string().nullable(),
          filters: z.object({ from: z.string().nullable(), to: z.string().nullable(), text: z.string().nullable() }).nullable(),
        }),
      ),
    )
    .query(({ ctx, input }) => listHideBatches(ctx.db, ctx.org.id, input.bankAccountId)),

  unhideBatch: orgProcedure("books.write")
    .input(z.object({ batchId: id }))
    .output(z.object({ unhidden: z.number() }))
    .mutation(({ ctx, input }) => unhideBatch(ctx.db, { organizationId: ctx.org.id, actor: { ...actorOf(ctx), userId: ctx.user.id }, batchId: input.batchId })),

  returnedDuplicates: orgProcedure("org.read")
    .output(
      z.array(z.object({ connectionId: z.string(), bankAccountId: z.string(), accountName: z.string(), mask: z.string(), count: z.number() })),
    )
    .query(({ ctx }) => returnedDuplicates(ctx.db, ctx.org.id)),

  settings: orgProcedure("org.read")
    .output(settingsSchema)
    .query(({ ctx }) => getFeedSettings(ctx.db, ctx.org.id)),

  updateSettings: orgProcedure("settings.manage")
    .input(settingsSchema)
    .output(settingsSchema)
    .mutation(({ ctx, input }) => updateFeedSettings(ctx.db, { organizationId: ctx.org.id, actor: actorOf(ctx), settings: input })),
});
