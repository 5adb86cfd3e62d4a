import { resolveCheckNumber } from "./check-number";
import { dayNumber } from "./dates";
import { descriptionSimilarity, merchantKey, normalizeDescription, numbersDisagree, type NormalizedDescription } from "./description";
import { MODEL } from "./model";
import type { ExistingTransaction, IncomingTransaction } from "./types";

export interface PreparedIncoming {
  row: IncomingTransaction;
  inputIndex: number;
  day: number;
  checkNumber: string | null;
  description: NormalizedDescription;
}

export interface PreparedExisting {
  row: ExistingTransaction;
  day: number;
  checkNumber: string | null;
  /** Position in the canonical order; the assignment breaks ties with it. */
  rank: number;
}

/** Which likelihood model explains the pair. */
export type PairModel = "same-amount" | "posting" | "tip" | "check-clearing" | "check-amount-mismatch";

/** A pair worth scoring, with the raw signals; the score itself depends on what the batch teaches. */
export interface Candidate {
  incoming: PreparedIncoming;
  existing: PreparedExisting;
  model: PairModel;
  /** Incoming day − existing day. */
  offset: number;
  similarity: number;
  /** Both descriptions carry reference numbers or dates, and none agree. */
  numbersDisagree: boolean;
  /** Expected same-amount rows per day in the account. */
  amountRate: number;
  /** Density of an unrelated same-amount transaction at this offset: how the account's amount recurs. */
  coincidence: number;
  /** Typical days between two transactions of this amount, when it recurs regularly. */
  period: number | null;
  /** Expected visits per day to this merchant, for the tip model. */
  merchantRate: number;
}

interface Span {
  first: number;
  last: number;
  counts: Map<string | number, number>;
}

export interface AccountIndex {
  byProviderId: Map<string, PreparedExisting[]>;
  /** Same-amount rows in date order. */
  byAmount: Map<number, PreparedExisting[]>;
  byCheckNumber: Map<string, PreparedExisting[]>;
  pendingByDay: PreparedExisting[];
  registerAmounts: Span | null;
  feedAmounts: Span | null;
  feedMerchants: Span | null;
  /** Same-amount rows of the feed in date order, for the gaps between them. */
  feedByAmount: Map<number, number[]>;
  patterns: Map<number, AmountPattern>;
}

/** How one amount recurs in an account: its rate, and its period when it comes on a schedule. */
interface AmountPattern {
  rate: number;
  /** Days between consecutive transactions of this amount, when most gaps agree (rent, payroll). */
  period: number | null;
  /** Share of gaps within two days of the period. */
  regularity: number;
}

const MAX_GAP_DAYS = 45;

export function prepareIncoming(row: IncomingTransaction, inputIndex: number): PreparedIncoming {
  validCents(row.amountCents, `incoming transaction ${row.id}`);
  return {
    row,
    inputIndex,
    day: validDay(row.date, `incoming transaction ${row.id}`),
    checkNumber: resolveCheckNumber(row.checkNumber, row.description),
    description: normalizeDescription(row.description),
  };
}

