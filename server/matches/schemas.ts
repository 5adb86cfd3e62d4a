import { z } from "zod";
import { listFilters } from "@/server/feed/schemas";
import { id } from "@/server/trpc/schemas";

// What matches.* procedures take and give: Match (a bank row to an entry typed by hand),
// Find a match, and undoing a match from the register.

export const matchInput = z.object({ transactionId: id, entryId: id, byHand: z.boolean().default(false) });
export const matched = z.object({ matched: z.boolean() });

/** Find a match: the register's entries still waiting for this bank row, by the feed's filters and an amount. */
export const searchInput = z.object({
  transactionId: id,
  ...listFilters,
  amountCents: z.number().int().min(-2_147_483_647).max(2_147_483_647).nullish(),
});
export const candidateEntry = z.object({
  id: z.string(),
  date: z.string(),
  description: z.string(),
  amountCents: z.number(),
  checkNumber: z.string().nullable(),
  typedByHand: z.boolean(),
  source: z.string(),
});
export const candidates = z.object({ entries: z.array(candidateEntry) });

export const undoInput = z.object({ entryId: id });
export const undone = z.object({ undone: z.number() });

export type CandidateEntry = z.output<typeof candidateEntry>;
