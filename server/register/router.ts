import { z } from "zod";
import { offsetCapMessage, offsetWithinCap, pageInput } from "@/server/db/paging";
import { actorOf, recordAudit } from "@/server/audit/service";
import { isoDate } from "@/server/feed/filters";
import { createRouter, orgProcedure } from "@/server/trpc/init";
import { addEntry, listEntries, listRegisters, MAX_ENTRY_CENTS } from "./service";

const id = z.string().min(1).max(64);

const entryDate = isoDate.refine((value) => {
  const year = Number(value.slice(0, 4));
  const limit = new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10);
  return year >= 1900 && value <= limit;
}, "Enter a date between 1900 and a year from today.");

export const newEntrySchema = z.object({
  registerId: id,
  date: entryDate,
  description: z.string().trim().min(1, "Enter a description.").max(200, "Keep the description under 200 characters."),
  amountCents: z
    .number()
    .int("Enter the amount in whole cents.")
    .refine((cents) => cents !== 0, "Enter an amount other than zero.")
    .refine((cents) => Math.abs(cents) < MAX_ENTRY_CENTS, "Enter an amount under $10,000,000.00."),
  checkNumber: z
    .string()
    .trim()
    .regex(/^\d{1,10}$/, "A check number is 1 to 10 digits.")
    .nullish()
    .or(z.literal("").transform(() => null)),
});

export const registerRouter = createRouter({
  list: orgProcedure("org.read")
    .output(
      z.array(
        z.object({
          id: z.string(),
          name: z.string(),
          kind: z.string(),
          entryCount: z.number(),
          balanceCents: z.number(),
          bankAccounts: z.array(z.object({ name: z.string(), mask: z.string() })),
        }),
      ),
    )
    .query(({ ctx }) => listRegisters(ctx.db, ctx.org.id)),

  entries: orgProcedure("org.read")
    .input(
      z.object({
        registerId: id,
        from: isoDate.nullish(),
        to: isoDate.nullish(),
        text: z.string().trim().max(100).nullish(),
        ...pageInput,
      }).refine(offsetWithinCap, offsetCapMessage),
    )
    .output(
      z.object({
        total: z.number(),
        page: z.number(),
        pageSize: z.number(),
        /** The key to read the next page from (after), or null on the last page. */
        nextCursor: z.string().nullable(),
        rows: z.array(
          z.object({
            id: z.string(),
            date: z.string(),
            description: z.string(),
            checkNumber: z.string().nullable(),
            amountCents: z.number(),
            balanceCents: z.number(),
            source: z.enum(["MANUAL", "IMPORT", "STATEMENT"]),
            createdAt: z.date(),
            createdByName: z.string().nullable(),
            importedFrom: z.object({ accountName: z.string(), accountMask: z.string(), institutionName: z.string() }).nullable(),
            cleared: z.boolean(),
            matchedTo: z.object({ transactionId: z.string(), date: z.string(), description: z.string(), accountName: z.string(), accountMask: z.string() }).nullable(),
          }),
        ),
      }),
    )
    .query(({ ctx, input }) => listEntries(ctx.db, ctx.org.id, input)),

  addEntry: orgProcedure("books.write")
    .input(newEntrySchema)
    .output(z.object({ id: z.string(), date: z.string(), description: z.string(), amountCents: z.number(), checkNumber: z.string().nullable() }))
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
