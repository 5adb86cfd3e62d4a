/**
 * The numbers behind the fuzzy score, in one place. The score is a naive-Bayes log-odds: a prior plus one
 * log likelihood ratio per signal, turned into 0..1 with the logistic function. docs/dedup.md explains each
 * value; server/dedup/eval measures them (tuned on one seed, reported on a held-out seed).
 */
export const MODEL = {
  /** Log-odds before any signal is read, for a pair in the same account with a candidate amount. */
  priorLogOdds: 0.5,

  /** Equal amounts are looked for this many days either side. Wider than any re-link shift seen. */
  maxDateDistanceDays: 10,
  /** At most this many same-amount rows per incoming row are scored: the same merchant's first, then the nearest. */
  maxCandidatesPerRow: 12,
  /** …chosen from at most this many same-amount rows nearest in date. */
  maxRowsScannedPerAmount: 64,

  /**
   * P(|incoming date − existing date| = d | same transaction), index = d, before the batch has taught us
   * anything. Most rows keep their date; card purchases move 1–3 days; holds and weekends push a few further.
   */
  shiftProbability: [0.5, 0.2, 0.12, 0.08, 0.04, 0.025, 0.015, 0.01, 0.006, 0.004, 0.003],
  /**
   * A row pending in the register met again still pending: an authorization has no posting day, so every
   * connection shows the day it happened (a day apart at most, across a cut-off). P(|d|), index = |d|.
   */
  stillPendingShiftProbability: [0.85, 0.12, 0.02, 0.005, 0.002, 0.001],
  /**
   * The batch's own date offsets, read from unambiguous pairs, replace the prior above as they accumulate:
   * a re-link that dates by posting day instead of purchase day moves every card row forward, never back.
   * The prior counts as this many observed pairs.
   */
  offsetPriorWeight: 20,
  /**
   * An entry typed by hand, met by the bank's row: P(bank day − typed day = d), `later` for d = 0, 1, …, `earlier`
   * for d = −0, −1, …. The bookkeeper types the day it happened; the bank posts it then or days later.
   */
  typedShiftProbability: {
    later: [0.5, 0.17, 0.09, 0.06, 0.035, 0.02, 0.012, 0.008, 0.005, 0.004, 0.003],
    earlier: [0.5, 0.05, 0.02, 0.01, 0.004, 0.002, 0.001, 0.001, 0.001, 0.001, 0.001],
  },
  /** Learned offsets never fall below this share of the prior. */
  offsetFloor: 0.5,
  /** Pairs taught from: confident, and the only candidate of both rows. */
  anchorMinScore: 0.9,

  /**
   * A same-amount row is expected at least this rarely (per day), so one row in a short history is not "impossible".
   */
  minAmountRatePerDay: 1 / 365,
  /** Rates are measured over at least this many days, so a new account's first week does not look busy. */
  minRateSpanDays: 30,
  /** An amount is on a schedule when at least this many gaps between its transactions are known… */
  minGapsForPeriod: 4,
  /** …this share of them lie close to one period (±2 days, ±3 for a month)… */
  minRegularity: 0.6,
  /** …and that period is 6 days or more (daily coffee is not a schedule). */
  minPeriodDays: 6,
  /** A description names the purchase day ("AUTHORIZED ON 03/11") and the other row's date cannot be it. */
  authorizedElsewhenLogOdds: -3.5,
  /** Both descriptions carry reference numbers (or dates) and none agree. */
  numbersDisagreeLogOdds: -3.5,

  /**
   * Share of an amount's transactions that are one merchant's, as the description weight below assumes; the
   * incoming merchant's actual share (smoothed with `weight` rows at `typical`) moves the weight of a
   * same-merchant pair by log(typical / share), clamped to [min, max]; from `reasonFrom` on it is a reason.
   */
  merchantShare: { typical: 0.135, weight: 2, min: 0, max: 3, reasonFrom: 0.5 },

  /**
   * Description similarity s (0..1) adds slope·(s − pivot), clamped to [min, max]; against an entry typed by
   * hand, to [byHandMin, max].
   */
  description: { pivot: 0.6, slope: 8, min: -4, max: 2, byHandMin: -1.5 },

  /**
   * A register row imported while pending, met again posted: P(posted date − pending date = d), d from −1.
   * Depends on whether the feed dates by purchase or posting day, so it is wider than a single convention.
   */
  postingLagProbability: new Map<number, number>([
    [-1, 0.02],
    [0, 0.3],
    [1, 0.3],
    [2, 0.17],
    [3, 0.1],
    [4, 0.05],
    [5, 0.03],
    [6, 0.015],
    [7, 0.01],
    [8, 0.005],
    [9, 0.005],
    [10, 0.005],
  ]),

  /** A posted row whose amount grew over a pending row's (tip): allowed growth and its evidence. */
  tip: {
    maxIncreaseRatio: 0.35,
    minDescriptionSimilarity: 0.5,
    /**
     * Log-odds of "changed by a tip" against "a different visit" before the date and the merchant's frequency are read.
     */
    amountLogOdds: -1,
    /** Share of a merchant's other visits whose amount would also fall inside the tip band. */
    bandShare: 0.4,
  },

  /**
   * A check the bank shows ("CHECK 1043") against a register entry without a check number, typed by hand
   * with the payee as description when the check was written: P(bank date − register date = d).
   */
  checkClearing: { fromDays: -3, toDays: 30, peakFrom: 2, peakTo: 14, peak: 0.058, shoulder: 0.012, tail: 0.004 },

  /** The bank's "CHECK 1043" says nothing about the payee, so a different wording costs at most this. */
  checkClearingMinDescriptionLogOdds: -1,

  /** Same check number but different amounts: most likely a typo in a hand-entered register entry. */
  checkAmountMismatchLogOdds: 0.6,
  checkWindowDays: 120,

  /**
   * Added to every flaggable pair in the assignment, so two plausible pairs beat one strong pair and an
   * orphan: identical coffees whose dates moved should all find a register entry.
   */
  pairBonus: 2,

  /**
   * Link continuity. When a batch comes from the connection that already gave the register its ids (a refresh,
   * not a re-link), that connection sends a row it still shows under the same id; an existing row from a bank
   * feed that its ids left unclaimed is then unlikely to be a fuzzy match. Its log-odds is the log of the
   * share of the other such rows within the batch's days the ids did not claim, smoothed: (unclaimed + 1) /
   * (rows + 1). Posted and pending rows are measured apart (some connections do not link a posted row to its
   * pending id, and then their pending rows come back unnamed).
   */
  continuityMinLogOdds: -5,
  /** Longest posting lag: a pending row dated this long before a batch may still come back in it, posted. */
  maxPostingLagDays: 10,
  /** A continuity term at or below this is named among the reasons. */
  continuityReasonBelow: -1,

  /**
   * A pair whose amount no other row has within the date window, on either side, dated at most `maxDays`
   * apart, is at least a possible duplicate, whatever the descriptions say (unless their numbers disagree).
   */
  onlyOneNearby: { maxDays: 2, floorLogOdds: 0.4 },

  /**
   * An entry typed by hand at the whole-dollar amount of the bank's ($45 for $44.87): how much likelier the same
   * transaction types its amount that way than exactly, as log-odds.
   */
  rounded: { amountLogOdds: -2 },

  /** Probability thresholds of the tiers. */
  duplicateThreshold: 0.9,
  possibleThreshold: 0.5,
} as const;

export function logistic(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

export const possibleLogOdds = Math.log(MODEL.possibleThreshold / (1 - MODEL.possibleThreshold));

export function checkClearingProbability(offset: number): number {
  const { fromDays, toDays, peakFrom, peakTo, peak, shoulder, tail } = MODEL.checkClearing;
  if (offset < fromDays || offset > toDays) return 0;
  if (offset >= peakFrom && offset <= peakTo) return peak;
  if (offset < peakFrom || offset <= peakTo + 7) return shoulder;
  return tail;
}
