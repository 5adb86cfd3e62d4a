import { actorOf, recordAudit } from "@/server/audit/service";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { candidates, matched, matchInput, searchInput, undoInput, undone } from "./schemas";
import { matchToEntry, searchEntries, undoMatch } from "./service";

export const matchesRouter = createRouter({
  /** Match: the feed row is the bank's side of an entry the bookkeeper wrote. */
  link: orgProcedure("books.write")
    .input(matchInput)
    .output(matched)
    .mutation(async ({ ctx, input }) => {
      const result = await matchToEntry(ctx.db, { organizationId: ctx.org.id, actorUserId: ctx.user.id, ...input });
      await recordAudit(ctx.db, {
        actor: actorOf(ctx),
        organizationId: ctx.org.id,
        action: input.byHand ? "feed.matchByHand" : "feed.match",
        objectType: "FeedTransaction",
        objectId: input.transactionId,
        details: { entryId: input.entryId, ...result },
      });
      return result;
    }),

  /** Find a match: the register's entries still waiting for their bank transaction. */
  search: orgProcedure("books.write")
    .input(searchInput)
    .output(candidates)
    .query(({ ctx, input }) => searchEntries(ctx.db, ctx.org.id, input)),

  /** From the register: the entry gets its own date back and its bank row goes back to review. */
  undo: orgProcedure("books.write")
    .input(undoInput)
    .output(undone)
    .mutation(async ({ ctx, input }) => {
      const result = await undoMatch(ctx.db, {
        organizationId: ctx.org.id,
        actorUserId: ctx.user.id,
        entryId: input.entryId,
      });
      await recordAudit(ctx.db, {
        actor: actorOf(ctx),
        organizationId: ctx.org.id,
        action: "register.undoMatch",
        objectType: "RegisterEntry",
        objectId: input.entryId,
        details: { ...result },
      });
      return result;
    }),
});
