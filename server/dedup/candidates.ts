import { resolveCheckNumber } from "./check-number";
import { dayNumber, monthDayBefore } from "./dates";
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
  /**
   * Came from a bank feed: a tombstone, marked `fromBank`, or
   * named by the batch's ids (see `continuity`); see isFromBank.
   */
  fromBank?: boolean;
  /** The normalized description, read only when the row is near an incoming one. */
  description?: NormalizedDescription;
}

/** Which likelihood model explains the pair. */
export type PairModel =
  "same-amount" | "still-pending" | "posting" | "tip" | "check-clearing" | "check-amount-mismatch" | "rounded";

/** A pair worth scoring, with the raw signals; the score itself depends on what the batch teaches. */
export interface Candidate {
  incoming: PreparedIncoming;
  existing: PreparedExisting;
  model: PairModel;
  /** Incoming day − existing day. */
  offset: number;
  /**
   * Against an entry typed by hand: the day the bank says the card was used ("PURCHASE AUTHORIZED ON 03/11") −
   * the typed day, the bookkeeper's date being the purchase's; otherwise `offset`.
   */
  typedOffset: number;
  /** 0..1; null when one side has no merchant words (an entry typed without a description). */
  similarity: number | null;
  /** The existing row was typed into the register by hand: its words are the bookkeeper's, not a bank's. */
  byHand: boolean;
  /** Both descriptions carry reference numbers or dates, and none agree. */
  numbersDisagree: boolean;
  /** One side says when the card was used, and the other side's date cannot be that purchase. */
  authorizedElsewhen: boolean;
  /** Expected same-amount rows per day in the account. */
  amountRate: number;
  /** Density of an unrelated same-amount transaction at this offset: how the account's amount recurs. */
  coincidence: number;
  /** Typical days between two transactions of this amount, when it recurs regularly. */
  period: number | null;
  /** No other row of this amount within the date window, on either side: the amount alone points at the pair. */
  onlyOneNearby: boolean;
  /** Same merchant on both sides (same first merchant word). */
  sameMerchant: boolean;
  /** Of the same-amount rows around the incoming row's date, the share that are its merchant's (smoothed). */
  merchantShare: number;
  /** Expected visits per day to this merchant, for the tip model. */
  merchantRate: number;
  /** Expected visits per day to this merchant at exactly the incoming amount (a menu price), for the tip model. */
  merchantAmountRate: number;
  /**
   * Log-odds (≤ 0) for an existing row that carries provider ids when the batch comes from a connection that
   * named the register's other rows by their ids again: such a connection would have named this one too.
   */
  continuity: number;
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
  /** Whether any prepared row was typed by hand: only then are rounded amounts looked for. */
  hasTypedByHand: boolean;
  byCheckNumber: Map<string, PreparedExisting[]>;
  pendingByDay: PreparedExisting[];
  registerSpan: { first: number; last: number } | null;
  feedAmounts: Span | null;
  feedMerchants: Span | null;
  /** The account's incoming rows, for counts only some batches need. */
  feed: PreparedIncoming[];
  /** Posted incoming rows per `amount|merchant`, counted when first asked. */
  feedMerchantAmounts: Span | null;
  /** Register rows per `amount|merchant`, counted when first asked. */
  merchantAmountCounts: Map<string, number>;
  /** Same-amount rows of the feed in date order, for the gaps between them. */
  feedByAmount: Map<number, number[]>;
  patterns: Map<number, AmountPattern>;
  /** Days of the account's incoming rows. */
  batchSpan: { first: number; last: number } | null;
  /**
   * Prepared existing rows from a bank feed dated within the
   * batch's days (pending: up to the longest posting lag before).
   */
  linkedInBatchSpan: { posted: number; pending: number };
  /**
   * Of the rows counted in `linkedInBatchSpan` (plus, for pending rows, the posted rows whose pending id came
   * back), how many the batch's ids left unclaimed; see `Candidate.continuity`. Set after the exact keys.
   */
  continuity: { posted: ContinuityCounts; pending: ContinuityCounts };
}

export interface ContinuityCounts {
  rows: number;
  unclaimed: number;
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
  /** Per account, the days of its incoming rows and how many existing rows with provider ids fall within them. */
  batchSpans: Map<string, { first: number; last: number; posted: number; pending: number }>;
  wantedProviderIds: Set<string>;
}

/**
 * Reads every existing row once, but prepares only those some incoming row could meet: an amount the batch
 * has, a provider id it names, a pending row (tips change amounts), a check number. A busy register holds
 * 200 000 rows and most of them share nothing with a batch.
 */
