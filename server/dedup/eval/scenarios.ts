import { dayNumber, formatDayNumber } from "../dates";
import type { ExistingTransaction, IncomingTransaction } from "../types";
import type { AccountProfile } from "./catalog";
import { describe, linkDay, LinkIds, linkedRow, randomStyle, relinkStyle, type LinkStyle } from "./links";
import { Random } from "./random";
import { generateAccountHistory, type RealTransaction } from "./world";

/** The kinds of change the evaluation reports separately; a row may carry several. */
export const CHANGE_KINDS = [
  "same-provider-id",
  "pending-link",
  "new-ids",
  "date-shift-1-3",
  "date-shift-4+",
  "description-rewrite",
  "pending-posted",
  "pending-posted-tip",
  "identical-repeat",
  "recurring",
  "check-number",
  "hidden",
  "truncated-window",
  "new-lookalike",
  "new-other",
] as const;

/**
 * Slices of the scenarios of the books' own entries and of statement files (books-scenarios.ts), reported apart
 * so the re-link figures above stay comparable from run to run.
 */
export const BOOKS_KINDS = [
  "typed-empty",
  "typed-short",
  "typed-abbreviated",
  "typed-full",
  "typed-rounded",
  "typed-new",
  "statement-reimport",
  "statement-overlap",
  "statement-new",
  "statement-vs-connection",
  "same-source-refresh",
  "same-source-new",
] as const;

export type ChangeKind = (typeof CHANGE_KINDS)[number] | (typeof BOOKS_KINDS)[number];

export const ALL_KINDS: readonly ChangeKind[] = [...CHANGE_KINDS, ...BOOKS_KINDS];

export interface IncomingLabel {
  realId: string;
  /** True when some existing row (register entry or tombstone) is the same real transaction. */
  positive: boolean;
  kinds: Set<ChangeKind>;
  repeatGroup: string | null;
}

export interface Scenario {
  name: string;
  /** Our model of re-links, or the product's sandbox aggregator linked twice. */
  source: "model" | "sandbox";
  kind: "relink" | "refresh" | "typed" | "statement";
  profile: AccountProfile;
  existing: ExistingTransaction[];
  incoming: IncomingTransaction[];
  realIdOfExisting: Map<string, string>;
  labels: Map<string, IncomingLabel>;
  /**
   * Transactions of one repeat group (same merchant, amount and day: two $50 deposits of one morning) stand in for
   * each other: nothing in the books tells which of them the bookkeeper typed as which.
   */
  repeatsInterchangeable?: boolean;
}

const BASE_DAY = dayNumber("2026-01-05")!;
const HISTORY_DAYS = 240;
const TRUNCATION_EDGE_DAYS = 10;

interface ExistingDraft {
  row: ExistingTransaction;
  real: RealTransaction;
}

/** One account of one organization: a register built from an old link, and what a new retrieval brings. */
export function buildScenario(seed: number, index: number, options: { kind?: "relink" | "refresh" } = {}): Scenario {
  const random = new Random(seed * 1_000_003 + index);
  const drawn = random.chance(0.75) ? "relink" : "refresh";
  const kind = options.kind ?? drawn;
  const profile = random.weighted([
    ["operating", 60],
    ["card", 25],
    ["savings", 15],
  ] as const);
  const today = BASE_DAY + random.int(0, 120);
  const name = `s${seed}-${index}`;
  const account = `${profile}-${index}`;
  const world = generateAccountHistory(profile, today - HISTORY_DAYS, today, random, name);
  const lastImport =
    today -
    random.weighted([
      [0, 20],
      [1, 15],
      [2, 10],
      [3, 10],
      [5, 10],
      [7, 10],
      [10, 8],
      [14, 7],
      [21, 5],
      [30, 5],
    ] as const);

  const styleA = randomStyle(random);
  const idsA = new LinkIds("a", random);
  for (const transaction of world) {
    if (isPendingOn(transaction, lastImport) && random.chance(0.05)) transaction.cancelled = true;
  }
  const drafts = buildRegister(world, lastImport, styleA, idsA, account, name, random, profile);

  const incomingDrafts =
    kind === "relink"
      ? relinkFeed(world, today, random, styleA, account, name)
      : refreshFeed(world, today, lastImport, random, styleA, idsA, account, name);

  const labels = labelIncoming(
    incomingDrafts.rows,
    drafts,
    incomingDrafts.windowStart,
    kind === "relink" ? "relink" : "refresh",
  );
  return {
    name,
    source: "model",
    kind,
    profile,
    existing: drafts.map((draft) => draft.row),
    incoming: incomingDrafts.rows.map((draft) => draft.row),
    realIdOfExisting: new Map(drafts.map((draft) => [draft.row.id, draft.real.realId])),
    labels,
  };
}

