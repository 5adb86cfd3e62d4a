import { formatCents } from "./amount";
import { assignOneToOne, type Edge } from "./assign";
import { resolveCheckNumber } from "./check-number";
import { dayNumber } from "./dates";
import { descriptionSimilarity, normalizeDescription, type NormalizedDescription } from "./description";
import { MODEL, logistic, possibleLogOdds } from "./model";
import type { ExistingTransaction, IncomingTransaction, MatchInput, MatchResult, MatchTier } from "./types";

interface PreparedIncoming {
  row: IncomingTransaction;
  inputIndex: number;
  day: number;
  checkNumber: string | null;
  description: NormalizedDescription;
}

interface PreparedExisting {
  row: ExistingTransaction;
  day: number;
  checkNumber: string | null;
  description: NormalizedDescription;
  /** Position in the canonical order; the assignment breaks ties with it. */
  rank: number;
}

interface AccountIndex {
  byProviderId: Map<string, PreparedExisting[]>;
  byAmount: Map<number, PreparedExisting[]>;
  byCheckNumber: Map<string, PreparedExisting[]>;
  pendingByDay: PreparedExisting[];
  amountRate: (amountCents: number) => number;
}

interface ScoredPair {
  existing: PreparedExisting;
  logOdds: number;
  reasons: string[];
}

type ExactKey = "provider-id" | "pending-link" | "check-number";

const EXACT_KEYS: Record<ExactKey, { weight: number; score: number }> = {
  "provider-id": { weight: 3000, score: 1 },
  "pending-link": { weight: 2000, score: 0.99 },
  "check-number": { weight: 1000, score: 0.99 },
};

/**
 * Decides, for every incoming feed transaction, whether it duplicates a register entry or a hidden tombstone
 * of the same account. Exact keys first (provider ids, pending→posted links, check numbers), then a scored
 * one-to-one assignment over the whole batch. Returns one result per incoming row, in input order; the result
 * does not depend on the order of either list. See docs/dedup.md.
 */
export function matchTransactions(input: MatchInput): MatchResult[] {
  const incoming = input.incoming.map(prepareIncoming).sort((a, b) => compareIncoming(a, b));
  const accounts = new Set(incoming.map((entry) => entry.row.account));
  const existing = input.existing
    .filter((row) => accounts.has(row.account))
    .map(prepareExisting)
    .sort(compareExisting);
  existing.forEach((entry, rank) => (entry.rank = rank));
  const indexes = buildIndexes(existing, incoming);

  const results = new Map<PreparedIncoming, MatchResult>();
  const claimed = new Set<PreparedExisting>();
  matchExactKeys(incoming, existing, indexes, results, claimed);
  matchByScore(
    incoming.filter((entry) => !results.has(entry)),
    existing,
    indexes,
    claimed,
    results,
  );

  const ordered: MatchResult[] = new Array(input.incoming.length);
  for (const entry of incoming) ordered[entry.inputIndex] = results.get(entry)!;
  return ordered;
}

function prepareIncoming(row: IncomingTransaction, inputIndex: number): PreparedIncoming {
  validCents(row.amountCents, `incoming transaction ${row.id}`);
  return {
    row,
    inputIndex,
    day: validDay(row.date, `incoming transaction ${row.id}`),
    checkNumber: resolveCheckNumber(row.checkNumber, row.description),
    description: normalizeDescription(row.description),
  };
}

function prepareExisting(row: ExistingTransaction): PreparedExisting {
  validCents(row.amountCents, `existing transaction ${row.id}`);
  return {
    row,
    day: validDay(row.date, `existing transaction ${row.id}`),
    checkNumber: resolveCheckNumber(row.checkNumber, row.description),
    description: normalizeDescription(row.description),
    rank: 0,
  };
}

function validDay(date: string, what: string): number {
  const day = dayNumber(date);
  if (day === null) throw new TypeError(`${what}: date "${date}" is not a calendar date YYYY-MM-DD`);
  return day;
}

