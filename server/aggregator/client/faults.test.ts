import { readFile } from "node:fs/promises";
import { afterEach, describe, expect, inject, it } from "vitest";
import { admin, refOf, sandboxUrl, testClient, uniqueOrg } from "@/server/aggregator/testing/sandbox-helpers";
import { AggregatorError } from "./errors";
import type { LoginRef } from "./types";

// Reliability: latency past the timeout, 500s, dropped connections, an outage and rate
// limits end in the right error and retry schedule, never in a crash of either side or a
// half-written state. Fault rules are scoped to this suite's own logins and institutions.

const rules: string[] = [];
async function fault(rule: object) {
  const { rule: created } = (await admin("POST", "/admin/faults/rules", rule)) as { rule: { id: string } };
  rules.push(created.id);
  return created.id;
}
afterEach(async () => {
  for (const id of rules.splice(0)) await admin("DELETE", `/admin/faults/rules/${id}`).catch(() => {});
});

async function linkedDemo(institutionId = "sandbox-bank-personal"): Promise<LoginRef> {
  const { client } = testClient();
  return refOf(
    await client.link({
      organizationId: uniqueOrg(),
      institutionId,
      credentials: { username: "demo", password: "go" },
    }),
  );
}

async function caught(promise: Promise<unknown>): Promise<AggregatorError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(AggregatorError);
    return err as AggregatorError;
  }
  throw new Error("expected an AggregatorError");
}

function recorder() {
  const retries: { attempt: number; delayMs: number; kind: string; code: number | null }[] = [];
  return {
    retries,
    onRetry: (r: { attempt: number; delayMs: number; error: AggregatorError }) =>
      retries.push({ attempt: r.attempt, delayMs: r.delayMs, kind: r.error.kind, code: r.error.code }),
  };
}

