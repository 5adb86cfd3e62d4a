import { parseAmountCents } from "@/server/dedup";

// Filters shared by the bank feed and the register lists (their schema: listFilters in schemas.ts).

const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

/** A date filter for a @db.Date column from optional inclusive `YYYY-MM-DD` bounds. */
export function dayRange(from?: string | null, to?: string | null): { gte?: Date; lte?: Date } | null {
  if (!from && !to) return null;
  return { ...(from ? { gte: day(from) } : {}), ...(to ? { lte: day(to) } : {}) };
}

/** `%text%` for ILIKE, the text's own %, _ and backslash taken literally. */
export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A search text that reads as an amount ("5", "$1,250.00", "-12.5") finds money in and out of that size. */
export function amountSearch(text: string): number[] {
  const cleaned = text.replace(/[$,\s]/g, "");
  if (!/\d/.test(cleaned)) return [];
  const parsed = parseAmountCents(cleaned);
  if (!parsed.ok || parsed.cents === 0 || !Number.isSafeInteger(parsed.cents) || Math.abs(parsed.cents) > 2_147_483_647)
    return [];
  return cleaned.startsWith("-") || cleaned.startsWith("+") ? [parsed.cents] : [parsed.cents, -parsed.cents];
}