export function relevantExisting(rows: readonly ExistingTransaction[], incoming: PreparedIncoming[]): RelevantExisting {
  const batchSpans = new Map<string, { first: number; last: number; posted: number; pending: number }>();
  const amounts = new Set<number>();
  const rounded = new Set<number>();
  const wantedProviderIds = new Set<string>();
  let batchHasChecks = false;
  for (const entry of incoming) {
    const batchSpan = batchSpans.get(entry.row.account);
    if (!batchSpan) batchSpans.set(entry.row.account, { first: entry.day, last: entry.day, posted: 0, pending: 0 });
    else {
      batchSpan.first = Math.min(batchSpan.first, entry.day);
      batchSpan.last = Math.max(batchSpan.last, entry.day);
    }
    amounts.add(entry.row.amountCents);
    if (!entry.row.pending) for (const whole of roundedAmounts(entry.row.amountCents)) rounded.add(whole);
    if (entry.row.providerId) wantedProviderIds.add(entry.row.providerId);
    if (entry.row.pendingProviderId) wantedProviderIds.add(entry.row.pendingProviderId);
    if (entry.checkNumber) batchHasChecks = true;
  }
  const spans = new Map<string, { first: number; last: number }>();
  const prepared: PreparedExisting[] = [];
  for (const row of rows) {
    const batchSpan = batchSpans.get(row.account);
    if (!batchSpan) continue;
    validCents(row.amountCents, `existing transaction ${row.id}`);
    const day = validDay(row.date, `existing transaction ${row.id}`);
    const span = spans.get(row.account);
    if (!span) spans.set(row.account, { first: day, last: day });
    else if (day < span.first) span.first = day;
    else if (day > span.last) span.last = day;
    // Check numbers of the register only matter to incoming checks.
    const checkNumber = batchHasChecks ? resolveCheckNumber(row.checkNumber, row.description) : null;
    // Provider ids the batch does not name are never read, so a caller may leave them out; `fromBank` says the
    // row has some. Worked out here only where continuity counts rows, otherwise when first asked.
    let named: boolean | undefined;
    if (!(
      amounts.has(row.amountCents) ||
      row.pending ||
      checkNumber !== null ||
      (rounded.has(row.amountCents) && typedByHand(row)) ||
      (named = hasWantedId(row.providerIds, wantedProviderIds))
    )) {
      continue;
    }
    const entry: PreparedExisting = { row, day, checkNumber, rank: 0 };
    prepared.push(entry);
    if (day <= batchSpan.last && day >= batchSpan.first - (row.pending ? MODEL.maxPostingLagDays : 0)) {
      entry.fromBank =
        row.kind === "hidden" || row.fromBank === true || (named ?? hasWantedId(row.providerIds, wantedProviderIds));
      if (entry.fromBank && row.pending) batchSpan.pending++;
      else if (entry.fromBank) batchSpan.posted++;
    }
  }
  return { rows: prepared, spans, batchSpans, wantedProviderIds };
}

/** A register entry nobody's bank feed gave: typed by a bookkeeper (or imported from their own file). */
export function isTypedByHand(existing: PreparedExisting): boolean {
  return typedByHand(existing.row);
}

function typedByHand(row: ExistingTransaction): boolean {
  if (row.kind !== "register") return false;
  return row.typedByHand ?? (row.fromBank !== true && row.providerIds.length === 0);
}

/** The whole-dollar amounts a person may type for a bank amount with cents: rounded, or the cents left off. */
export function roundedAmounts(cents: number): number[] {
  if (cents % 100 === 0) return [];
  const sign = Math.sign(cents);
  const nearest = sign * Math.round(Math.abs(cents) / 100) * 100;
  const truncated = sign * Math.floor(Math.abs(cents) / 100) * 100;
  return nearest === truncated || truncated === 0 ? [nearest] : [nearest, truncated];
}

