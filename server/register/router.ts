import { z } from "zod";
import { actorOf, recordAudit } from "@/server/audit/service";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { addedEntry, entriesInput, entriesPage, newEntry, registerSummary } from "./schemas";
import { addEntry, listEntries, listRegisters } from "./service";

export const registerRouter = createRouter({
  list: orgProcedure("org.read")
    .output(z.array(registerSummary))
    .query(({ ctx }) => listRegisters(ctx.db, ctx.org.id)),

  entries: orgProcedure("org.read")
    .input(entriesInput)
    .output(entriesPage)
    .query(({ ctx, input }) => listEntries(ctx.db, ctx.org.id, input)),

  addEntry: orgProcedure("books.write")
    .input(newEntry)
    .output(addedEntry)
    .mutation(({ ctx, input }) =>
      ctx.db.$transaction(async (tx) => {
        const entry = await addEntry(tx, { ...input, organizationId: ctx.org.id, actorUserId: ctx.user.id });
        await recordAudit(tx, {
          actor: actorOf(ctx),
          organizationId: ctx.org.id,
          action: "register.addEntry",
          objectType: "RegisterEntry",
          objectId: entry.id,
          details: { registerId: input.registerId, amountCents: input.amountCents },
        });
        return entry;
      }),
    ),
});
