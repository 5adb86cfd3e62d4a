import { describe, expect, it } from "vitest";
import { CircuitBreakers } from "./circuit-breaker";
import { AggregatorError } from "./errors";
import { backoffDelay, DEFAULT_RETRY_POLICY } from "./retry";

describe("retry backoff", () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, slowBaseDelayMs: 1000, maxDelayMs: 1500 };

  it("grows exponentially with half of each step jittered, up to the cap", () => {
    const low = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, { random: () => 0 }));
    const high = [1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, { random: () => 0.999999 }));
    expect(low).toEqual([50, 100, 200, 400, 750]);
    expect(high).toEqual([100, 200, 400, 800, 1500]);
    for (let i = 0; i < 100; i++) {
      const d = backoffDelay(2, policy);
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(200);
    }
  });

  it("waits longer for maintenance codes", () => {
    expect(backoffDelay(1, policy, { slow: true, random: () => 0 })).toBe(500);
  });
});

describe("circuit breaker per institution", () => {
  it("opens after consecutive failures, lets one trial through after the pause, and closes on success", () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 3, openMs: 1000, now: () => now });
    for (let i = 0; i < 2; i++) breakers.failure("bank-a");
    expect(breakers.state("bank-a")).toBe("closed");
    breakers.failure("bank-a");
    expect(breakers.state("bank-a")).toBe("open");
    expect(breakers.tryAcquire("bank-a")).toEqual({ ok: false, retryInMs: 1000 });
    expect(breakers.tryAcquire("bank-b")).toEqual({ ok: true });

    now = 1000;
    expect(breakers.state("bank-a")).toBe("half-open");
    expect(breakers.tryAcquire("bank-a").ok).toBe(true);
    expect(breakers.tryAcquire("bank-a").ok).toBe(false); // one trial at a time
    breakers.success("bank-a");
    expect(breakers.state("bank-a")).toBe("closed");
  });

  it("reopens when the trial fails, and a success in between resets the count", () => {
    let now = 0;
    const breakers = new CircuitBreakers({ failureThreshold: 2, openMs: 500, now: () => now });
    breakers.failure("x");
    breakers.success("x");
    breakers.failure("x");
    expect(breakers.state("x")).toBe("closed");
    breakers.failure("x");
    now = 600;
    expect(breakers.tryAcquire("x").ok).toBe(true);
    breakers.failure("x");
    expect(breakers.state("x")).toBe("open");
  });
});

describe("aggregator errors", () => {
  it("classify retryable and customer failures and keep secrets out", () => {
    const e103 = new AggregatorError({
      kind: "status",
      operation: "link",
      code: 103,
      providerMessage: "bad password hunter2-secret for demo",
      secrets: ["hunter2-secret"],
    });
    expect(e103).toMatchObject({ retryable: false, needsCustomer: true });
    expect(e103.providerMessage).toBe("bad password [redacted] for demo");
    expect(JSON.stringify(e103)).not.toContain("hunter2-secret");
    expect(new AggregatorError({ kind: "status", operation: "refresh", code: 903 }).retryable).toBe(true);
    expect(new AggregatorError({ kind: "timeout", operation: "refresh" }).retryable).toBe(true);
    expect(new AggregatorError({ kind: "http", operation: "refresh", httpStatus: 500 }).retryable).toBe(true);
    expect(new AggregatorError({ kind: "http", operation: "refresh", httpStatus: 400 }).retryable).toBe(false);
    const down = new AggregatorError({ kind: "network", operation: "refresh" });
    expect(down.describe()).toMatchObject({ actor: "nobody", retry: "backoff", connectionStatus: "ERROR" });
  });
});

describe("isAggregatorError", () => {
  it("recognises an AggregatorError from another copy of the module (a page's and a route's bundles) and nothing else", async () => {
    const { isAggregatorError, AggregatorError } = await import("./errors");
    const fromAnotherCopy = Object.assign(new Error("refresh failed"), {
      [Symbol.for("bankline.AggregatorError")]: true,
    });
    expect(isAggregatorError(fromAnotherCopy)).toBe(true);
    expect(isAggregatorError(new AggregatorError({ kind: "status", operation: "link", code: 103 }))).toBe(true);
    expect(isAggregatorError(new Error("link failed"))).toBe(false);
    expect(isAggregatorError(null)).toBe(false);
  });
});
