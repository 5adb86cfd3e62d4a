import { z } from "zod";
import { FeedHideKind, FeedState } from "@/server/db/generated/enums";
import { EXISTING_KINDS } from "@/server/dedup";
import { offsetCapMessage, offsetWithinCap, pageInput } from "@/server/db/paging";
import { id } from "@/server/trpc/schemas";
import { FEED_VIEWS } from "./list";

// What feed.* procedures take and give: the bank feed's accounts and rows, the review acts,
// Hide all and its batches, the feed's settings. The register and Find a match filter their
// lists with the same dates and search text.

/** A calendar day `YYYY-MM-DD` that exists (no 2026-02-30). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Enter a date as YYYY-MM-DD.")
  .refine((value) => {
    const date = new Date(`${value}T00:00:00.000Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
  }, "That date does not exist.");

/** A list's filters: inclusive dates and a search text (filters.ts reads them). */
export const listFilters = {
  from: isoDate.nullish(),
  to: isoDate.nullish(),
  text: z.string().trim().max(100).nullish(),
};

export const feedState = z.enum(FeedState);
export const hideKind = z.enum(FeedHideKind);

export const feedAccount = z.object({
  id: z.string(),
  name: z.string(),
  mask: z.string(),
  kind: z.string(),
  institutionName: z.string(),
  removed: z.boolean(),
  register: z.object({ id: z.string(), name: z.string() }).nullable(),
  counts: z.object({ new: z.number(), flagged: z.number(), hidden: z.number(), imported: z.number() }),
});

export const feedRow = z.object({
  id: z.string(),
  date: z.string(),
  description: z.string(),
  amountCents: z.number(),
  checkNumber: z.string().nullable(),
  pending: z.boolean(),
  state: feedState,
  match: z
    .object({
      kind: z.enum(EXISTING_KINDS),
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
  /** Linked to an entry the bookkeeper wrote (Match) rather than imported as a new one. */
  matchedAt: z.date().nullable(),
  /** The entry it was matched to, as the bookkeeper wrote it. */
  matchedEntry: z
    .object({ id: z.string(), date: z.string(), description: z.string(), amountCents: z.number() })
    .nullable(),
});

export const feedListInput = z
  .object({
    bankAccountId: id,
    view: z.enum(FEED_VIEWS).default("review"),
    ...listFilters,
    ...pageInput,
  })
  .refine(offsetWithinCap, offsetCapMessage);
export const feedPage = z.object({
  total: z.number(),
  /** Possible duplicates these filters let through, on every page (views To review, Possible duplicates, All). */
  flaggedMatching: z.number(),
  page: z.number(),
  pageSize: z.number(),
  /** The key to read the next page from (after), or null on the last page. */
  nextCursor: z.string().nullable(),
  rows: z.array(feedRow),
});

/** The rows a review act applies to. */
export const selection = z.object({
  transactionIds: z.array(id).min(1, "Select at least one transaction.").max(25_000),
});
export const hidden = z.object({ hidden: z.number() });
export const unhidden = z.object({ unhidden: z.number() });
export const cleared = z.object({ cleared: z.number() });

export const importInput = selection.extend({ confirmFlagged: z.boolean().default(false) });
export const importResult = z.object({ imported: z.number(), alreadyImported: z.number() });
export const bankAccountRef = z.object({ bankAccountId: id });
export const importAllNewResult = importResult.extend({ flaggedLeft: z.number() });

export const hideAllInput = z.object({
  bankAccountId: id,
  ...listFilters,
  /** The count the person was shown and confirmed; a different count now refuses. */
  expectedCount: z.number().int().min(1).max(10_000_000),
});
export const hideAllResult = z.object({ hidden: z.number(), batchId: z.string().nullable() });

export const hideBatch = z.object({
  id: z.string(),
  kind: hideKind,
  createdAt: z.date(),
  hiddenCount: z.number(),
  stillHidden: z.number(),
  actorName: z.string().nullable(),
  filters: z.object({ from: z.string().nullable(), to: z.string().nullable(), text: z.string().nullable() }).nullable(),
});
export const hideBatchRef = z.object({ batchId: id });

/** Transactions already in the books that a re-added bank brought back, per account. */
export const returnedAccount = z.object({
  connectionId: z.string(),
  bankAccountId: z.string(),
  accountName: z.string(),
  mask: z.string(),
  count: z.number(),
});

export const feedSettings = z.object({ autoHideSureDuplicates: z.boolean() });

export type FeedAccount = z.output<typeof feedAccount>;
export type FeedRow = z.output<typeof feedRow>;
export type FeedPage = z.output<typeof feedPage>;
export type HideBatch = z.output<typeof hideBatch>;
export type { FeedView } from "./list";