function validCents(cents: number, what: string): void {
  if (!Number.isSafeInteger(cents)) throw new TypeError(`${what}: amountCents ${cents} is not an integer`);
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
    compareText(a.row.id, b.row.id)
  );
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function buildIndexes(existing: PreparedExisting[], incoming: PreparedIncoming[]): Map<string, AccountIndex> {
  const indexes = new Map<string, AccountIndex>();
  const spans = new Map<string, { first: number; last: number; counts: Map<number, number> }>();
  const incomingSpans = new Map<string, { first: number; last: number; counts: Map<number, number> }>();
  const indexFor = (account: string): AccountIndex => {
    let index = indexes.get(account);
    if (!index) {
      index = {
        byProviderId: new Map(),
        byAmount: new Map(),
        byCheckNumber: new Map(),
        pendingByDay: [],
        amountRate: (amountCents) => amountRate(spans.get(account), incomingSpans.get(account), amountCents),
      };
      indexes.set(account, index);
    }
    return index;
  };
  for (const entry of existing) {
    const index = indexFor(entry.row.account);
    for (const providerId of entry.row.providerIds) pushTo(index.byProviderId, providerId, entry);
    pushTo(index.byAmount, entry.row.amountCents, entry);
    if (entry.checkNumber) pushTo(index.byCheckNumber, entry.checkNumber, entry);
    if (entry.row.pending) index.pendingByDay.push(entry);
    countAmount(spans, entry.row.account, entry.day, entry.row.amountCents);
  }
  for (const entry of incoming) {
    indexFor(entry.row.account);
    countAmount(incomingSpans, entry.row.account, entry.day, entry.row.amountCents);
  }
  return indexes;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function countAmount(
  spans: Map<string, { first: number; last: number; counts: Map<number, number> }>,
  account: string,
  day: number,
  amountCents: number,
): void {
  let span = spans.get(account);
  if (!span) {
    span = { first: day, last: day, counts: new Map() };
    spans.set(account, span);
  }
  span.first = Math.min(span.first, day);
  span.last = Math.max(span.last, day);
  span.counts.set(amountCents, (span.counts.get(amountCents) ?? 0) + 1);
}

/** Expected same-amount rows per day in the account: the register's history or the feed's, whichever is busier. */
function amountRate(
  register: { first: number; last: number; counts: Map<number, number> } | undefined,
  feed: { first: number; last: number; counts: Map<number, number> } | undefined,
  amountCents: number,
): number {
  const rateOf = (span: typeof register) =>
    span ? (span.counts.get(amountCents) ?? 0) / Math.max(MODEL.minRateSpanDays, span.last - span.first + 1) : 0;
  return Math.max(MODEL.minAmountRatePerDay, rateOf(register), rateOf(feed));
}

function matchExactKeys(
  incoming: PreparedIncoming[],
  existing: PreparedExisting[],
  indexes: Map<string, AccountIndex>,
  results: Map<PreparedIncoming, MatchResult>,
  claimed: Set<PreparedExisting>,
): void {
  const edges: Edge[] = [];
  const keys = new Map<string, { key: ExactKey; checkNumber?: string }>();
  const addEdge = (row: number, entry: PreparedExisting, key: ExactKey, day: number, checkNumber?: string) => {
    const id = `${row}:${entry.rank}`;
    const current = keys.get(id);
    if (current && EXACT_KEYS[current.key].weight >= EXACT_KEYS[key].weight) return;
    keys.set(id, { key, checkNumber });
    // Nearer dates win among rows sharing a key (a provider id reused on a register entry and a tombstone).
    edges.push({ row, column: entry.rank, weight: EXACT_KEYS[key].weight - Math.min(999, Math.abs(entry.day - day)) });
  };
  incoming.forEach((entry, row) => {
    const index = indexes.get(entry.row.account)!;
    if (entry.row.providerId) {
      for (const match of index.byProviderId.get(entry.row.providerId) ?? []) addEdge(row, match, "provider-id", entry.day);
    }
    if (entry.row.pendingProviderId) {
      for (const match of index.byProviderId.get(entry.row.pendingProviderId) ?? []) addEdge(row, match, "pending-link", entry.day);
    }
    if (entry.checkNumber) {
      for (const match of index.byCheckNumber.get(entry.checkNumber) ?? []) {
        if (match.row.amountCents !== entry.row.amountCents) continue;
        if (Math.abs(match.day - entry.day) > MODEL.checkWindowDays) continue;
        addEdge(row, match, "check-number", entry.day, entry.checkNumber);
      }
    }
  });
  const chosen = assignOneToOne(incoming.length, existing.length, edges);
  chosen.forEach((column, row) => {
    if (column < 0) return;
    const entry = incoming[row]!;
    const match = existing[column]!;
    const { key, checkNumber } = keys.get(`${row}:${column}`)!;
    claimed.add(match);
    results.set(entry, {
      incomingId: entry.row.id,
      matchId: match.row.id,
      matchKind: match.row.kind,
      score: EXACT_KEYS[key].score,
      tier: "duplicate",
      reasons: exactReasons(entry, match, key, checkNumber),
    });
  });
}

function exactReasons(entry: PreparedIncoming, match: PreparedExisting, key: ExactKey, checkNumber?: string): string[] {
  const reasons =
    key === "provider-id"
      ? ["same bank transaction id"]
      : key === "pending-link"
        ? ["posted version of a pending transaction", amountReason(entry, match)]
        : [`same check number ${checkNumber}`, "same amount"];
  reasons.push(dateReason(Math.abs(entry.day - match.day)));
  if (match.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return reasons;
}

function matchByScore(
  incoming: PreparedIncoming[],
  existing: PreparedExisting[],
  indexes: Map<string, AccountIndex>,
  claimed: Set<PreparedExisting>,
  results: Map<PreparedIncoming, MatchResult>,
): void {
  const edges: Edge[] = [];
  const pairs = new Map<string, ScoredPair>();
  const bestEdge = new Map<number, Edge>();
  const bestRejected = new Map<PreparedIncoming, ScoredPair>();
  incoming.forEach((entry, row) => {
    const index = indexes.get(entry.row.account)!;
    for (const pair of scoredCandidates(entry, index, claimed)) {
      const key = `${row}:${pair.existing.rank}`;
      if (pair.logOdds >= possibleLogOdds) {
        if ((pairs.get(key)?.logOdds ?? -Infinity) >= pair.logOdds) continue;
        const edge = { row, column: pair.existing.rank, weight: pair.logOdds };
        edges.push(edge);
        pairs.set(key, pair);
        const best = bestEdge.get(row);
        if (!best || best.weight < edge.weight || (best.weight === edge.weight && best.column > edge.column)) bestEdge.set(row, edge);
      } else if ((bestRejected.get(entry)?.logOdds ?? -Infinity) < pair.logOdds) bestRejected.set(entry, pair);
    }
  });
  const chosen = assignOneToOne(incoming.length, existing.length, edges);
  const winnerOf = new Map<number, PreparedIncoming>();
  chosen.forEach((column, row) => column >= 0 && winnerOf.set(column, incoming[row]!));

  incoming.forEach((entry, row) => {
    const column = chosen[row]!;
    if (column >= 0) {
      const pair = pairs.get(`${row}:${column}`)!;
      const score = logistic(pair.logOdds);
      results.set(entry, {
        incomingId: entry.row.id,
        matchId: pair.existing.row.id,
        matchKind: pair.existing.row.kind,
        score,
        tier: tierOf(score),
        reasons: pair.reasons,
      });
      return;
    }
    const lost = bestEdge.get(row);
    const lostPair = lost ? pairs.get(`${row}:${lost.column}`) : undefined;
    results.set(entry, newResult(entry, lostPair, lost && winnerOf.get(lost.column), bestRejected.get(entry), indexes));
  });
}

function tierOf(score: number): MatchTier {
  if (score >= MODEL.duplicateThreshold) return "duplicate";
  return score >= MODEL.possibleThreshold ? "possible" : "new";
}

function newResult(
  entry: PreparedIncoming,
  lost: ScoredPair | undefined,
  winner: PreparedIncoming | undefined,
  rejected: ScoredPair | undefined,
  indexes: Map<string, AccountIndex>,
): MatchResult {
  const reasons: string[] = [];
  if (lost) {
    const pair = lost;
    reasons.push(
      winner
        ? `its best candidate ${pair.existing.row.id} (score ${logistic(pair.logOdds).toFixed(2)}) is a better match for ${winner.row.id}`
        : `its best candidate ${pair.existing.row.id} is taken by a stronger pairing`,
    );
  } else if (rejected) {
    reasons.push(`closest candidate ${rejected.existing.row.id} scored ${logistic(rejected.logOdds).toFixed(2)}, below ${MODEL.possibleThreshold}`);
    reasons.push(...rejected.reasons);
  } else if ((indexes.get(entry.row.account)?.byAmount.size ?? 0) === 0) {
    reasons.push("no earlier transactions in this account");
  } else {
    reasons.push(`no transaction of ${formatCents(entry.row.amountCents)} within ${MODEL.maxDateDistanceDays} days in this account`);
  }
  return {
    incomingId: entry.row.id,
    matchId: null,
    matchKind: null,
    score: rejected && !lost ? logistic(rejected.logOdds) : 0,
    tier: "new",
    reasons,
  };
}

function scoredCandidates(entry: PreparedIncoming, index: AccountIndex, claimed: Set<PreparedExisting>): ScoredPair[] {
  const pairs: ScoredPair[] = [];
  const sameAmount = index.byAmount.get(entry.row.amountCents) ?? [];
  for (const candidate of nearestByDate(sameAmount, entry.day, claimed)) {
    const pair = scoreEqualAmount(entry, candidate, index);
    if (pair) pairs.push(pair);
  }
  if (!entry.row.pending) {
    for (const candidate of inDayRange(index.pendingByDay, entry.day - 6, entry.day + 1)) {
      if (claimed.has(candidate)) continue;
      const pair = scoreTip(entry, candidate);
      if (pair) pairs.push(pair);
    }
  }
  if (entry.checkNumber) {
    for (const candidate of index.byCheckNumber.get(entry.checkNumber) ?? []) {
      if (claimed.has(candidate) || candidate.row.amountCents === entry.row.amountCents) continue;
      if (Math.abs(candidate.day - entry.day) > MODEL.checkWindowDays) continue;
      pairs.push(scoreCheckAmountMismatch(entry, candidate));
    }
  }
  return pairs;
}

/** The unclaimed same-amount rows nearest in date, at most `maxCandidatesPerRow`, within the date window. */
function nearestByDate(sorted: PreparedExisting[], day: number, claimed: Set<PreparedExisting>): PreparedExisting[] {
  const found: PreparedExisting[] = [];
  let right = lowerBound(sorted, day);
  let left = right - 1;
  const limit = MODEL.maxDateDistanceDays;
  while (found.length < MODEL.maxCandidatesPerRow) {
    const leftGap = left >= 0 ? day - sorted[left]!.day : Infinity;
    const rightGap = right < sorted.length ? sorted[right]!.day - day : Infinity;
    if (Math.min(leftGap, rightGap) > limit) break;
    const next = rightGap <= leftGap ? sorted[right++]! : sorted[left--]!;
    if (!claimed.has(next)) found.push(next);
  }
  return found;
}

function inDayRange(sorted: PreparedExisting[], fromDay: number, toDay: number): PreparedExisting[] {
  const found: PreparedExisting[] = [];
  for (let at = lowerBound(sorted, fromDay); at < sorted.length && sorted[at]!.day <= toDay; at++) found.push(sorted[at]!);
  return found;
}

function lowerBound(sorted: PreparedExisting[], day: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]!.day < day) low = middle + 1;
    else high = middle;
  }
  return low;
}

