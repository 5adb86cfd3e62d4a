import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { inject } from "vitest";
import { HttpAggregatorClient, type HttpAggregatorClientOptions } from "@/server/aggregator/client/http-client";
import type { LoginOutcome, LoginRef } from "@/server/aggregator/client/types";
import { createLogger } from "@/server/log";

// Helpers for tests that drive the running sandbox (started by the global setup).

export const sandboxUrl = () => inject("aggregatorUrl");

export const uniqueOrg = () => `org_test_${randomBytes(5).toString("hex")}`;

/** A client against the test sandbox: short timeouts, no retries unless asked, logs captured. */
export function testClient(options: Partial<HttpAggregatorClientOptions> = {}) {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const client = new HttpAggregatorClient({
    baseUrl: sandboxUrl(),
    timeoutMs: 5000,
    logger: createLogger({ level: "debug", destination }),
    ...options,
    retry: { maxAttempts: 1, baseDelayMs: 10, slowBaseDelayMs: 20, maxDelayMs: 200, ...options.retry },
  });
  return { client, logLines: lines };
}

export async function admin(method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${sandboxUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return res.status === 204 ? null : res.json();
}

export const refOf = (outcome: LoginOutcome): LoginRef => ({
  loginId: outcome.login.loginId,
  institutionId: outcome.login.institutionId,
});

export function isoDaysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface ReceivedWebhook {
  headers: IncomingMessage["headers"];
  raw: string;
  body: { id: string; type: string; sentAt: string; data: Record<string, unknown> };
}

/** A local HTTP endpoint that records webhook deliveries (or hands them to `handle`). */
export async function webhookReceiver(handle?: (req: Request) => Promise<Response>) {
  const received: ReceivedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      received.push({ headers: req.headers, raw, body: JSON.parse(raw) });
      if (!handle) {
        res.writeHead(200).end();
        return;
      }
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
      const response = await handle(new Request("http://localhost/api/webhooks/aggregator", { method: "POST", headers, body: raw }));
      res.writeHead(response.status, { "content-type": "application/json" }).end(await response.text());
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** Signs in at the sandbox bank's own site and returns a fetch bound to that session. */
export async function bankSiteSession(institutionId: string, username: string, password: string) {
  const base = `${sandboxUrl()}/bank/${institutionId}`;
  const res = await fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }),
    redirect: "manual",
  });
  if (res.status !== 303) return null;
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${base}/${path}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie },
      body: new URLSearchParams(form),
      redirect: "manual",
    });
  const home = async () => (await fetch(`${base}/home`, { headers: { cookie } })).text();
  return { post, home };
}
