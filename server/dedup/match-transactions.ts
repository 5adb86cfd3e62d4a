import { formatCents } from "./amount";
import { assignOneToOne, type Edge } from "./assign";
import {
  buildIndexes,
  candidatesFor,
  prepareIncoming,
  relevantExisting,
  inContinuitySpan,
  isFromBank,
  rowsWithProviderId,
  type AccountIndex,
  type Candidate,
  type PreparedExisting,
  type PreparedIncoming,
} from "./candidates";
import { MODEL, logistic, possibleLogOdds } from "./model";
import {
  dateReason,
  learnOffsets,
  logOddsOf,
  priorBatchOffsets,
  reasonsFor,
  typedOffsets,
  type BatchOffsets,
} from "./score";
import type { MatchInput, MatchResult, MatchTier } from "./types";

type ExactKey = "provider-id" | "pending-link" | "check-number";

const EXACT_KEYS: Record<ExactKey, { weight: number; score: number }> = {
  "provider-id": { weight: 3000, score: 1 },
  "pending-link": { weight: 2000, score: 0.99 },
  "check-number": { weight: 1000, score: 0.99 },
};

interface Assignment {
  /** Per open row, its candidates, scored by this pass. */
  scored: Candidate[][];
  /** Per open row, the index into `scored[row]` it was given, or −1. */
  chosen: Int32Array;
}

/**
 * Decides, for every incoming feed transaction, whether it duplicates a register entry or a hidden tombstone
 * of the same account. Exact keys first (provider ids, pending→posted links, check numbers), then a scored
 * one-to-one assignment over the whole batch, rescored once with the date offsets the batch itself shows.
 * Returns one result per incoming row, in input order; the result does not depend on the order of either
 * list. See docs/dedup.md.
 */
export function matchTransactions(input: MatchInput): MatchResult[] {
  const incoming = input.incoming.map(prepareIncoming).sort(compareIncoming);
  const relevant = relevantExisting(input.existing, incoming);
  const existing = relevant.rows.sort(compareExisting);
  existing.forEach((entry, rank) => (entry.rank = rank));
  const indexes = buildIndexes(relevant, incoming);

  const results = new Map<PreparedIncoming, MatchResult>();
  const claimed = new Set<PreparedExisting>();
  const claimedById = new Set<PreparedExisting>();
  matchExactKeys(incoming, existing.length, indexes, results, claimed, claimedById);
  measureContinuity(incoming, indexes, claimedById);

  const open = incoming.filter((entry) => !results.has(entry));
  const candidates = open.map((entry) => candidatesFor(entry, indexes.get(entry.row.account)!, claimed));
  const firstPass = assignByScore(candidates, existing.length, () => priorBatchOffsets);
  const offsets = offsetsByAccount(firstPass);
  const finalPass = assignByScore(candidates, existing.length, (account) => offsets.get(account) ?? priorBatchOffsets);
  addScoredResults(open, finalPass, indexes, results);

  const ordered: MatchResult[] = new Array(input.incoming.length);
  for (const entry of incoming) ordered[entry.inputIndex] = results.get(entry)!;
  return ordered;
}

// Content first, id last: identical rows are interchangeable, so only their ids may order them.
function compareIncoming(a: PreparedIncoming, b: PreparedIncoming): number {
  return (
    compareText(a.row.account, b.row.account) ||
    a.day - b.day ||
    a.row.amountCents - b.row.amountCents ||
    compareText(a.row.description, b.row.description) ||
    Number(a.row.pending) - Number(b.row.pending) ||
    compareText(a.row.id, b.row.id) ||
    compareText(a.row.providerId ?? "", b.row.providerId ?? "") ||
    a.inputIndex - b.inputIndex
  );
}

function compareExisting(a: PreparedExisting, b: PreparedExisting): number {
  return (
    compareText(a.row.account, b.row.account) ||
    a.day - b.day ||
    a.row.amountCents - b.row.amountCents ||
    compareText(a.row.description, b.row.description) ||
    compareText(a.row.kind, b.row.kind) ||
    // Of rows alike in all else, one no bank transaction is linked to yet is the likelier partner.
    Number(isLinked(a)) - Number(isLinked(b)) ||
    compareText(a.row.id, b.row.id)
  );
}

