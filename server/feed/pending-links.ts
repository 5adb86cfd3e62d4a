import type { Transaction } from "@/server/aggregator/client";
import type { Db } from "@/server/db/client";
import { descriptionSimilarity, normalizeDescription } from "@/server/dedup/description";
import { isoDay } from "./sql";

// Some providers (Mastercard Open Banking among them) post a pending transaction under a new
// id without saying which pending one it was: the pending one simply stops being listed. So
// that the posted transaction replaces its pending row in the feed (ingest's pending → posted
// step) instead of doubling it, Bankline infers the link: a pending row the provider no
// longer lists, within the window just retrieved, is paired with the posted transaction that
// looks like its settlement (same direction, the amount give or take a tip or a released hold,
// a few days later, a similar description). A pending row nothing settles was an
// authorization the bank dropped: it leaves the feed if nobody reviewed it yet.

export const PENDING_LINK_RULES = {
  /** Posting follows the pending transaction by at most this many days (a day earlier at most). */
  maxDaysAfter: 7,
  maxDaysBefore: 1,
  /** The posted amount may differ by a tip or a released hold: this share of the pending one, or this many cents. */
  amountShare: 0.35,
  amountCents: 500,
  minDescriptionSimilarity: 0.45,
} as const;

export interface VanishedPending {
  providerTransactionId: string;
  /** YYYY-MM-DD */
  date: string;
  amountCents: number;
  description: string;
}

const DAY_MS = 86_400_000;
const dayDistance = (posted: string, pending: string) =>
  Math.round((Date.parse(posted) - Date.parse(pending)) / DAY_MS);

/** Names each settled pending transaction on its posted one (`pendingTransactionId`), one to one, best pairs first. */
export function inferPendingLinks(
  vanished: readonly VanishedPending[],
  incoming: readonly Transaction[],
): Transaction[] {
  const rules = PENDING_LINK_RULES;
  const pairs: { pending: VanishedPending; posted: Transaction; score: number }[] = [];
  const descriptions = new Map<string, ReturnType<typeof normalizeDescription>>();
  const normalized = (text: string) => {
    let d = descriptions.get(text);
    if (!d) descriptions.set(text, (d = normalizeDescription(text)));
    return d;
  };
  for (const posted of incoming) {
    if (posted.pending || posted.pendingTransactionId) continue;
    for (const pending of vanished) {
      if (Math.sign(posted.amountCents) !== Math.sign(pending.amountCents)) continue;
      const days = dayDistance(posted.postedDate, pending.date);
      if (days > rules.maxDaysAfter || days < -rules.maxDaysBefore) continue;
      const difference = Math.abs(Math.abs(posted.amountCents) - Math.abs(pending.amountCents));
      if (difference > Math.max(rules.amountCents, Math.abs(pending.amountCents) * rules.amountShare)) continue;
      // No words to compare (an empty description) is no evidence of a settlement.
      const similarity = descriptionSimilarity(normalized(posted.description), normalized(pending.description)) ?? 0;
      if (similarity < rules.minDescriptionSimilarity) continue;
      const score =
        similarity * 2 +
        (difference === 0 ? 1 : 0) -
        Math.abs(days) * 0.1 -
        difference / Math.max(1, Math.abs(pending.amountCents));
      pairs.push({ pending, posted, score });
    }
  }
  pairs.sort(
    (a, b) =>
      b.score - a.score ||
      a.posted.id.localeCompare(b.posted.id) ||
      a.pending.providerTransactionId.localeCompare(b.pending.providerTransactionId),
  );
  const linked = new Map<string, string>();
  const settled = new Set<string>();
  for (const { pending, posted } of pairs) {
    if (linked.has(posted.id) || settled.has(pending.providerTransactionId)) continue;
    linked.set(posted.id, pending.providerTransactionId);
    settled.add(pending.providerTransactionId);
  }
  return incoming.map((t) => (linked.has(t.id) ? { ...t, pendingTransactionId: linked.get(t.id)! } : t));
}

/**
 * The account's pending rows that the provider no longer lists although the retrieval covered
 * their day, and that no posted row names yet.
 */
async function vanishedPending(
  db: Db,
  args: { bankAccountId: string; from: string; to: string; listed: readonly string[] },
): Promise<VanishedPending[]> {
  const rows = await db.$queryRaw<
    { providerTransactionId: string; date: Date; amountCents: number; description: string }[]
  >`
    SELECT p."providerTransactionId", p.date, p."amountCents", p.description
    FROM "FeedTransaction" p
    WHERE p."bankAccountId" = ${args.bankAccountId} AND p.pending
      AND p.date BETWEEN ${args.from}::date AND ${args.to}::date
      AND NOT (p."providerTransactionId" = ANY(${[...args.listed]}::text[]))
      AND NOT EXISTS (
        SELECT 1 FROM "FeedTransaction" s
        WHERE s."bankAccountId" = p."bankAccountId" AND s."pendingProviderTransactionId" = p."providerTransactionId"
      )`;
  return rows.map((r) => ({ ...r, date: isoDay(r.date) }));
}

/**
 * The retrieved transactions, with the links to the pending
 * ones they settle filled in where the provider left them out.
 */
export async function linkSettledPending(
  db: Db,
  args: { bankAccountId: string; from: string; to: string; transactions: readonly Transaction[] },
): Promise<Transaction[]> {
  const vanished = await vanishedPending(db, { ...args, listed: args.transactions.map((t) => t.id) });
  return vanished.length === 0 ? [...args.transactions] : inferPendingLinks(vanished, args.transactions);
}

/**
 * Unreviewed pending rows the provider dropped without posting
 * them (a released authorization). Answers how many left the feed.
 */
export async function dropVanishedPending(
  db: Db,
  args: { bankAccountId: string; from: string; to: string; transactions: readonly Transaction[] },
) {
  const gone = await vanishedPending(db, { ...args, listed: args.transactions.map((t) => t.id) });
  if (gone.length === 0) return 0;
  const { count } = await db.feedTransaction.deleteMany({
    where: {
      bankAccountId: args.bankAccountId,
      pending: true,
      state: { in: ["NEW", "DUPLICATE", "POSSIBLE_DUPLICATE"] },
      providerTransactionId: { in: gone.map((g) => g.providerTransactionId) },
    },
  });
  return count;
}
