import { z } from "zod";

// Lists that can grow without bound are read a page at a time from a key (keyset paging):
// the next page starts after the last row shown, so page 400 costs what page 1 costs. Page
// numbers without a key (a link to page 3) are read with an offset, which is capped.

export const MAX_OFFSET_ROWS = 5_000;
export const MAX_PAGE_SIZE = 200;

export const pageInput = {
  page: z.number().int().min(1).max(100_000).default(1),
  pageSize: z.number().int().min(10).max(MAX_PAGE_SIZE).default(50),
  /** The key of the last row of the page before (nextCursor of that page). */
  after: z.string().min(1).max(160).nullish(),
};

/** Refuses a deep page asked by number alone: it must come with the key of the page before. */
export function offsetWithinCap(input: { page: number; pageSize: number; after?: string | null }): boolean {
  return !!input.after || (input.page - 1) * input.pageSize <= MAX_OFFSET_ROWS;
}

export const offsetCapMessage = {
  message: `Pages past the first ${MAX_OFFSET_ROWS} rows are read from the page before (after).`,
  path: ["page"],
};

/** Escapes LIKE's wildcards (and its escape character) so a search for "10%" or "a_b" finds just that. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
