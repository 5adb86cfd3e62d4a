// Jittered exponential backoff for transient aggregator failures. "Equal jitter": half of
// the exponential step is fixed, half random, so retries from many processes spread out
// while each still waits a predictable minimum.

export interface RetryPolicy {
  /** Attempts per call, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  /** For maintenance codes (900–907), which clear slowly. */
  slowBaseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 3,
  baseDelayMs: 250,
  slowBaseDelayMs: 2000,
  maxDelayMs: 10_000,
};

/** The wait before attempt `failedAttempts + 1`. */
export function backoffDelay(
  failedAttempts: number,
  policy: RetryPolicy,
  options: { slow?: boolean; random?: () => number } = {},
): number {
  const base = options.slow ? policy.slowBaseDelayMs : policy.baseDelayMs;
  const step = Math.min(policy.maxDelayMs, base * 2 ** (failedAttempts - 1));
  return Math.round(step / 2 + (options.random ?? Math.random)() * (step / 2));
}