export function isCard(transaction: RealTransaction): boolean {
  return transaction.merchant.channel === "card";
}

export function isPendingOn(transaction: RealTransaction, day: number): boolean {
  return isCard(transaction) && transaction.authDay <= day && transaction.postDay > day;
}

export function isVisibleOn(transaction: RealTransaction, day: number): boolean {
  if (transaction.cancelled) return isPendingOn(transaction, day);
  return isCard(transaction) ? transaction.authDay <= day : transaction.postDay <= day;
}

function buildRegister(
  world: RealTransaction[],
  lastImport: number,
  style: LinkStyle,
  ids: LinkIds,
  account: string,
  name: string,
  random: Random,
  profile: AccountProfile,
): ExistingDraft[] {
  const drafts: ExistingDraft[] = [];
  const hideTransfers = profile === "operating" && random.chance(0.3);
  let serial = 0;
  // A row the register knows under some provider id came from (or was matched to) a bank feed.
  const add = (real: RealTransaction, row: Omit<ExistingTransaction, "id" | "account" | "fromBank">) =>
    drafts.push({ real, row: { id: `${name}-r${serial++}`, account, ...row, fromBank: row.providerIds.length > 0 } });

  for (const real of world) {
    const writtenByHand = real.merchant.channel === "check" && real.authDay <= lastImport && random.chance(0.4);
    if (!isVisibleOn(real, lastImport) && !writtenByHand) continue;
    const pending = isPendingOn(real, lastImport);
    const posted = isVisibleOn(real, lastImport) && !pending;
    const feedRow = () => ({
      date: formatDayNumber(linkDay(real, style, pending)),
      amountCents: pending ? real.pendingAmountCents : real.amountCents,
      description: describe(real, style, pending),
      providerIds: pending
        ? [ids.pendingId(real)]
        : isCard(real) && real.postDay > real.authDay && random.chance(0.7)
          ? [ids.pendingId(real), ids.postedId(real)]
          : [ids.postedId(real)],
      pending,
    });

    if (writtenByHand) {
      const hiddenFeedRow = posted && random.chance(0.1);
      add(real, {
        ...handWrittenCheck(real, random),
        providerIds: posted && !hiddenFeedRow ? [ids.postedId(real)] : [],
        kind: "register",
      });
      if (hiddenFeedRow) add(real, { ...feedRow(), kind: "hidden" });
      continue;
    }
    const hideRate = real.merchant.channel === "transfer" && hideTransfers ? 1 : 0.03;
    if (random.chance(0.01)) continue;
    add(real, { ...feedRow(), kind: random.chance(hideRate) ? "hidden" : "register" });
  }
  return drafts;
}

function handWrittenCheck(
  real: RealTransaction,
  random: Random,
): Pick<ExistingTransaction, "date" | "amountCents" | "description" | "checkNumber"> {
  const payee = real.checkPayee ?? "Vendor";
  const form = random.weighted([
    ["number-in-text", 50],
    ["number-field", 35],
    ["payee-only", 15],
  ] as const);
  return {
    date: formatDayNumber(real.authDay),
    amountCents: random.chance(0.04) ? transposeDigits(real.amountCents) : real.amountCents,
    description: form === "number-in-text" ? `Check ${real.checkNumber} - ${payee}` : payee,
    checkNumber: form === "number-field" ? real.checkNumber : null,
  };
}