function isLinked(existing: PreparedExisting): boolean {
  return existing.row.fromBank === true || existing.row.providerIds.length > 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matchExactKeys(
  incoming: PreparedIncoming[],
  existingCount: number,
  indexes: Map<string, AccountIndex>,
  results: Map<PreparedIncoming, MatchResult>,
  claimed: Set<PreparedExisting>,
  claimedById: Set<PreparedExisting>,
): void {
  const edges: Edge[] = [];
  const pairs = new Map<number, { existing: PreparedExisting; key: ExactKey }>();
  const addEdge = (row: number, existing: PreparedExisting, key: ExactKey) => {
    const id = row * existingCount + existing.rank;
    const current = pairs.get(id);
    if (current && EXACT_KEYS[current.key].weight >= EXACT_KEYS[key].weight) return;
    pairs.set(id, { existing, key });
    // Nearer dates win among rows sharing a key (a provider id on a register entry and on a tombstone).
    edges.push({
      row,
      column: existing.rank,
      weight: EXACT_KEYS[key].weight - Math.min(999, Math.abs(existing.day - incoming[row]!.day)),
    });
  };
  incoming.forEach((entry, row) => {
    const index = indexes.get(entry.row.account)!;
    if (entry.row.providerId)
      for (const match of rowsWithProviderId(index, entry.row.providerId)) addEdge(row, match, "provider-id");
    if (entry.row.pendingProviderId) {
      for (const match of rowsWithProviderId(index, entry.row.pendingProviderId)) addEdge(row, match, "pending-link");
    }
    if (entry.checkNumber) {
      for (const match of index.byCheckNumber.get(entry.checkNumber) ?? []) {
        if (match.row.amountCents === entry.row.amountCents && Math.abs(match.day - entry.day) <= MODEL.checkWindowDays)
          addEdge(row, match, "check-number");
      }
    }
  });
  assignOneToOne(incoming.length, existingCount, edges).forEach((column, row) => {
    if (column < 0) return;
    const entry = incoming[row]!;
    const { existing, key } = pairs.get(row * existingCount + column)!;
    claimed.add(existing);
    if (key !== "check-number") claimedById.add(existing);
    results.set(entry, {
      incomingId: entry.row.id,
      matchId: existing.row.id,
      matchKind: existing.row.kind,
      score: EXACT_KEYS[key].score,
      tier: "duplicate",
      reasons: exactReasons(entry, existing, key),
    });
  });
}

/**
 * How much of what the batch's connection already gave the register it named again, per account: posted rows
 * dated within the batch's days by their ids; pending rows (dated up to the longest posting lag before the
 * batch) by their ids or by the posted row naming them; and posted register rows whose pending id a posted
 * incoming row names, which shows the connection links the two.
 */
function measureContinuity(
  incoming: PreparedIncoming[],
  indexes: Map<string, AccountIndex>,
  claimedById: Set<PreparedExisting>,
): void {
  const named = new Map<AccountIndex, { posted: number; pending: number; links: number }>();
  const countsOf = (index: AccountIndex) => {
    let counts = named.get(index);
    if (!counts) named.set(index, (counts = { posted: 0, pending: 0, links: 0 }));
    return counts;
  };
  for (const entry of claimedById) {
    const index = indexes.get(entry.row.account)!;
    if (!isFromBank(index, entry) || !inContinuitySpan(index, entry)) continue;
    if (entry.row.pending) countsOf(index).pending++;
    else countsOf(index).posted++;
  }
  for (const entry of incoming) {
    if (!entry.row.pendingProviderId) continue;
    const index = indexes.get(entry.row.account)!;
    if (rowsWithProviderId(index, entry.row.pendingProviderId).some((existing) => !existing.row.pending))
      countsOf(index).links++;
  }
  for (const index of indexes.values()) {
    const counts = named.get(index) ?? { posted: 0, pending: 0, links: 0 };
    const { posted, pending } = index.linkedInBatchSpan;
    index.continuity = {
      posted: { rows: posted, unclaimed: posted - counts.posted },
      pending: { rows: pending + counts.links, unclaimed: pending - counts.pending },
    };
  }
}

function exactReasons(entry: PreparedIncoming, existing: PreparedExisting, key: ExactKey): string[] {
  const sameAmount =
    entry.row.amountCents === existing.row.amountCents
      ? "same amount"
      : `amount changed from ${formatCents(existing.row.amountCents)} to ${formatCents(entry.row.amountCents)} ` +
        "when it posted";
  const reasons =
    key === "provider-id"
      ? ["same bank transaction id"]
      : key === "pending-link"
        ? ["posted version of a pending transaction", sameAmount]
        : [`same check number ${entry.checkNumber}`, "same amount"];
  reasons.push(dateReason(Math.abs(entry.day - existing.day)));
  if (existing.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return reasons;
}

function assignByScore(
  candidates: Candidate[][],
  existingCount: number,
  offsetsFor: (account: string) => BatchOffsets,
): Assignment {
  const edges: Edge[] = [];
  const position = new Map<number, number>();
  candidates.forEach((list, row) =>
    list.forEach((candidate, at) => {
      candidate.logOdds = logOddsOf(candidate, offsetsFor(candidate.incoming.row.account));
      // Not `<`: a NaN must never reach the assignment.
      if (!(candidate.logOdds >= possibleLogOdds) || candidate.logOdds === Infinity) return;
      edges.push({ row, column: candidate.existing.rank, weight: candidate.logOdds + MODEL.pairBonus });
      position.set(row * existingCount + candidate.existing.rank, at);
    }),
  );
  const columns = assignOneToOne(candidates.length, existingCount, edges);
  const chosen = new Int32Array(candidates.length).fill(-1);
  columns.forEach((column, row) => {
    if (column >= 0) chosen[row] = position.get(row * existingCount + column)!;
  });
  return { scored: candidates, chosen };
}

/**
 * Offsets of confident pairs that had no rival on either side,
 * per account: the bank's rows and entries typed by hand apart.
 */
function offsetsByAccount({ scored, chosen }: Assignment): Map<string, BatchOffsets> {
  const rivals = new Map<PreparedExisting, number>();
  for (const list of scored)
    for (const candidate of list)
      if (candidate.logOdds >= possibleLogOdds)
        rivals.set(candidate.existing, (rivals.get(candidate.existing) ?? 0) + 1);
  const observed = new Map<string, { bank: number[]; typed: number[] }>();
  scored.forEach((list, row) => {
    const at = chosen[row]!;
    if (at < 0) return;
    const candidate = list[at]!;
    const flagged = list.filter((entry) => entry.logOdds >= possibleLogOdds).length;
    if (
      candidate.model !== "same-amount" ||
      logistic(candidate.logOdds) < MODEL.anchorMinScore ||
      flagged !== 1 ||
      rivals.get(candidate.existing) !== 1
    )
      return;
    const account = candidate.incoming.row.account;
    let offsets = observed.get(account);
    if (!offsets) observed.set(account, (offsets = { bank: [], typed: [] }));
    // Entries typed by hand carry the day it happened, whatever the bank's habit: learned apart.
    if (candidate.byHand) offsets.typed.push(candidate.typedOffset);
    else offsets.bank.push(candidate.offset);
  });
  // How the bookkeeper dates may only add to the prior: a register of rent and payroll typed on the day says
  // little about the card purchases typed beside them.
  return new Map(
    [...observed].map(([account, { bank, typed }]) => [
      account,
      { bank: learnOffsets(bank), typed: learnOffsets(typed, typedOffsets, 1) },
    ]),
  );
}

function addScoredResults(
  open: PreparedIncoming[],
  { scored, chosen }: Assignment,
  indexes: Map<string, AccountIndex>,
  results: Map<PreparedIncoming, MatchResult>,
): void {
  const winners = new Map<PreparedExisting, PreparedIncoming>();
  scored.forEach((list, row) => chosen[row]! >= 0 && winners.set(list[chosen[row]!]!.existing, open[row]!));
  open.forEach((entry, row) => {
    const list = scored[row]!;
    const at = chosen[row]!;
    if (at >= 0) {
      const candidate = list[at]!;
      const score = logistic(candidate.logOdds);
      results.set(entry, {
        incomingId: entry.row.id,
        matchId: candidate.existing.row.id,
        matchKind: candidate.existing.row.kind,
        score,
        tier: tierOf(score),
        reasons: reasonsFor(candidate),
      });
      return;
    }
    results.set(entry, newResult(entry, list, winners, indexes.get(entry.row.account)!));
  });
}

function tierOf(score: number): MatchTier {
  if (score >= MODEL.duplicateThreshold) return "duplicate";
  return score >= MODEL.possibleThreshold ? "possible" : "new";
}

/** A row left new still says why: the candidate it lost, or the best one and how far below the bar it was. */
function newResult(
  entry: PreparedIncoming,
  scored: Candidate[],
  winners: Map<PreparedExisting, PreparedIncoming>,
  index: AccountIndex,
): MatchResult {
  const best = [...scored].sort((a, b) => b.logOdds - a.logOdds || a.existing.rank - b.existing.rank)[0];
  const base = { incomingId: entry.row.id, matchId: null, matchKind: null, tier: "new" as const };
  if (!best || best.logOdds === -Infinity) {
    const sameSource =
      !!entry.row.source &&
      (index.byAmount.get(entry.row.amountCents) ?? []).some(
        (existing) =>
          Math.abs(existing.day - entry.day) <= MODEL.maxDateDistanceDays &&
          existing.row.sources?.includes(entry.row.source!),
      );
    const reason = sameSource
      ? `the transactions of ${formatCents(entry.row.amountCents)} nearby ` +
        "came from the same source under other bank ids"
      : index.byAmount.size === 0
        ? "no earlier transactions in this account"
        : `no transaction of ${formatCents(entry.row.amountCents)} ` +
          `within ${MODEL.maxDateDistanceDays} days in this account`;
    return { ...base, score: 0, reasons: [reason] };
  }
  const score = logistic(best.logOdds);
  const id = best.existing.row.id;
  if (best.logOdds >= possibleLogOdds) {
    const winner = winners.get(best.existing);
    const reason = winner
      ? `its best candidate ${id} (score ${score.toFixed(2)}) is a better match for ${winner.row.id}`
      : `its best candidate ${id} went to a stronger pairing`;
    return { ...base, score: 0, reasons: [reason] };
  }
  return {
    ...base,
    score,
    reasons: [
      `closest candidate ${id} scored ${score.toFixed(2)}, below ${MODEL.possibleThreshold}`,
      ...reasonsFor(best),
    ],
  };
}
