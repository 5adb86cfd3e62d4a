// A circuit breaker per institution. After `failureThreshold` transient failures in a row
// (network errors, timeouts, 5xx, 102, 900–910) calls for that institution fail at once
// for `openMs`; then one trial call is let through, and its outcome closes or reopens it.
// Answers that need the customer (103 …) show the bank is reachable and count as success.
//
// The state lives in process memory on purpose: it only sheds load, it is not needed for
// correctness, so each web or worker process learning an outage on its own costs at most
// `failureThreshold` failed calls per process and period. Sharing it through PostgreSQL
// would add a database round trip to every aggregator call. The durable, shared view of a
// failing bank is Institution.knownIssueSince, kept by the jobs.

export type BreakerState = "closed" | "open" | "half-open";

export interface BreakerOptions {
  failureThreshold: number;
  openMs: number;
  now?: () => number;
}

export const DEFAULT_BREAKER_OPTIONS: BreakerOptions = { failureThreshold: 5, openMs: 30_000 };

interface Circuit {
  failures: number;
  openedAt: number | null;
  trialInFlight: boolean;
}

export class CircuitBreakers {
  private circuits = new Map<string, Circuit>();

  constructor(private readonly options: BreakerOptions = DEFAULT_BREAKER_OPTIONS) {}

  private now() {
    return (this.options.now ?? Date.now)();
  }

  state(key: string): BreakerState {
    const c = this.circuits.get(key);
    if (!c || c.openedAt === null) return "closed";
    return this.now() - c.openedAt >= this.options.openMs ? "half-open" : "open";
  }

  /** Whether a call may go out now; in half-open state only one trial at a time. */
  tryAcquire(key: string): { ok: true } | { ok: false; retryInMs: number } {
    const c = this.circuits.get(key);
    if (!c || c.openedAt === null) return { ok: true };
    const elapsed = this.now() - c.openedAt;
    if (elapsed < this.options.openMs) return { ok: false, retryInMs: this.options.openMs - elapsed };
    if (c.trialInFlight) return { ok: false, retryInMs: 1000 };
    c.trialInFlight = true;
    return { ok: true };
  }

  success(key: string) {
    this.circuits.delete(key);
  }

  failure(key: string) {
    const c = this.circuits.get(key) ?? { failures: 0, openedAt: null, trialInFlight: false };
    c.failures++;
    if (c.trialInFlight || c.failures >= this.options.failureThreshold) c.openedAt = this.now();
    c.trialInFlight = false;
    this.circuits.set(key, c);
  }

  reset() {
    this.circuits.clear();
  }
}