// A typo a person makes copying an amount: two neighbouring digits swapped.
function transposeDigits(cents: number): number {
  const digits = String(Math.abs(cents)).split("");
  if (digits.length < 3) return cents - 100;
  const at = digits.length - 3;
  [digits[at], digits[at + 1]] = [digits[at + 1]!, digits[at]!];
  const swapped = Number(digits.join("")) * Math.sign(cents);
  return swapped === cents ? cents - 100 : swapped;
}

interface IncomingDraft {
  row: IncomingTransaction;
  real: RealTransaction;
}

function relinkFeed(
  world: RealTransaction[],
  today: number,
  random: Random,
  styleA: LinkStyle,
  account: string,
  name: string,
) {
  const style = relinkStyle(styleA, random, random.pick([0.2, 0.5, 0.8]));
  const ids = new LinkIds("b", random);
  const windowDays = random.weighted([
    [14, 10],
    [30, 25],
    [45, 10],
    [60, 20],
    [90, 35],
  ] as const);
  const windowStart = today - windowDays;
  const rows: IncomingDraft[] = [];
  let serial = 0;
  for (const real of world) {
    if (!isVisibleOn(real, today) || real.cancelled) continue;
    const pending = isPendingOn(real, today);
    const day = linkDay(real, style, pending);
    if (day < windowStart) continue;
    rows.push({
      real,
      row: {
        id: `${name}-i${serial++}`,
        account,
        ...linkedRow(real, style, ids, pending),
        // The new link may name a pending id of its own that was never retrieved here.
        pendingProviderId:
          !pending && isCard(real) && real.postDay > real.authDay && random.chance(0.6) ? ids.pendingId(real) : null,
      },
    });
  }
  return { rows: bankOrder(rows), windowStart };
}

function refreshFeed(
  world: RealTransaction[],
  today: number,
  lastImport: number,
  random: Random,
  style: LinkStyle,
  ids: LinkIds,
  account: string,
  name: string,
) {
  const windowStart = today - random.pick([15, 30]);
  const rows: IncomingDraft[] = [];
  let serial = 0;
  for (const real of world) {
    if (!isVisibleOn(real, today) || real.cancelled) continue;
    const pending = isPendingOn(real, today);
    let day = linkDay(real, style, pending);
    if (day < windowStart) continue;
    let description = describe(real, style, pending);
    // The last 15 days may be revised between refreshes, under the same id.
    if (!pending && day >= today - 15 && real.postDay <= lastImport && random.chance(0.1)) {
      if (random.chance(0.5)) day += random.pick([-1, 1]);
      else description = describe(real, relinkStyle(style, random, 0.6), false);
    }
    const wasPendingAtImport = isPendingOn(real, lastImport);
    rows.push({
      real,
      row: {
        id: `${name}-i${serial++}`,
        account,
        ...linkedRow(real, style, ids, pending, { day, description }),
        pendingProviderId:
          !pending && isCard(real) && (wasPendingAtImport || (real.postDay > real.authDay && random.chance(0.7)))
            ? ids.pendingId(real)
            : null,
      },
    });
  }
  return { rows: bankOrder(rows), windowStart };
}

// Aggregators list the newest first.
function bankOrder(rows: IncomingDraft[]): IncomingDraft[] {
  return rows.reverse();
}

/** What the labels need to know about the real transaction behind a row. */
export interface RowTraits {
  realId: string;
  merchant: string;
  amountCents: number;
  recurring: boolean;
  check: boolean;
  /** Same merchant, amount and day as another real transaction. */
  repeatGroup: string | null;
}

export interface TracedRow<Row> {
  row: Row;
  traits: RowTraits;
}

export function traitsOf(real: RealTransaction): RowTraits {
  return {
    realId: real.realId,
    merchant: real.merchant.key,
    amountCents: real.amountCents,
    recurring: real.merchant.recurring,
    check: real.merchant.channel === "check",
    repeatGroup: real.repeatGroup,
  };
}