describe("aggregator client under faults", () => {
  it("times out slow answers, retries them with backoff and then succeeds", async () => {
    const ref = await linkedDemo();
    await fault({ match: { loginId: ref.loginId }, latencyMs: 1500, times: 2 });
    const rec = recorder();
    const { client } = testClient({
      timeoutMs: 250,
      retry: { maxAttempts: 3, baseDelayMs: 40 },
      random: () => 0.5,
      onRetry: rec.onRetry,
    });
    const status = await client.getLoginStatus(ref);
    expect(status.statusCode).toBe(0);
    expect(rec.retries).toEqual([
      { attempt: 1, delayMs: 30, kind: "timeout", code: null },
      { attempt: 2, delayMs: 60, kind: "timeout", code: null },
    ]);
  });

  it("gives up after the last attempt with a retryable timeout error", async () => {
    const ref = await linkedDemo();
    await fault({ match: { loginId: ref.loginId }, latencyMs: 1500 });
    const { client } = testClient({ timeoutMs: 200, retry: { maxAttempts: 2 } });
    const started = performance.now();
    const err = await caught(client.listAccounts(ref));
    expect(err).toMatchObject({ kind: "timeout", retryable: true, needsCustomer: false, attempts: 2, code: null });
    expect(performance.now() - started).toBeLessThan(1200);
    expect(err.describe()).toMatchObject({ actor: "nobody", connectionStatus: "ERROR", retry: "backoff" });
  });

  it("retries 500s with growing jittered delays and reports the last one", async () => {
    const ref = await linkedDemo();
    await fault({ match: { loginId: ref.loginId }, errorRate: 1, times: 2 });
    const rec = recorder();
    const { client } = testClient({
      retry: { maxAttempts: 3, baseDelayMs: 20 },
      random: () => 0,
      onRetry: rec.onRetry,
    });
    expect((await client.refresh(ref)).login.statusCode).toBe(0);
    expect(rec.retries.map((r) => [r.kind, r.delayMs])).toEqual([
      ["http", 10],
      ["http", 20],
    ]);

    await fault({ match: { loginId: ref.loginId }, errorRate: 1, errorStatus: 503 });
    const err = await caught(testClient({ retry: { maxAttempts: 3, baseDelayMs: 5 } }).client.refresh(ref));
    expect(err).toMatchObject({ kind: "http", httpStatus: 503, retryable: true, attempts: 3 });
  });

  it("survives dropped connections: retried, and a link retried after a lost answer links once", async () => {
    const org = uniqueOrg();
    const customer = (await (
      await fetch(`${sandboxUrl()}/v1/customers`, {
        method: "POST",
        body: JSON.stringify({ externalId: org }),
        headers: { "content-type": "application/json" },
      })
    ).json()) as { customer: { id: string } };
    // Newest rule first: the first attempt's connection drops; the second's answer comes too
    // late, so the client gives up on it and asks a third time under the same key.
    await fault({ match: { customerId: customer.customer.id, method: "POST" }, latencyMs: 800, times: 1 });
    await fault({ match: { customerId: customer.customer.id, method: "POST" }, dropRate: 1, times: 1 });
    const rec = recorder();
    const { client } = testClient({ timeoutMs: 300, retry: { maxAttempts: 4, baseDelayMs: 10 }, onRetry: rec.onRetry });
    const outcome = await client.link({
      organizationId: org,
      institutionId: "sandbox-bank-personal",
      credentials: { username: "demo", password: "go" },
    });
    expect(outcome.kind).toBe("ok");
    expect(rec.retries.map((r) => r.kind)).toEqual(["network", "timeout"]);
    await new Promise((r) => setTimeout(r, 700)); // the late attempt finishes on the sandbox
    const logins = (await (
      await fetch(`${sandboxUrl()}/v1/customers/${customer.customer.id}/institution-logins`)
    ).json()) as { logins: unknown[] };
    expect(logins.logins).toHaveLength(1);
  });

  it("maps an institution outage to 910, opens the breaker, and closes it once the bank is back", async () => {
    const institutionId = "prairienational-personal";
    const ref = await linkedDemo(institutionId);
    await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: true, affects: "all" });
    try {
      const rec = recorder();
      const { client } = testClient({
        retry: { maxAttempts: 2, baseDelayMs: 5 },
        breaker: { failureThreshold: 4, openMs: 400 },
        onRetry: rec.onRetry,
      });
      const err = await caught(client.refresh(ref));
      expect(err).toMatchObject({ code: 910, retryable: true, needsCustomer: false, attempts: 2 });
      expect(rec.retries.map((r) => r.code)).toEqual([910]);
      expect(err.describe().connectionStatus).toBe("ERROR");
      expect(
        (
          await caught(
            client.link({
              organizationId: uniqueOrg(),
              institutionId,
              credentials: { username: "demo", password: "go" },
            }),
          )
        ).code,
      ).toBe(910);

      // Four failures in a row: the breaker is open and calls fail at once, without a request.
      const started = performance.now();
      const open = await caught(client.refresh(ref));
      expect(open).toMatchObject({ kind: "circuit-open", retryable: true, attempts: 0 });
      expect(performance.now() - started).toBeLessThan(50);
      // Other institutions are not affected.
      expect((await client.getLoginStatus(await linkedDemo())).statusCode).toBe(0);

      await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: false });
      await new Promise((r) => setTimeout(r, 450));
      expect((await client.refresh(ref)).login.statusCode).toBe(0);
      expect((await client.refresh(ref)).login.statusCode).toBe(0);
    } finally {
      await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: false });
    }
  });

  it("never retries codes that need the customer", async () => {
    const rec = recorder();
    const { client } = testClient({ retry: { maxAttempts: 5, baseDelayMs: 5 }, onRetry: rec.onRetry });
    const err = await caught(
      client.link({
        organizationId: uniqueOrg(),
        institutionId: "sandbox-bank-personal",
        credentials: { username: "demo", password: "faults-wrong-password-5772" },
      }),
    );
    expect(err).toMatchObject({ code: 103, attempts: 1 });
    expect(rec.retries).toEqual([]);
  });

  it("waits out a rate limit as the sandbox asks", async () => {
    const ref = await linkedDemo();
    const { customerId } = await testClient().client.getLoginStatus(ref);
    // Slow refill, so even a slow machine uses up the burst before a token comes back.
    await admin("PUT", "/admin/rate-limits", { customerId, perSecond: 0.5, burst: 2 });
    try {
      const rec = recorder();
      const { client } = testClient({ retry: { maxAttempts: 3, baseDelayMs: 5 }, onRetry: rec.onRetry });
      for (let i = 0; i < 3; i++) await client.getLoginStatus(ref);
      expect(rec.retries.map((r) => r.kind)).toEqual(["rate-limited"]);
      expect(rec.retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    } finally {
      await admin("PUT", "/admin/rate-limits", { customerId, perSecond: 0, burst: 1, reset: true });
    }
  });

  it("leaves the sandbox healthy and its state file whole", async () => {
    expect((await fetch(`${sandboxUrl()}/health`)).ok).toBe(true);
    await admin("POST", "/admin/flush");
    const stateFile = inject("aggregatorStateFile");
    if (!stateFile) return;
    await new Promise((r) => setTimeout(r, 100));
    const snapshot = JSON.parse(await readFile(stateFile, "utf8"));
    expect(snapshot).toHaveProperty("logins");
    const journal = await readFile(`${stateFile}.journal`, "utf8");
    for (const line of journal.split("\n").filter(Boolean)) expect(() => JSON.parse(line)).not.toThrow();
  });
});
