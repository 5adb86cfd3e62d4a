import { resolveCheckNumber } from "./check-number";
import { dayNumber } from "./dates";
import { compareDescriptions, merchantKey, normalizeDescription, type NormalizedDescription } from "./description";
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
  /** First merchant words, read only when the row is near an incoming one. */
  merchant?: string;
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
  /** The latest score, set by each pass of the assignment. */
  logOdds: number;
}

interface Span {
  first: number;
  last: number;
  counts: Map<string | number, number>;
}

export interface AccountIndex {
  /** One row per provider id; `sharedProviderIds` holds the rare ids found on several rows. */
  byProviderId: Map<string, PreparedExisting>;
  sharedProviderIds: Map<string, PreparedExisting[]>;
  /** Same-amount rows in date order. */
  byAmount: Map<number, PreparedExisting[]>;
  byCheckNumber: Map<string, PreparedExisting[]>;
  pendingByDay: PreparedExisting[];
  registerSpan: { first: number; last: number } | null;
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

/** The existing rows that could matter to this batch, prepared, and each account's date span. */
export interface RelevantExisting {
  rows: PreparedExisting[];
  spans: Map<string, { first: number; last: number }>;
  wantedProviderIds: Set<string>;
}

/**
 * Reads every existing row once, but prepares only those some incoming row could meet: an amount the batch
 * has, a provider id it names, a pending row (tips change amounts), a check number. A busy register holds
 * 200 000 rows and most of them share nothing with a batch.
 */
export function relevantExisting(rows: readonly ExistingTransaction[], incoming: PreparedIncoming[]): RelevantExisting {
  const accounts = new Set<string>();
  const amounts = new Set<number>();
  const wantedProviderIds = new Set<string>();
  let batchHasChecks = false;
  for (const entry of incoming) {
    accounts.add(entry.row.account);
    amounts.add(entry.row.amountCents);
    if (entry.row.providerId) wantedProviderIds.add(entry.row.providerId);
    if (entry.row.pendingProviderId) wantedProviderIds.add(entry.row.pendingProviderId);
    if (entry.checkNumber) batchHasChecks = true;
  }
  const spans = new Map<string, { first: number; last: number }>();
  const prepared: PreparedExisting[] = [];
  for (const row of rows) {
    if (!accounts.has(row.account)) continue;
    validCents(row.amountCents, `existing transaction ${row.id}`);
    const day = validDay(row.date, `existing transaction ${row.id}`);
    const span = spans.get(row.account);
    if (!span) spans.set(row.account, { first: day, last: day });
    else if (day < span.first) span.first = day;
    else if (day > span.last) span.last = day;
    // Check numbers of the register only matter to incoming checks.
    const checkNumber = batchHasChecks ? resolveCheckNumber(row.checkNumber, row.description) : null;
    if (amounts.has(row.amountCents) || row.pending || checkNumber !== null || hasWantedId(row.providerIds, wantedProviderIds)) {
      prepared.push({ row, day, checkNumber, rank: 0 });
    }
  }
  return { rows: prepared, spans, wantedProviderIds };
}

function hasWantedId(providerIds: readonly string[], wanted: Set<string>): boolean {
  for (const id of providerIds) if (wanted.has(id)) return true;
  return false;
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
export function buildIndexes(relevant: RelevantExisting, incoming: PreparedIncoming[]): Map<string, AccountIndex> {
  const indexes = new Map<string, AccountIndex>();
  const indexFor = (account: string): AccountIndex => {
    let index = indexes.get(account);
    if (!index) {
      index = {
        byProviderId: new Map(),
        sharedProviderIds: new Map(),
        byAmount: new Map(),
        byCheckNumber: new Map(),
        pendingByDay: [],
        registerSpan: relevant.spans.get(account) ?? null,
        feedAmounts: null,
        feedMerchants: null,
        feedByAmount: new Map(),
        patterns: new Map(),
      };
      indexes.set(account, index);
    }
    return index;
  };
  const existing = relevant.rows;
  let index: AccountIndex | null = null;
  for (const entry of existing) {
    if (index === null || entry.row.account !== existing[entry.rank - 1]?.row.account) index = indexFor(entry.row.account);
    for (const providerId of entry.row.providerIds) if (relevant.wantedProviderIds.has(providerId)) addProviderId(index, providerId, entry);
    pushTo(index.byAmount, entry.row.amountCents, entry);
    if (entry.checkNumber) pushTo(index.byCheckNumber, entry.checkNumber, entry);
    if (entry.row.pending) index.pendingByDay.push(entry);
  }
  for (const entry of incoming) {
    const index = indexFor(entry.row.account);
    index.feedAmounts = count(index.feedAmounts, entry.day, entry.row.amountCents);
    pushTo(index.feedByAmount, entry.row.amountCents, entry.day);
    index.feedMerchants = count(index.feedMerchants, entry.day, merchantKey(entry.description));
  }
  return indexes;
}

function addProviderId(index: AccountIndex, providerId: string, entry: PreparedExisting): void {
  const first = index.byProviderId.get(providerId);
  if (first === undefined) {
    index.byProviderId.set(providerId, entry);
    return;
  }
  if (first === entry) return;
  const shared = index.sharedProviderIds.get(providerId);
  if (!shared) index.sharedProviderIds.set(providerId, [first, entry]);
  else if (!shared.includes(entry)) shared.push(entry);
}

/** Every existing row of the account carrying this provider id. */
export function rowsWithProviderId(index: AccountIndex, providerId: string): PreparedExisting[] {
  const shared = index.sharedProviderIds.get(providerId);
  if (shared) return shared;
  const only = index.byProviderId.get(providerId);
  return only ? [only] : [];
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
  const span = index.registerSpan;
  const register = span ? (index.byAmount.get(amountCents)?.length ?? 0) / Math.max(MODEL.minRateSpanDays, span.last - span.first + 1) : 0;
  return Math.max(MODEL.minAmountRatePerDay, register, rate(index.feedAmounts, amountCents));
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
  const register = index.byAmount.get(amountCents) ?? [];
  for (let at = 1; at < register.length; at++) {
    const gap = register[at]!.day - register[at - 1]!.day;
    if (gap <= MAX_GAP_DAYS) gapCounts[gap]! += 1;
    gaps++;
  }
  countGaps(index.feedByAmount.get(amountCents) ?? []);
  const pattern = { rate: amountRate(index, amountCents), ...regularPeriod(gapCounts, gaps) };
  index.patterns.set(amountCents, pattern);
  return pattern;
}

// A schedule: at least four gaps, most of them close to one length of a week or more. Months run 28 to 31
// days and weekends push payments, so monthly periods get a wider band.
function regularPeriod(gapCounts: Float64Array, gaps: number): { period: number | null; regularity: number } {
  if (gaps < MODEL.minGapsForPeriod) return { period: null, regularity: 0 };
  let period = 0;
  let best = 0;
  for (let center = MODEL.minPeriodDays; center <= MAX_GAP_DAYS; center++) {
    const width = bandWidth(center);
    let near = 0;
    for (let gap = center - width; gap <= Math.min(MAX_GAP_DAYS, center + width); gap++) near += gapCounts[gap]!;
    if (near > best) {
      best = near;
      period = center;
    }
  }
  const regularity = best / gaps;
  if (regularity < MODEL.minRegularity) return { period: null, regularity: 0 };
  let total = 0;
  for (let gap = period - bandWidth(period); gap <= Math.min(MAX_GAP_DAYS, period + bandWidth(period)); gap++) total += gap * gapCounts[gap]!;
  return { period: Math.round(total / best), regularity };
}

function bandWidth(period: number): number {
  return period >= 25 ? 3 : 2;
}

/**
 * Density (per day) of an unrelated transaction of the same amount `offset` days away. An amount on a
 * schedule only comes back near its period: rent a month apart makes a 3-day shift safe, a weekly transfer
 * makes 7 days meaningless. Any other amount comes at its plain rate, any day.
 */
function coincidenceDensity(pattern: AmountPattern, offset: number): number {
  if (pattern.period === null) return pattern.rate;
  const width = bandWidth(pattern.period);
  const nearPeriod = Math.abs(Math.abs(offset) - pattern.period) <= width ? 1 / (2 * width + 1) : 0;
  return Math.max(MODEL.minAmountRatePerDay, pattern.regularity * nearPeriod + (1 - pattern.regularity) * pattern.rate);
}

/** Every pair of this incoming row worth scoring, against rows no exact key has taken. */
export function candidatesFor(entry: PreparedIncoming, index: AccountIndex, claimed: Set<PreparedExisting>): Candidate[] {
  const found = new Map<PreparedExisting, Candidate>();
  const pattern = patternOf(index, entry.row.amountCents);
  const add = (existing: PreparedExisting, model: PairModel) => {
    if (claimed.has(existing)) return;
    const { similarity, numbersDisagree } = compareDescriptions(entry.description, normalizeDescription(existing.row.description));
    const offset = entry.day - existing.day;
    found.set(existing, {
      incoming: entry,
      existing,
      model,
      offset,
      similarity,
      numbersDisagree,
      amountRate: pattern.rate,
      coincidence: coincidenceDensity(pattern, offset),
      period: pattern.period,
      merchantRate: model === "tip" ? Math.max(MODEL.minAmountRatePerDay, rate(index.feedMerchants, merchantKey(entry.description))) : 0,
      logOdds: -Infinity,
    });
  };
  const sameAmount = index.byAmount.get(entry.row.amountCents) ?? [];
  for (const existing of nearestByDate(sameAmount, entry, claimed)) {
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

/**
 * The unclaimed same-amount rows within the date window that deserve a score: rows of the same merchant
 * first, then the nearest in date, at most `maxCandidatesPerRow`. In a busy account one price may come up
 * dozens of times around a date; the true row is seldom a stranger's.
 */
function nearestByDate(sorted: PreparedExisting[], entry: PreparedIncoming, claimed: Set<PreparedExisting>): PreparedExisting[] {
  const nearest: PreparedExisting[] = [];
  const day = entry.day;
  let right = lowerBound(sorted, day);
  let left = right - 1;
  const limit = MODEL.maxDateDistanceDays;
  while (nearest.length < MODEL.maxRowsScannedPerAmount) {
    const leftGap = left >= 0 ? day - sorted[left]!.day : Infinity;
    const rightGap = right < sorted.length ? sorted[right]!.day - day : Infinity;
    if (Math.min(leftGap, rightGap) > limit) break;
    const next = rightGap <= leftGap ? sorted[right++]! : sorted[left--]!;
    if (!claimed.has(next)) nearest.push(next);
  }
  if (nearest.length <= MODEL.maxCandidatesPerRow) return nearest;
  const merchant = merchantKey(entry.description);
  const same = nearest.filter((existing) => merchantOf(existing) === merchant);
  const others = nearest.filter((existing) => merchantOf(existing) !== merchant);
  return [...same, ...others].slice(0, MODEL.maxCandidatesPerRow);
}

function merchantOf(existing: PreparedExisting): string {
  existing.merchant ??= merchantKey(normalizeDescription(existing.row.description));
  return existing.merchant;
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