function labelIncoming(
  rows: IncomingDraft[],
  existing: ExistingDraft[],
  windowStart: number,
  kind: Scenario["kind"],
): Map<string, IncomingLabel> {
  return labelRows(
    rows.map(({ row, real }) => ({ row, traits: traitsOf(real) })),
    existing.map(({ row, real }) => ({ row, traits: traitsOf(real) })),
    kind === "relink" ? windowStart : null,
  );
}

/** Labels every incoming row: the real transaction it is, whether the register knows it, and what changed. */
export function labelRows(
  rows: TracedRow<IncomingTransaction>[],
  existing: TracedRow<ExistingTransaction>[],
  truncatedFrom: number | null,
): Map<string, IncomingLabel> {
  const byReal = new Map<string, ExistingTransaction[]>();
  for (const { row, traits } of existing) byReal.set(traits.realId, [...(byReal.get(traits.realId) ?? []), row]);
  const nearby = nearbyIndex(existing);
  const labels = new Map<string, IncomingLabel>();
  for (const { row, traits } of rows) {
    const kinds = new Set<ChangeKind>();
    const counterparts = byReal.get(traits.realId) ?? [];
    const rowDay = dayNumber(row.date)!;
    if (traits.repeatGroup) kinds.add("identical-repeat");
    if (traits.recurring) kinds.add("recurring");
    if (traits.check) kinds.add("check-number");
    if (truncatedFrom !== null && rowDay < truncatedFrom + TRUNCATION_EDGE_DAYS) kinds.add("truncated-window");
    if (counterparts.length > 0) addChangeKinds(kinds, row, counterparts);
    else kinds.add(nearby(traits, rowDay) ? "new-lookalike" : "new-other");
    labels.set(row.id, {
      realId: traits.realId,
      positive: counterparts.length > 0,
      kinds,
      repeatGroup: traits.repeatGroup,
    });
  }
  return labels;
}

function addChangeKinds(kinds: Set<ChangeKind>, row: IncomingTransaction, counterparts: ExistingTransaction[]): void {
  const primary = { row: counterparts.find((existing) => existing.kind === "register") ?? counterparts[0]! };
  const ids = new Set(counterparts.flatMap((existing) => existing.providerIds));
  const byId = row.providerId !== null && ids.has(row.providerId);
  const byPendingLink = !byId && row.pendingProviderId != null && ids.has(row.pendingProviderId);
  if (byId) kinds.add("same-provider-id");
  if (byPendingLink) kinds.add("pending-link");
  if (primary.row.kind === "hidden") kinds.add("hidden");
  const shift = Math.abs(dayNumber(row.date)! - dayNumber(primary.row.date)!);
  if (shift >= 1 && shift <= 3) kinds.add("date-shift-1-3");
  if (shift >= 4) kinds.add("date-shift-4+");
  if (row.description !== primary.row.description) kinds.add("description-rewrite");
  if (primary.row.pending && !row.pending)
    kinds.add(row.amountCents === primary.row.amountCents ? "pending-posted" : "pending-posted-tip");
  if (
    !byId &&
    !byPendingLink &&
    shift === 0 &&
    row.description === primary.row.description &&
    row.amountCents === primary.row.amountCents
  ) {
    kinds.add("new-ids");
  }
}

/** Whether a genuinely new transaction resembles a register row: same merchant or same amount within 10 days. */
function nearbyIndex(existing: TracedRow<ExistingTransaction>[]): (traits: RowTraits, day: number) => boolean {
  const days = existing.map(({ row, traits }) => ({
    day: dayNumber(row.date)!,
    merchant: traits.merchant,
    amount: row.amountCents,
  }));
  return (traits, day) =>
    days.some(
      (entry) =>
        Math.abs(entry.day - day) <= TRUNCATION_EDGE_DAYS &&
        (entry.merchant === traits.merchant || entry.amount === traits.amountCents),
    );
}
