import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import type { LoginRef } from "@/server/aggregator/client/types";
import { webhookReceiver } from "@/server/aggregator/testing/sandbox-helpers";
import { createLogger } from "@/server/log";
import { verifyWebhookSignature } from "@/server/webhooks/signature";
import { sandboxConfigFromEnv } from "./config";
import { isLoopback, startSandbox, type Sandbox } from "./server";

// The sandbox started in this process, for what needs a private instance: restarts on the
// same state file, load, webhook redelivery and client authentication.

const silent = createLogger({ level: "silent" });
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sandbox-server-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function start(env: Record<string, string> = {}): Promise<Sandbox> {
  return startSandbox(
    sandboxConfigFromEnv({
      SANDBOX_PORT: "0",
      SANDBOX_STATE_FILE: path.join(dir, "state.json"),
      AGGREGATOR_WEBHOOK_SECRET: "server-test-secret-0123456789",
      ...env,
    }),
    { log: silent },
  );
}

const clientFor = (sandbox: Sandbox, extra: Partial<ConstructorParameters<typeof HttpAggregatorClient>[0]> = {}) =>
  new HttpAggregatorClient({ baseUrl: sandbox.url, logger: silent, retry: { maxAttempts: 1 }, ...extra });

async function pool<T>(items: T[], concurrency: number, work: (item: T) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

describe("sandbox service", () => {
  it("keeps linked logins, their ids and their data across a restart", async () => {
    let sandbox = await start();
    let client = clientFor(sandbox);
    const outcome = await client.link({
      organizationId: "org-restart",
      institutionId: "sandbox-bank-personal",
      credentials: { username: "demo", password: "go" },
    });
    const ref: LoginRef = { loginId: outcome.login.loginId, institutionId: "sandbox-bank-personal" };
    const accounts = await client.listAccounts(ref);
    const txns = await client.getTransactions({
      ...ref,
      accountId: accounts[0]!.id,
      from: "2000-01-01",
      to: "2100-01-01",
    });
    await sandbox.close();

    sandbox = await start();
    client = clientFor(sandbox);
    expect((await client.listAccounts(ref)).map((a) => a.id)).toEqual(accounts.map((a) => a.id));
    const again = await client.getTransactions({
      ...ref,
      accountId: accounts[0]!.id,
      from: "2000-01-01",
      to: "2100-01-01",
    });
    expect(again.map((t) => t.id)).toEqual(txns.map((t) => t.id));
    expect((await client.refresh(ref)).login.statusCode).toBe(0);
    await sandbox.close();
    const state = await readFile(path.join(dir, "state.json"), "utf8");
    expect(JSON.parse(state).logins[ref.loginId].username).toBe("demo");
  });

  it("refreshes thousands of logins concurrently without serializing on its state", async () => {
    const sandbox = await start({ SANDBOX_STATE_FILE: path.join(dir, "load.json"), SANDBOX_RATE_LIMIT_PER_SEC: "0" });
    try {
      const { customer } = sandbox.engine.upsertCustomer({ externalId: "org-load" });
      const refs = Array.from({ length: 5000 }, () => {
        const o = sandbox.engine.link(customer.id, {
          institutionId: "sandbox-bank-personal",
          credentials: { username: "demo", password: "go" },
        });
        return o.login.id;
      });
      const client = clientFor(sandbox);
      const refresh = (loginId: string) => client.refresh({ loginId, institutionId: "sandbox-bank-personal" });

      let started = performance.now();
      await pool(refs, 50, refresh);
      const plainMs = performance.now() - started;
      expect(plainMs).toBeLessThan(15_000);

      // With 50 ms of latency per request, 1 000 refreshes at 50 in flight take about 1 s.
      sandbox.faults.defaults = { ...sandbox.faults.defaults, latencyMs: 50 };
      started = performance.now();
      await pool(refs.slice(0, 1000), 50, refresh);
      const slowMs = performance.now() - started;
      expect(slowMs).toBeGreaterThanOrEqual(1000);
      expect(slowMs).toBeLessThan(4000);
    } finally {
      await sandbox.close();
    }
  }, 60_000);

  it("answers balances that agree with the accounts' transactions from one refresh to the next", async () => {
    const sandbox = await start();
    try {
      const client = clientFor(sandbox);
      // Several bank users, so some purchase of the last days posts with a tip whatever the date.
      const personal = (await client.searchInstitutions({ variant: "PERSONAL", limit: 8 })).institutions;
      const logins = [
        ...personal.map((i) => [i.id, "demo"] as const),
        ["sandbox-bank-business", "demo_business"] as const,
      ];
      let tipsPosted = 0;
      const seenPending = new Map<string, number>();
      for (const [institutionId, username] of logins) {
        const outcome = await client.link({
          organizationId: `org-balance-${username}`,
          institutionId,
          credentials: { username, password: "go" },
        });
        const ref: LoginRef = { loginId: outcome.login.loginId, institutionId };
        // The balance less every transaction shown is the balance before the window: the same whatever posted since.
        const before = new Map<string, number>();
        for (let i = 0; i < 4; i++) {
          for (const account of await client.listAccounts(ref)) {
            const txns = await client.getTransactions({
              ...ref,
              accountId: account.id,
              from: "2000-01-01",
              to: "2100-01-01",
            });
            const opening = account.balanceCents! - txns.reduce((sum, t) => sum + t.amountCents, 0);
            expect(opening).toBe(before.get(account.id) ?? opening);
            before.set(account.id, opening);
            for (const t of txns) {
              if (t.pending) seenPending.set(t.id, t.amountCents);
              else if (
                t.pendingTransactionId &&
                seenPending.has(t.pendingTransactionId) &&
                seenPending.get(t.pendingTransactionId) !== t.amountCents
              ) {
                tipsPosted++;
                seenPending.delete(t.pendingTransactionId);
              }
            }
          }
          expect((await client.refresh(ref)).login.statusCode).toBe(0);
        }
        expect(before.size).toBe(username === "demo" ? 2 : 3);
      }
      expect(tipsPosted).toBeGreaterThan(0);
    } finally {
      await sandbox.close();
    }
  });

  it("tells what it adds to each request beyond the latency it injects", async () => {
    const sandbox = await start({ SANDBOX_LATENCY_MS: "40" });
    try {
      const client = clientFor(sandbox);
      const outcome = await client.link({
        organizationId: "org-stats",
        institutionId: "sandbox-bank-personal",
        credentials: { username: "demo", password: "go" },
      });
      await fetch(`${sandbox.url}/admin/stats`, { method: "DELETE" });
      for (let i = 0; i < 3; i++)
        await client.refresh({ loginId: outcome.login.loginId, institutionId: "sandbox-bank-personal" });
      const stats = await (await fetch(`${sandbox.url}/admin/stats`)).json();
      const refresh = stats.routes["POST /v1/institution-logins/:loginId/refresh"];
      expect(refresh.count).toBe(3);
      expect(refresh.waitMs.p50).toBeLessThan(40);
      expect(refresh.workMs.max).toBeGreaterThan(0);
      expect(stats.routes["POST /v1/customers"]).toBeUndefined();
      await fetch(`${sandbox.url}/admin/stats`, { method: "DELETE" });
      expect((await (await fetch(`${sandbox.url}/admin/stats`)).json()).routes).toEqual({});
    } finally {
      await sandbox.close();
    }
  });

  it("replays a write retried under the same idempotency key", async () => {
    const sandbox = await start();
    try {
      const { customer } = sandbox.engine.upsertCustomer({ externalId: "org-idem" });
      const post = () =>
        fetch(`${sandbox.url}/v1/customers/${customer.id}/institution-logins`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": "key-1" },
          body: JSON.stringify({
            institutionId: "sandbox-bank-personal",
            credentials: { username: "demo", password: "go" },
          }),
        });
      const first = await post();
      const second = await post();
      expect(second.headers.get("idempotent-replayed")).toBe("true");
      expect((await second.json()).login.id).toBe((await first.json()).login.id);
      expect(sandbox.engine.customerLogins(customer.id)).toHaveLength(1);
    } finally {
      await sandbox.close();
    }
  });

  it("redelivers a refused webhook under the same event id, signed", async () => {
    let calls = 0;
    const hook = await webhookReceiver(async () => new Response(null, { status: ++calls === 1 ? 500 : 200 }));
    const sandbox = await start({ SANDBOX_WEBHOOK_RETRY_MS: "20" });
    try {
      const client = clientFor(sandbox, { customerWebhookUrl: hook.url });
      await client.link({
        organizationId: "org-hook",
        institutionId: "sandbox-bank-personal",
        credentials: { username: "demo", password: "go" },
      });
      for (let i = 0; i < 100 && hook.received.length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      expect(hook.received).toHaveLength(2);
      expect(hook.received[0]!.body.id).toBe(hook.received[1]!.body.id);
      for (const r of hook.received) {
        expect(
          verifyWebhookSignature(r.raw, r.headers["x-aggregator-signature"] as string, "server-test-secret-0123456789"),
        ).toBe(true);
      }
    } finally {
      await sandbox.close();
      await hook.close();
    }
  });

  it("requires client credentials when configured", async () => {
    const sandbox = await start({ SANDBOX_CLIENT_ID: "bankline", SANDBOX_CLIENT_SECRET: "s3cret-client-secret" });
    try {
      const anonymous = clientFor(sandbox);
      await expect(anonymous.searchInstitutions()).rejects.toMatchObject({
        kind: "http",
        httpStatus: 401,
        retryable: false,
      });
      const authed = clientFor(sandbox, { clientId: "bankline", clientSecret: "s3cret-client-secret" });
      expect((await authed.searchInstitutions()).total).toBeGreaterThan(40);
    } finally {
      await sandbox.close();
    }
  });

  it("answers its admin endpoints for loopback callers only", () => {
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].every(isLoopback)).toBe(true);
    expect(["10.0.0.5", "192.168.1.2", "::ffff:10.1.1.1", undefined].some(isLoopback)).toBe(false);
  });
});