export function prepareExisting(row: ExistingTransaction): PreparedExisting {
  validCents(row.amountCents, `existing transaction ${row.id}`);
  return {
    row,
    day: validDay(row.date, `existing transaction ${row.id}`),
    checkNumber: resolveCheckNumber(row.checkNumber, row.description),
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

/** Existing rows must come in canonical order (account, date, …) so each list below is in date order. */
export function buildIndexes(existing: PreparedExisting[], incoming: PreparedIncoming[]): Map<string, AccountIndex> {
  const indexes = new Map<string, AccountIndex>();
  const indexFor = (account: string): AccountIndex => {
    let index = indexes.get(account);
    if (!index) {
      index = {
        byProviderId: new Map(),
        byAmount: new Map(),
        byCheckNumber: new Map(),
        pendingByDay: [],
        registerAmounts: null,
        feedAmounts: null,
        feedMerchants: null,
        feedByAmount: new Map(),
        patterns: new Map(),
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
    index.registerAmounts = count(index.registerAmounts, entry.day, entry.row.amountCents);
  }
  for (const entry of incoming) {
    const index = indexFor(entry.row.account);
    index.feedAmounts = count(index.feedAmounts, entry.day, entry.row.amountCents);
    pushTo(index.feedByAmount, entry.row.amountCents, entry.day);
    index.feedMerchants = count(index.feedMerchants, entry.day, merchantKey(entry.description));
  }
  return indexes;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function count(span: Span | null, day: number, key: string | number): Span {
  const into = span ?? { first: day, last: day, counts: new Map() };
  into.first = Math.min(into.first, day);
  into.last = Math.max(into.last, day);
  into.counts.set(key, (into.counts.get(key) ?? 0) + 1);
  return into;
}

function rate(span: Span | null, key: string | number): number {
  if (!span) return 0;
  return (span.counts.get(key) ?? 0) / Math.max(MODEL.minRateSpanDays, span.last - span.first + 1);
}

/** Expected same-amount rows per day: the register's history or the feed's, whichever is busier. */
export function amountRate(index: AccountIndex, amountCents: number): number {
  return Math.max(MODEL.minAmountRatePerDay, rate(index.registerAmounts, amountCents), rate(index.feedAmounts, amountCents));
}

function patternOf(index: AccountIndex, amountCents: number): AmountPattern {
  const known = index.patterns.get(amountCents);
  if (known) return known;
  const gapCounts = new Float64Array(MAX_GAP_DAYS + 1);
  let gaps = 0;
  const countGaps = (days: number[]) => {
    for (let at = 1; at < days.length; at++) {
      const gap = days[at]! - days[at - 1]!;
      if (gap <= MAX_GAP_DAYS) gapCounts[gap]! += 1;
      gaps++;
    }
  };
  countGaps((index.byAmount.get(amountCents) ?? []).map((existing) => existing.day));
  countGaps(index.feedByAmount.get(amountCents) ?? []);
  const pattern = { rate: amountRate(index, amountCents), ...regularPeriod(gapCounts, gaps) };
  index.patterns.set(amountCents, pattern);
  return pattern;
}

// A schedule: at least four gaps, most of them within two days of the most common one, a week or longer.
function regularPeriod(gapCounts: Float64Array, gaps: number): { period: number | null; regularity: number } {
  if (gaps < MODEL.minGapsForPeriod) return { period: null, regularity: 0 };
  let mode = 1;
  for (let gap = 2; gap < gapCounts.length; gap++) if (gapCounts[gap]! > gapCounts[mode]!) mode = gap;
  let near = 0;
  for (let gap = mode - 2; gap <= Math.min(MAX_GAP_DAYS, mode + 2); gap++) near += gapCounts[gap]!;
  const regularity = near / gaps;
  return mode >= MODEL.minPeriodDays && regularity >= MODEL.minRegularity ? { period: mode, regularity } : { period: null, regularity: 0 };
}

/**
 * Density (per day) of an unrelated transaction of the same amount `offset` days away. An amount on a
 * schedule only comes back near its period: rent a month apart makes a 3-day shift safe, a weekly transfer
 * makes 7 days meaningless. Any other amount comes at its plain rate, any day.
 */
function coincidenceDensity(pattern: AmountPattern, offset: number): number {
  if (pattern.period === null) return pattern.rate;
  const nearPeriod = Math.abs(Math.abs(offset) - pattern.period) <= 2 ? 1 / 5 : 0;
  return Math.max(MODEL.minAmountRatePerDay, pattern.regularity * nearPeriod + (1 - pattern.regularity) * pattern.rate);
}

/** Every pair of this incoming row worth scoring, against rows no exact key has taken. */
export function candidatesFor(entry: PreparedIncoming, index: AccountIndex, claimed: Set<PreparedExisting>): Candidate[] {
  const found = new Map<PreparedExisting, Candidate>();
  const pattern = patternOf(index, entry.row.amountCents);
  const add = (existing: PreparedExisting, model: PairModel) => {
    if (claimed.has(existing)) return;
    const description = normalizeDescription(existing.row.description);
    const offset = entry.day - existing.day;
    found.set(existing, {
      incoming: entry,
      existing,
      model,
      offset,
      similarity: descriptionSimilarity(entry.description, description),
      numbersDisagree: numbersDisagree(entry.description, description),
      amountRate: pattern.rate,
      coincidence: coincidenceDensity(pattern, offset),
      period: pattern.period,
      merchantRate: model === "tip" ? Math.max(MODEL.minAmountRatePerDay, rate(index.feedMerchants, merchantKey(entry.description))) : 0,
    });
  };
  const sameAmount = index.byAmount.get(entry.row.amountCents) ?? [];
  for (const existing of nearestByDate(sameAmount, entry.day, claimed)) {
    if (differentChecks(entry, existing)) continue;
    add(existing, existing.row.pending && !entry.row.pending ? "posting" : "same-amount");
  }
  if (entry.checkNumber) {
    const { fromDays, toDays } = MODEL.checkClearing;
    for (const existing of inDayRange(sameAmount, entry.day - toDays, entry.day - fromDays)) {
      if (isHandWrittenWithoutNumber(existing)) add(existing, "check-clearing");
    }
    for (const existing of index.byCheckNumber.get(entry.checkNumber) ?? []) {
      if (existing.row.amountCents === entry.row.amountCents || Math.abs(existing.day - entry.day) > MODEL.checkWindowDays) continue;
      add(existing, "check-amount-mismatch");
    }
  }
  if (!entry.row.pending) {
    for (const existing of inDayRange(index.pendingByDay, entry.day - 6, entry.day + 1)) {
      if (!found.has(existing) && grewByTip(existing.row.amountCents, entry.row.amountCents)) add(existing, "tip");
    }
  }
  return [...found.values()];
}

function differentChecks(entry: PreparedIncoming, existing: PreparedExisting): boolean {
  return entry.checkNumber !== null && existing.checkNumber !== null && entry.checkNumber !== existing.checkNumber;
}

// Typed into the register by hand when the check was written, with the payee but no check number to key on.
function isHandWrittenWithoutNumber(existing: PreparedExisting): boolean {
  return existing.checkNumber === null && existing.row.kind === "register" && !existing.row.pending;
}

function grewByTip(pendingCents: number, postedCents: number): boolean {
  if (Math.sign(pendingCents) !== Math.sign(postedCents) || Math.abs(postedCents) <= Math.abs(pendingCents)) return false;
  return Math.abs(postedCents) - Math.abs(pendingCents) <= Math.abs(pendingCents) * MODEL.tip.maxIncreaseRatio;
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
