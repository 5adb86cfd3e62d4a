import { z } from "zod";
import { actorOf, recordAudit } from "@/server/audit/service";
import { isoDate } from "@/server/feed/filters";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { matchToEntry, searchEntries, undoMatch } from "./service";

const id = z.string().min(1).max(64);

export const matchesRouter = createRouter({
  /** Match: the feed row is the bank's side of an entry the bookkeeper wrote. */
  link: orgProcedure("books.write")
    .input(z.object({ transactionId: id, entryId: id, byHand: z.boolean().default(false) }))
    .output(z.object({ matched: z.boolean() }))
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
    .input(
      z.object({
        transactionId: id,
        from: isoDate.nullish(),
        to: isoDate.nullish(),
        text: z.string().trim().max(100).nullish(),
        amountCents: z.number().int().min(-2_147_483_647).max(2_147_483_647).nullish(),
      }),
    )
    .output(
      z.object({
        entries: z.array(
          z.object({ id: z.string(), date: z.string(), description: z.string(), amountCents: z.number(), checkNumber: z.string().nullable(), typedByHand: z.boolean(), source: z.string() }),
        ),
      }),
    )
    .query(({ ctx, input }) => searchEntries(ctx.db, ctx.org.id, input)),

  /** From the register: the entry gets its own date back and its bank row goes back to review. */
  undo: orgProcedure("books.write")
    .input(z.object({ entryId: id }))
    .output(z.object({ undone: z.number() }))
    .mutation(async ({ ctx, input }) => {
      const result = await undoMatch(ctx.db, { organizationId: ctx.org.id, actorUserId: ctx.user.id, entryId: input.entryId });
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
