// Whether an attempt the aggregator reports is one Bankline has not settled yet. The
// aggregator's times come from its clock, ours from ours; comparing the two needs a margin
// for skew, and within that margin an attempt made a second before ours looks like ours. So
// the aggregator's time of the last attempt Bankline settled (Connection.providerAttemptAt)
// decides first, clock against the same clock, and ours only bounds it from below.

/** How far the aggregator's clock may lag ours. */
export const CLOCK_SKEW_MS = 2_000;

export interface KnownAttempts {
  /** The aggregator's time of the last attempt Bankline settled; null when never recorded. */
  providerAttemptAt: Date | null;
  /** When Bankline started the attempt it is waiting for (our clock). */
  startedAt: Date | null;
}

/** The aggregator saw an attempt after the last one Bankline settled, and not before Bankline's own began. */
export function aggregatorSawNewAttempt(reportedAttemptAt: Date | null, known: KnownAttempts): boolean {
  if (!reportedAttemptAt) return false;
  if (known.providerAttemptAt && reportedAttemptAt.getTime() <= known.providerAttemptAt.getTime()) return false;
  return !known.startedAt || reportedAttemptAt.getTime() >= known.startedAt.getTime() - CLOCK_SKEW_MS;
}