/** Whether the row came from a bank feed; see PreparedExisting.fromBank. */
export function isFromBank(index: AccountIndex, existing: PreparedExisting): boolean {
  existing.fromBank ??=
    existing.row.kind === "hidden" ||
    existing.row.fromBank === true ||
    existing.row.providerIds.some((id) => index.byProviderId.has(id) || index.sharedProviderIds.has(id));
  return existing.fromBank;
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
        hasTypedByHand: false,
        byCheckNumber: new Map(),
        pendingByDay: [],
        registerSpan: relevant.spans.get(account) ?? null,
        feedAmounts: null,
        feedMerchants: null,
        feed: [],
        feedMerchantAmounts: null,
        merchantAmountCounts: new Map(),
        feedByAmount: new Map(),
        patterns: new Map(),
        batchSpan: null,
        linkedInBatchSpan: { posted: 0, pending: 0 },
        continuity: { posted: { rows: 0, unclaimed: 0 }, pending: { rows: 0, unclaimed: 0 } },
      };
      const batchSpan = relevant.batchSpans.get(account);
      if (batchSpan) {
        index.batchSpan = { first: batchSpan.first, last: batchSpan.last };
        index.linkedInBatchSpan = { posted: batchSpan.posted, pending: batchSpan.pending };
      }
      indexes.set(account, index);
    }
    return index;
  };
  const existing = relevant.rows;
  let index: AccountIndex | null = null;
  for (const entry of existing) {
    if (index === null || entry.row.account !== existing[entry.rank - 1]?.row.account)
      index = indexFor(entry.row.account);
    for (const providerId of entry.row.providerIds)
      if (relevant.wantedProviderIds.has(providerId)) addProviderId(index, providerId, entry);
    pushTo(index.byAmount, entry.row.amountCents, entry);
    if (!index.hasTypedByHand && isTypedByHand(entry)) index.hasTypedByHand = true;
    if (entry.checkNumber) pushTo(index.byCheckNumber, entry.checkNumber, entry);
    if (entry.row.pending) index.pendingByDay.push(entry);
  }
  for (const entry of incoming) {
    const index = indexFor(entry.row.account);
    index.feedAmounts = count(index.feedAmounts, entry.day, entry.row.amountCents);
    pushTo(index.feedByAmount, entry.row.amountCents, entry.day);
    index.feedMerchants = count(index.feedMerchants, entry.day, merchantKey(entry.description));
    index.feed.push(entry);
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
  const register = span
    ? (index.byAmount.get(amountCents)?.length ?? 0) / Math.max(MODEL.minRateSpanDays, span.last - span.first + 1)
    : 0;
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
  for (let gap = period - bandWidth(period); gap <= Math.min(MAX_GAP_DAYS, period + bandWidth(period)); gap++)
    total += gap * gapCounts[gap]!;
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
export function candidatesFor(
  entry: PreparedIncoming,
  index: AccountIndex,
  claimed: Set<PreparedExisting>,
): Candidate[] {
  const found = new Map<PreparedExisting, Candidate>();
  const pattern = patternOf(index, entry.row.amountCents);
  const sameAmount = index.byAmount.get(entry.row.amountCents) ?? [];
  const near = nearestByDate(sameAmount, entry, claimed);
  const share = merchantShare(near, entry);
  const onlyOneNearby = near.length === 1 && aloneInFeed(index, entry);
  const add = (existing: PreparedExisting, model: PairModel, amountPattern = pattern) => {
    if (claimed.has(existing)) return;
    const description = describedOf(existing);
    const byHand = isTypedByHand(existing);
    const { similarity, numbersDisagree } = compareDescriptions(entry.description, description, { byHand });
    const offset = entry.day - existing.day;
    const purchaseDay =
      byHand && entry.description.authorized
        ? monthDayBefore(entry.description.authorized.month, entry.description.authorized.day, entry.day)
        : null;
    found.set(existing, {
      incoming: entry,
      existing,
      model,
      offset,
      typedOffset: purchaseDay === null ? offset : purchaseDay - existing.day,
      similarity,
      byHand,
      numbersDisagree,
      authorizedElsewhen:
        (entry.description.authorized !== null || description.authorized !== null) &&
        authorizedElsewhen(entry, existing, description),
      amountRate: amountPattern.rate,
      coincidence: coincidenceDensity(amountPattern, offset),
      period: amountPattern.period,
      onlyOneNearby: onlyOneNearby && model === "same-amount",
      sameMerchant: description.brand === entry.description.brand,
      merchantShare: share,
      merchantRate:
        model === "tip"
          ? Math.max(MODEL.minAmountRatePerDay, rate(index.feedMerchants, merchantKey(entry.description)))
          : 0,
      merchantAmountRate: model === "tip" ? merchantAmountRate(index, entry) : 0,
      continuity: continuityOf(index, existing),
      logOdds: -Infinity,
    });
  };
  for (const existing of mostLikely(near, entry)) {
    if (differentChecks(entry, existing)) continue;
    const model = existing.row.pending ? (entry.row.pending ? "still-pending" : "posting") : "same-amount";
    // A source gives the posted version of a pending transaction an id of its own.
    if (model !== "posting" && fromSameSource(entry, existing)) continue;
    add(existing, model);
  }
  if (entry.checkNumber) {
    const { fromDays, toDays } = MODEL.checkClearing;
    for (const existing of inDayRange(sameAmount, entry.day - toDays, entry.day - fromDays)) {
      if (isHandWrittenWithoutNumber(existing)) add(existing, "check-clearing");
    }
    for (const existing of index.byCheckNumber.get(entry.checkNumber) ?? []) {
      if (
        existing.row.amountCents === entry.row.amountCents ||
        Math.abs(existing.day - entry.day) > MODEL.checkWindowDays ||
        fromSameSource(entry, existing)
      )
        continue;
      add(existing, "check-amount-mismatch");
    }
  }
  if (!entry.row.pending) {
    // A bookkeeper typed the amount to the dollar ($45 for $44.87): entries typed by hand only.
    for (const whole of index.hasTypedByHand ? roundedAmounts(entry.row.amountCents) : []) {
      const wholePattern = patternOf(index, whole);
      for (const existing of inDayRange(
        index.byAmount.get(whole) ?? [],
        entry.day - MODEL.maxDateDistanceDays,
        entry.day + MODEL.maxDateDistanceDays,
      )) {
        if (!found.has(existing) && !existing.row.pending && isTypedByHand(existing))
          add(existing, "rounded", wholePattern);
      }
    }
    for (const existing of inDayRange(index.pendingByDay, entry.day - 6, entry.day + 1)) {
      if (!found.has(existing) && grewByTip(existing.row.amountCents, entry.row.amountCents)) add(existing, "tip");
    }
  }
  return [...found.values()];
}

/** The incoming row is the only one of its amount in its account's batch within the date window. */
function aloneInFeed(index: AccountIndex, entry: PreparedIncoming): boolean {
  let count = 0;
  for (const day of index.feedByAmount.get(entry.row.amountCents) ?? [])
    if (Math.abs(day - entry.day) <= MODEL.maxDateDistanceDays && ++count > 1) return false;
  return true;
}

/**
 * Other transactions per day of the incoming row's merchant at exactly its amount, in the register or in the
 * feed (the row itself left out). Coffee at $5.00 is a menu price; a tipped $28.39 almost never comes twice,
 * so one earlier occurrence is taken for chance and not counted.
 */
function merchantAmountRate(index: AccountIndex, entry: PreparedIncoming): number {
  const merchant = merchantKey(entry.description);
  const key = `${entry.row.amountCents}|${merchant}`;
  let inRegister = index.merchantAmountCounts.get(key);
  if (inRegister === undefined) {
    inRegister = 0;
    for (const existing of index.byAmount.get(entry.row.amountCents) ?? [])
      if (describedOf(existing).merchant === merchant) inRegister++;
    index.merchantAmountCounts.set(key, inRegister);
  }
  const span = index.registerSpan;
  const register = span ? Math.max(0, inRegister - 1) / Math.max(MODEL.minRateSpanDays, span.last - span.first + 1) : 0;
  if (index.feedMerchantAmounts === null) {
    for (const other of index.feed) {
      if (!other.row.pending)
        index.feedMerchantAmounts = count(
          index.feedMerchantAmounts,
          other.day,
          `${other.row.amountCents}|${merchantKey(other.description)}`,
        );
    }
  }
  const feedSpan = index.feedMerchantAmounts;
  const feed = feedSpan
    ? Math.max(0, (feedSpan.counts.get(key) ?? 0) - 2) /
      Math.max(MODEL.minRateSpanDays, feedSpan.last - feedSpan.first + 1)
    : 0;
  return Math.max(register, feed);
}

/**
 * Of the same-amount rows around the incoming row's date, the share that are its merchant's (same first
 * merchant word), pulled towards MODEL.merchantShare.typical when there are few. A $5.00 that is always the
 * coffee shop says little about who was paid; a $50.00 that twenty merchants charge makes the same name telling.
 */
function merchantShare(near: readonly PreparedExisting[], entry: PreparedIncoming): number {
  let same = 0;
  for (const existing of near) if (describedOf(existing).brand === entry.description.brand) same++;
  const { typical, weight } = MODEL.merchantShare;
  return (same + weight * typical) / (near.length + weight);
}

/**
 * "PURCHASE AUTHORIZED ON 03/11" names the day of the purchase. The same purchase is dated that day or later
 * by any link (a day earlier at most, across a cut-off), and on that day exactly while it is pending.
 */
function authorizedElsewhen(
  entry: PreparedIncoming,
  existing: PreparedExisting,
  description: NormalizedDescription,
): boolean {
  return (
    notThatPurchase(entry.description.authorized, entry.day, existing.day, existing.row.pending === true) ||
    notThatPurchase(description.authorized, existing.day, entry.day, entry.row.pending)
  );
}

function notThatPurchase(
  authorized: NormalizedDescription["authorized"],
  near: number,
  otherDay: number,
  otherPending: boolean,
): boolean {
  if (!authorized) return false;
  const day = monthDayBefore(authorized.month, authorized.day, near);
  if (day === null) return false;
  return otherDay < day - 1 || (otherPending && otherDay > day + 1);
}

/**
 * Existing rows a connection that kept its ids would have named again in this batch: posted rows dated within
 * its days, pending rows from the longest posting lag before them.
 */
export function inContinuitySpan(index: AccountIndex, existing: PreparedExisting): boolean {
  const span = index.batchSpan;
  if (!span) return false;
  const from = existing.row.pending ? span.first - MODEL.maxPostingLagDays : span.first;
  return existing.day >= from && existing.day <= span.last;
}

/**
 * log((unclaimed + 1) / (rows + 1)) over the other rows of the same sort: the smoothed share of them the
 * connection did not name again, the chance it would not name this one either if it were here.
 */
function continuityOf(index: AccountIndex, existing: PreparedExisting): number {
  if (!isFromBank(index, existing)) return 0;
  const { rows, unclaimed } = existing.row.pending ? index.continuity.pending : index.continuity.posted;
  const self = inContinuitySpan(index, existing) ? 1 : 0;
  if (rows - self <= 0) return 0;
  return Math.max(MODEL.continuityMinLogOdds, Math.log((Math.max(0, unclaimed - self) + 1) / (rows - self + 1)));
}

/**
 * The source that gave the incoming row its id gave the existing
 * row another one: within one source a new id is a new transaction.
 */
function fromSameSource(entry: PreparedIncoming, existing: PreparedExisting): boolean {
  const source = entry.row.source;
  return !!source && existing.row.sources !== undefined && existing.row.sources.includes(source);
}

function differentChecks(entry: PreparedIncoming, existing: PreparedExisting): boolean {
  return entry.checkNumber !== null && existing.checkNumber !== null && entry.checkNumber !== existing.checkNumber;
}

// Typed into the register by hand when the check was written, with the payee but no check number to key on.
function isHandWrittenWithoutNumber(existing: PreparedExisting): boolean {
  return existing.checkNumber === null && existing.row.kind === "register" && !existing.row.pending;
}

function grewByTip(pendingCents: number, postedCents: number): boolean {
  if (Math.sign(pendingCents) !== Math.sign(postedCents) || Math.abs(postedCents) <= Math.abs(pendingCents))
    return false;
  return Math.abs(postedCents) - Math.abs(pendingCents) <= Math.abs(pendingCents) * MODEL.tip.maxIncreaseRatio;
}

/** The unclaimed same-amount rows within the date window, nearest first, at most `maxRowsScannedPerAmount`. */
function nearestByDate(
  sorted: PreparedExisting[],
  entry: PreparedIncoming,
  claimed: Set<PreparedExisting>,
): PreparedExisting[] {
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
  return nearest;
}

/**
 * Of the nearest same-amount rows, those that deserve a score: rows of the same merchant first, then the
 * nearest in date, at most `maxCandidatesPerRow`. In a busy account one price may come up dozens of times
 * around a date; the true row is seldom a stranger's.
 */
function mostLikely(nearest: PreparedExisting[], entry: PreparedIncoming): PreparedExisting[] {
  if (nearest.length <= MODEL.maxCandidatesPerRow) return nearest;
  const merchant = entry.description.merchant;
  const same = nearest.filter((existing) => describedOf(existing).merchant === merchant);
  const others = nearest.filter((existing) => describedOf(existing).merchant !== merchant);
  return [...same, ...others].slice(0, MODEL.maxCandidatesPerRow);
}

function describedOf(existing: PreparedExisting): NormalizedDescription {
  existing.description ??= normalizeDescription(existing.row.description);
  return existing.description;
}

function inDayRange(sorted: PreparedExisting[], fromDay: number, toDay: number): PreparedExisting[] {
  const found: PreparedExisting[] = [];
  for (let at = lowerBound(sorted, fromDay); at < sorted.length && sorted[at]!.day <= toDay; at++)
    found.push(sorted[at]!);
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
