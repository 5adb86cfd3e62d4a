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

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | null | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
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
      const response = await handle(
        new Request("http://localhost/api/webhooks/aggregator", { method: "POST", headers, body: raw }),
      );
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
export async function bankSiteSession(
  institutionId: string,
  username: string,
  password: string,
  aggregatorUrl = sandboxUrl(),
) {
  const base = `${aggregatorUrl}/bank/${institutionId}`;
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

const decodeHtml = (s: string) =>
  s
    .replace(/<[^>]*>/g, " ")
    .replace(/&(amp|lt|gt|quot|#39);/g, (_m, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'" })[e]!)
    .replace(/\s+/g, " ")
    .trim();

/**
 * Drives the sandbox's hosted Connect page as a browser without script would: it reads the
 * page, posts its forms and follows the redirects. Elements are found by their labels and
 * headings, as a person (or a Playwright suite) finds them.
 */
export class ConnectPageVisit {
  status = 0;
  headers = new Headers();
  html = "";
  /** Where the page sent the browser when the session ended (Bankline's redirect URL). */
  leftTo: string | null = null;

  private constructor(readonly url: string) {}

  static async open(url: string) {
    const visit = new ConnectPageVisit(url);
    await visit.load(url);
    return visit;
  }

  private async load(target: string) {
    const res = await fetch(target, { redirect: "manual" });
    this.status = res.status;
    this.headers = res.headers;
    this.html = await res.text();
  }

  get heading(): string {
    return decodeHtml(/<h1>([\s\S]*?)<\/h1>/.exec(this.html)?.[1] ?? "");
  }

  /** The text of the role=alert message, if any. */
  get alert(): string | null {
    const m = /<p[^>]*role="alert"[^>]*>([\s\S]*?)<\/p>/.exec(this.html);
    return m ? decodeHtml(m[1]!) : null;
  }

  /** All the page's text, tags dropped. */
  get text(): string {
    return decodeHtml(this.html.replace(/<(style|title)>[\s\S]*?<\/\1>/g, ""));
  }

  /** The value of the field labelled so (text fields). */
  fieldValue(label: string): string | null {
    const id = [...this.html.matchAll(/<label for="([^"]+)">([\s\S]*?)<\/label>/g)].find(
      (m) => decodeHtml(m[2]!) === label,
    )?.[1];
    if (!id) return null;
    const input = new RegExp(`<input[^>]*id="${id}"[^>]*>`).exec(this.html)?.[0] ?? "";
    return decodeHtml(/value="([^"]*)"/.exec(input)?.[1] ?? "");
  }

  /** The buttons' texts. */
  get buttons(): string[] {
    return [...this.html.matchAll(/<button[^>]*>([\s\S]*?)<\/button>/g)].map((m) => decodeHtml(m[1]!));
  }

  /** Checkboxes and radio buttons with their labels. */
  get options(): { type: string; value: string; label: string; checked: boolean }[] {
    return [...this.html.matchAll(/<label><input type="(checkbox|radio)"([^>]*)>([\s\S]*?)<\/label>/g)].map((m) => ({
      type: m[1]!,
      value: decodeHtml(/value="([^"]*)"/.exec(m[2]!)?.[1] ?? ""),
      label: decodeHtml(m[3]!),
      checked: / checked/.test(m[2]!),
    }));
  }

  /** The legend of the page's group of options (a choice question, the accounts). */
  get legend(): string | null {
    const m = /<legend>([\s\S]*?)<\/legend>/.exec(this.html);
    return m ? decodeHtml(m[1]!) : null;
  }

  get returnLink(): string | null {
    const m = /<a[^>]*href="([^"]*)">Return to Bankline<\/a>/.exec(this.html);
    return m ? decodeHtml(m[1]!) : null;
  }

  /** The step the page's forms belong to. */
  get step(): string {
    return /name="step" value="(\d+)"/.exec(this.html)?.[1] ?? "";
  }

  async search(query: string) {
    await this.load(`${this.url}?search=${encodeURIComponent(query)}`);
  }

  /** Clicks the search result whose text starts with the bank's name. */
  async chooseBank(name: string) {
    const m = [
      ...this.html.matchAll(/<button type="submit" name="institutionId" value="([^"]+)">([\s\S]*?)<\/button>/g),
    ].find((b) => decodeHtml(b[2]!).startsWith(name));
    if (!m) throw new Error(`no search result for ${name}`);
    await this.submit("institution", [["institutionId", decodeHtml(m[1]!)]]);
  }

  signIn(username: string, password: string) {
    return this.submit("sign-in", [
      ["username", username],
      ["password", password],
    ]);
  }

  answer(answer: string) {
    return this.submit("answer", [["answer", answer]]);
  }

  /** Shares the accounts with these labels' starts; by default every box as checked. */
  share(names?: string[]) {
    const chosen = this.options.filter(
      (o) => o.type === "checkbox" && (names ? names.some((n) => o.label.startsWith(n)) : o.checked),
    );
    return this.submit(
      "accounts",
      chosen.map((o): [string, string] => ["accountId", o.value]),
    );
  }

  exit() {
    return this.submit("exit", []);
  }

  /** Posts a form of the current step and follows its redirect. */
  async submit(action: string, fields: [string, string][], step = this.step) {
    const res = await fetch(`${this.url}/${action}`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams([["step", step], ...fields]),
      redirect: "manual",
    });
    await res.body?.cancel();
    const location = res.headers.get("location");
    if (res.status !== 303 || !location) throw new Error(`POST ${action} answered ${res.status}`);
    if (location.startsWith("/connect/")) await this.load(new URL(location, this.url).toString());
    else this.leftTo = location;
  }
}
