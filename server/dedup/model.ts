/**
 * The numbers behind the fuzzy score, in one place. The score is a naive-Bayes log-odds: a prior plus one
 * log likelihood ratio per signal, turned into 0..1 with the logistic function. docs/dedup.md explains each
 * value; server/dedup/eval measures them (tuned on seed 1, reported on a held-out seed).
 */
export const MODEL = {
  /** Log-odds before any signal is read, for a pair in the same account with a candidate amount. */
  priorLogOdds: 0.5,

  /** Equal amounts are looked for this many days either side. Wider than any re-link shift seen. */
  maxDateDistanceDays: 10,
  /** At most this many same-amount rows per incoming row are scored, nearest dates first. */
  maxCandidatesPerRow: 12,

  /**
   * How far a re-link or a posting moves a date, as P(distance = d | same transaction). Index = days apart.
   * Most rows keep their date; card purchases move 1–3 days; holds and weekends push a few further.
   */
  shiftProbability: [0.5, 0.2, 0.12, 0.08, 0.04, 0.025, 0.015, 0.01, 0.006, 0.004, 0.003],

  /** A same-amount row is expected at least this rarely (per day), so one row in a short history is not "impossible". */
  minAmountRatePerDay: 1 / 365,
  /** Rates are measured over at least this many days, so a new account's first week does not look busy. */
  minRateSpanDays: 30,

  /** Description similarity s (0..1) adds slope·(s − pivot), clamped to [min, max]. */
  description: { pivot: 0.6, slope: 8, min: -4, max: 2 },

  /** A posted row whose amount grew over a pending row's (tip): allowed growth and its evidence. */
  tip: {
    maxIncreaseRatio: 0.35,
    minDescriptionSimilarity: 0.5,
    /** Log-odds of "changed by a tip" against "a different visit" before the date is read. */
    amountLogOdds: -0.5,
    /** P(posted date − pending date = d), d from −1 to 6. */
    lagProbability: new Map<number, number>([
      [-1, 0.03], [0, 0.2], [1, 0.35], [2, 0.22], [3, 0.11], [4, 0.05], [5, 0.025], [6, 0.015],
    ]),
    /** Density of an unrelated same-merchant posting at a given lag, the alternative explanation. */
    coincidenceLogDensity: Math.log(0.12),
  },

  /** Same check number but different amounts: most likely a typo in a hand-entered register entry. */
  checkAmountMismatchLogOdds: 0.6,
  checkWindowDays: 120,

  /** Probability thresholds of the tiers. */
  duplicateThreshold: 0.9,
  possibleThreshold: 0.5,
} as const;

export function logistic(logOdds: number): number {
  return 1 / (1 + Math.exp(-logOdds));
}

export const possibleLogOdds = Math.log(MODEL.possibleThreshold / (1 - MODEL.possibleThreshold));
