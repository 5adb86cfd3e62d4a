import { z } from "zod";
import { RegisterEntrySource } from "@/server/db/generated/enums";
import { offsetCapMessage, offsetWithinCap, pageInput } from "@/server/db/paging";
import { isoDate, listFilters } from "@/server/feed/schemas";
import { id } from "@/server/trpc/schemas";
import { MAX_ENTRY_CENTS } from "./service";

// What register.* procedures take and give: the registers, a page of a register's entries
// with the running balance, an entry added by hand.

export const entrySource = z.enum(RegisterEntrySource);

export const registerSummary = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  entryCount: z.number(),
  balanceCents: z.number(),
  bankAccounts: z.array(z.object({ name: z.string(), mask: z.string() })),
});

export const entriesInput = z
  .object({
    registerId: id,
    ...listFilters,
    ...pageInput,
  })
  .refine(offsetWithinCap, offsetCapMessage);

export const registerEntry = z.object({
  id: z.string(),
  date: z.string(),
  description: z.string(),
  checkNumber: z.string().nullable(),
  amountCents: z.number(),
  balanceCents: z.number(),
  source: entrySource,
  createdByName: z.string().nullable(),
  importedFrom: z.object({ accountName: z.string(), accountMask: z.string(), institutionName: z.string() }).nullable(),
  cleared: z.boolean(),
  matchedTo: z
    .object({
      transactionId: z.string(),
      date: z.string(),
      description: z.string(),
      accountName: z.string(),
      accountMask: z.string(),
    })
    .nullable(),
});
export const entriesPage = z.object({
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** The key to read the next page from (after), or null on the last page. */
  nextCursor: z.string().nullable(),
  rows: z.array(registerEntry),
});

const entryDate = isoDate.refine((value) => {
  const year = Number(value.slice(0, 4));
  const limit = new Date(Date.now() + 366 * 86_400_000).toISOString().slice(0, 10);
  return year >= 1900 && value <= limit;
}, "Enter a date between 1900 and a year from today.");

export const newEntry = z.object({
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
export const addedEntry = z.object({
  id: z.string(),
  date: z.string(),
  description: z.string(),
  amountCents: z.number(),
  checkNumber: z.string().nullable(),
});

export type RegisterSummary = z.output<typeof registerSummary>;
export type RegisterEntry = z.output<typeof registerEntry>;
export type NewEntry = z.input<typeof newEntry>;
