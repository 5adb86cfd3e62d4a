// A token bucket per customer (or per caller address for calls outside a customer), as the
// real aggregators meter their partners. Generous by default so load tests are not
// throttled by accident; tests tighten it for one customer through the admin API.

export interface RateLimitSettings {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RateLimiter {
  private buckets = new Map<string, Bucket>();
  private overrides = new Map<string, RateLimitSettings>();

  constructor(public defaults: RateLimitSettings) {}

  setOverride(key: string, settings: RateLimitSettings | null) {
    if (settings) this.overrides.set(key, settings);
    else this.overrides.delete(key);
    this.buckets.delete(key);
  }

  reset() {
    this.overrides.clear();
    this.buckets.clear();
  }

  /** Takes a token; when none is left, says how long until the next one. */
  take(key: string, now = Date.now()): { ok: true } | { ok: false; retryAfterSeconds: number } {
    const { perSecond, burst } = this.overrides.get(key) ?? this.defaults;
    if (perSecond <= 0) return { ok: true };
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: burst, updatedAt: now };
      if (this.buckets.size > 50_000) this.buckets.clear();
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.updatedAt) / 1000) * perSecond);
    bucket.updatedAt = now;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / perSecond)) };
  }
}