function scoreEqualAmount(entry: PreparedIncoming, candidate: PreparedExisting, index: AccountIndex): ScoredPair | null {
  if (entry.checkNumber && candidate.checkNumber && entry.checkNumber !== candidate.checkNumber) return null;
  const distance = Math.abs(entry.day - candidate.day);
  const rate = index.amountRate(entry.row.amountCents);
  // P(distance | same transaction) against P(an unrelated same-amount row lands at that distance).
  const shift = MODEL.shiftProbability[distance] ?? MODEL.shiftProbability[MODEL.shiftProbability.length - 1]!;
  const coincidence = rate * (distance === 0 ? 1 : 2);
  const similarity = descriptionSimilarity(entry.description, candidate.description);
  const logOdds = MODEL.priorLogOdds + Math.log(shift / coincidence) + descriptionLogOdds(similarity);
  const reasons = ["same amount", dateReason(distance), similarityReason(similarity), rarityReason(rate)];
  if (entry.checkNumber && entry.checkNumber === candidate.checkNumber) reasons.push(`same check number ${entry.checkNumber}`);
  if (candidate.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return { existing: candidate, logOdds, reasons };
}

function scoreTip(entry: PreparedIncoming, candidate: PreparedExisting): ScoredPair | null {
  const pending = candidate.row.amountCents;
  const posted = entry.row.amountCents;
  if (pending === posted || Math.sign(pending) !== Math.sign(posted) || Math.abs(posted) <= Math.abs(pending)) return null;
  if (Math.abs(posted) - Math.abs(pending) > Math.abs(pending) * MODEL.tip.maxIncreaseRatio) return null;
  const similarity = descriptionSimilarity(entry.description, candidate.description);
  if (similarity < MODEL.tip.minDescriptionSimilarity) return null;
  const lag = entry.day - candidate.day;
  const lagProbability = MODEL.tip.lagProbability.get(lag);
  if (lagProbability === undefined) return null;
  const logOdds =
    MODEL.priorLogOdds +
    MODEL.tip.amountLogOdds +
    Math.log(lagProbability) -
    MODEL.tip.coincidenceLogDensity +
    descriptionLogOdds(similarity);
  const reasons = [
    `amount changed from ${formatCents(pending)} to ${formatCents(posted)} when the pending transaction posted (tip)`,
    dateReason(Math.abs(lag)),
    similarityReason(similarity),
  ];
  if (candidate.row.kind === "hidden") reasons.push("matches a transaction hidden earlier");
  return { existing: candidate, logOdds, reasons };
}

function scoreCheckAmountMismatch(entry: PreparedIncoming, candidate: PreparedExisting): ScoredPair {
  return {
    existing: candidate,
    logOdds: MODEL.checkAmountMismatchLogOdds,
    reasons: [
      `same check number ${entry.checkNumber}`,
      `amounts differ: ${formatCents(candidate.row.amountCents)} in the register, ${formatCents(entry.row.amountCents)} at the bank`,
      dateReason(Math.abs(entry.day - candidate.day)),
    ],
  };
}

function descriptionLogOdds(similarity: number): number {
  const { pivot, slope, min, max } = MODEL.description;
  return Math.min(max, Math.max(min, slope * (similarity - pivot)));
}

function amountReason(entry: PreparedIncoming, match: PreparedExisting): string {
  return entry.row.amountCents === match.row.amountCents
    ? "same amount"
    : `amount changed from ${formatCents(match.row.amountCents)} to ${formatCents(entry.row.amountCents)} when it posted`;
}

function dateReason(distance: number): string {
  if (distance === 0) return "same date";
  return `dates ${distance} day${distance === 1 ? "" : "s"} apart`;
}

function similarityReason(similarity: number): string {
  return similarity >= 0.995 ? "same description" : `description ${Math.round(similarity * 100)}% similar`;
}

function rarityReason(ratePerDay: number): string {
  const perMonth = ratePerDay * 30;
  if (perMonth < 0.5) return "amount is rare in this account";
  return `amount appears about ${Math.max(1, Math.round(perMonth))} time${perMonth < 1.5 ? "" : "s"} a month in this account`;
}
