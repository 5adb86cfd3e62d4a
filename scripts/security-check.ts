import { chmod, mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { MAX_WEBHOOK_BYTES } from "@/server/webhooks/receive-webhook";
import { ATTEMPT_LIMITS } from "@/server/limits/attempts";
import { MAX_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "@/server/trpc/limits";
import { freePort } from "@/server/testing/free-port";
import { buildIfNeeded } from "./lib/build";
import { onShutdownSignal, startStack, type Stack } from "./lib/stack";

// `npm run security:check`: starts the product (production build, a throwaway database with
// demo data, the sandbox, a worker) and probes it over HTTP as an outsider would: one line per
// probe, then `security:check passed=N failed=M`; exit status 1 on any failure.

const log = (message: string) => console.log(`[security:check] ${message}`);
const DEMO_PASSWORD = "bankline-demo";

type Jar = Map<string, string>;
const cookieHeader = (jar: Jar) => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
function keep(jar: Jar, res: Response) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair!.indexOf("=");
    jar.set(pair!.slice(0, at).trim(), pair!.slice(at + 1).trim());
  }
}

let passed = 0;
let failed = 0;
async function probe(name: string, check: () => Promise<void>) {
  try {
    await check();
    passed++;
    console.log(`ok ${name}`);
  } catch (err) {
    failed++;
    console.log(`failed ${name}: ${err instanceof Error ? err.message : String(err)}`);
  }
}
function expect(condition: unknown, why: string): asserts condition {
  if (!condition) throw new Error(why);
}

/**
 * Sends a body in chunks without Content-Length, up to `bytes`, and stops as soon as the
 * server answers: the answer's status and how much had been sent by then.
 */
function sendChunked(url: string, bytes: number, contentType: string): Promise<{ status: number; sent: number }> {
  return new Promise((resolve, reject) => {
    const chunk = Buffer.alloc(64 * 1024, 0x7b);
    let sent = 0;
    let answered = false;
    const req = http.request(
      url,
      { method: "POST", headers: { "content-type": contentType, "transfer-encoding": "chunked" } },
      (res) => {
        answered = true;
        res.resume();
        resolve({ status: res.statusCode ?? 0, sent });
        req.destroy();
      },
    );
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < bytes) {
        sent += chunk.byteLength;
        if (!req.write(chunk)) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

async function signIn(app: string, email: string, jar: Jar = new Map()): Promise<Jar> {
  const csrf = await fetch(`${app}/api/auth/csrf`, { headers: { cookie: cookieHeader(jar) } });
  keep(jar, csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${app}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: cookieHeader(jar),
      "x-forwarded-for": "198.51.100.77",
    },
    body: new URLSearchParams({ csrfToken, email, password: DEMO_PASSWORD, callbackUrl: `${app}/`, json: "true" }),
  });
  keep(jar, res);
  expect(
    [...jar.keys()].some((k) => k.includes("session-token")),
    `signing in as ${email} gave no session cookie (HTTP ${res.status})`,
  );
  return jar;
}

async function trpc(app: string, jar: Jar, pathName: string, input: unknown, method: "GET" | "POST" = "GET") {
  const url =
    method === "GET"
      ? `${app}/api/trpc/${pathName}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`
      : `${app}/api/trpc/${pathName}`;
  const res = await fetch(url, {
    method,
    headers: { cookie: cookieHeader(jar), "content-type": "application/json", "x-forwarded-for": "198.51.100.78" },
    body: method === "POST" ? JSON.stringify({ json: input }) : undefined,
  });
  return {
    res,
    body: (await res.json().catch(() => null)) as {
      result?: unknown;
      error?: { json?: { message?: string; data?: Record<string, unknown> } };
    } | null,
  };
}

async function runProbes(stack: Stack) {
  const app = stack.appUrl;

  await probe("a chunked webhook body past the limit is refused with 413 while it is still being sent", async () => {
    const { status, sent } = await sendChunked(
      `${app}/api/webhooks/aggregator`,
      256 * MAX_WEBHOOK_BYTES,
      "application/json",
    );
    expect(status === 413, `HTTP ${status}`);
    expect(sent < 256 * MAX_WEBHOOK_BYTES, `answered only after all ${sent} bytes`);
  });

  await probe("a chunked tRPC body past the limit is refused with 413 while it is still being sent", async () => {
    const { status, sent } = await sendChunked(
      `${app}/api/trpc/auth.requestPasswordReset`,
      64 * MAX_TRPC_BODY_BYTES,
      "application/json",
    );
    expect(status === 413, `HTTP ${status}`);
    expect(sent < 64 * MAX_TRPC_BODY_BYTES, `answered only after all ${sent} bytes`);
  });

  await probe("a chunked sign-in body past the limit is refused with 413 while it is still being sent", async () => {
    const { status, sent } = await sendChunked(
      `${app}/api/auth/callback/credentials`,
      64 * 1024 * 1024,
      "application/x-www-form-urlencoded",
    );
    expect(status === 413, `HTTP ${status}`);
    expect(sent < 64 * 1024 * 1024, `answered only after all ${sent} bytes`);
  });

  const variants = [
    "//evil.example",
    "/\\evil.example",
    "/\\/evil.example",
    "/\t/evil.example",
    "/.//evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
  ];
  for (const variant of variants) {
    await probe(`the sign-in page keeps ${JSON.stringify(variant)} on the site`, async () => {
      const res = await fetch(`${app}/sign-in?callbackUrl=${encodeURIComponent(variant)}`);
      const html = await res.text();
      const given = [...html.matchAll(/callbackUrl\\?":\\?"([^"\\]*)/g)].map((m) => m[1]);
      expect(given.length > 0, "the page carries no callback");
      expect(
        given.every((url) => url === "/"),
        `the page would go to ${given.join(", ")}`,
      );
    });
  }

  await probe("next-auth's own callback keeps an absolute off-site URL on the site", async () => {
    const jar: Jar = new Map();
    const csrf = await fetch(`${app}/api/auth/csrf`);
    keep(jar, csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const res = await fetch(`${app}/api/auth/callback/credentials`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: cookieHeader(jar),
        "x-forwarded-for": "198.51.100.79",
      },
      body: new URLSearchParams({
        csrfToken,
        email: "owner@riverside.example",
        password: DEMO_PASSWORD,
        callbackUrl: "https://evil.example/",
        json: "true",
      }),
    });
    const { url } = (await res.json()) as { url: string };
    expect(new URL(url).origin === new URL(app).origin, `next-auth answered ${url}`);
  });

  const owner = await signIn(app, "owner@riverside.example");

  await probe("an authenticated page is not cached, has a CSP nonce of its own and may not be framed", async () => {
    const first = await fetch(`${app}/riverside/institutions`, { headers: { cookie: cookieHeader(owner) } });
    const second = await fetch(`${app}/riverside/institutions`, { headers: { cookie: cookieHeader(owner) } });
    const html = await first.text();
    expect(first.status === 200, `HTTP ${first.status}`);
    expect(
      /no-store/.test(first.headers.get("cache-control") ?? ""),
      `Cache-Control: ${first.headers.get("cache-control")}`,
    );
    const csp = first.headers.get("content-security-policy") ?? "";
    const script = csp.split(";").find((d) => d.trim().startsWith("script-src")) ?? "";
    const nonce = /'nonce-([^']+)'/.exec(script)?.[1];
    expect(nonce, `script-src without a nonce: ${script}`);
    expect(!script.includes("'unsafe-inline'"), `script-src allows inline scripts: ${script}`);
    expect(/frame-ancestors 'none'/.test(csp), "frame-ancestors is not 'none'");
    expect(first.headers.get("x-frame-options") === "DENY", `X-Frame-Options: ${first.headers.get("x-frame-options")}`);
    const nextNonce = /'nonce-([^']+)'/.exec(second.headers.get("content-security-policy") ?? "")?.[1];
    expect(nextNonce && nextNonce !== nonce, "two responses carried the same nonce");
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    expect(
      scripts.length > 0 && scripts.every((tag) => tag.includes(`nonce="${nonce}"`)),
      "a script tag lacks the response's nonce",
    );
  });

  await probe("the page the hosted Connect page returns to may be framed by Bankline only", async () => {
    const res = await fetch(`${app}/connect/return`, { headers: { cookie: cookieHeader(owner) } });
    expect(
      /frame-ancestors 'self'/.test(res.headers.get("content-security-policy") ?? ""),
      "frame-ancestors is not 'self'",
    );
    expect(
      res.headers.get("x-frame-options") === "SAMEORIGIN",
      `X-Frame-Options: ${res.headers.get("x-frame-options")}`,
    );
  });

  await probe("an authenticated API answer is not cached and names its request id", async () => {
    const { res } = await trpc(app, owner, "connections.list", { orgSlug: "riverside" });
    expect(res.status === 200, `HTTP ${res.status}`);
    expect(res.headers.get("cache-control") === "no-store", `Cache-Control: ${res.headers.get("cache-control")}`);
    expect(res.headers.get("x-request-id"), "no X-Request-Id");
  });

  await probe(`a batch of ${MAX_BATCH_SIZE + 1} calls is refused`, async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "connections.notices").join(",");
    const input = Object.fromEntries(
      Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => [i, { json: { orgSlug: "riverside" } }]),
    );
    const res = await fetch(`${app}/api/trpc/${paths}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`, {
      headers: { cookie: cookieHeader(owner) },
    });
    expect(res.status === 400, `HTTP ${res.status}`);
  });

  await probe("a deep page asked by number is refused, and page sizes are capped", async () => {
    const accounts = await trpc(app, owner, "feed.accounts", { orgSlug: "riverside" });
    const account = ((accounts.body?.result as { data?: { json?: { id: string }[] } })?.data?.json ?? [])[0];
    expect(account, "no feed account to page through");
    const deep = await trpc(app, owner, "feed.list", {
      orgSlug: "riverside",
      bankAccountId: account.id,
      page: 100_000,
      pageSize: 200,
    });
    expect(deep.res.status === 400, `page 100 000: HTTP ${deep.res.status}`);
    const wide = await trpc(app, owner, "register.entries", {
      orgSlug: "riverside",
      registerId: "x",
      pageSize: 100_000,
    });
    expect(wide.res.status === 400, `page size 100 000: HTTP ${wide.res.status}`);
  });

  await probe("a malformed call is answered without a stack or the server's internals", async () => {
    const res = await fetch(`${app}/api/trpc/connections.list?input=%7Bnot-json`, {
      headers: { cookie: cookieHeader(owner) },
    });
    const text = await res.text();
    expect(res.status >= 400 && res.status < 500, `HTTP ${res.status}`);
    expect(!/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/.test(text), "the answer carries a stack trace");
  });

  await probe(
    `bank sign-in attempts past ${ATTEMPT_LIMITS.credentials.person} an hour ` +
      "are refused with 429 and when to try again",
    async () => {
      let refused: Awaited<ReturnType<typeof trpc>> | null = null;
      for (let i = 0; i <= ATTEMPT_LIMITS.credentials.person; i++) {
        const attempt = await trpc(
          app,
          owner,
          "connections.link",
          {
            orgSlug: "riverside",
            institutionId: "sandbox-bank-personal",
            credentials: { username: "demo", password: `wrong-${i}` },
          },
          "POST",
        );
        if (attempt.res.status === 429) {
          refused = attempt;
          break;
        }
      }
      expect(refused, "no attempt was refused");
      const message = refused.body?.error?.json?.message ?? "";
      const retryAt = (refused.body?.error?.json?.data?.details as { retryAt?: string } | undefined)?.retryAt;
      expect(/Try again after \d{2}:\d{2}/.test(message), `message: ${message}`);
      expect(retryAt && Date.parse(retryAt) > Date.now(), `retryAt: ${retryAt}`);
    },
  );

  await probe("a session cookie replayed after sign-out is refused", async () => {
    const viewer = await signIn(app, "viewer@riverside.example");
    const copy = new Map(viewer);
    expect(
      (await trpc(app, viewer, "connections.notices", { orgSlug: "riverside" })).res.status === 200,
      "the session did not work before sign-out",
    );
    const csrf = await fetch(`${app}/api/auth/csrf`, { headers: { cookie: cookieHeader(viewer) } });
    keep(viewer, csrf);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const out = await fetch(`${app}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookieHeader(viewer) },
      body: new URLSearchParams({ csrfToken, json: "true" }),
    });
    expect(out.status < 400, `sign-out: HTTP ${out.status}`);
    const replay = await trpc(app, copy, "connections.notices", { orgSlug: "riverside" });
    expect(replay.res.status === 401, `the copied cookie still answered HTTP ${replay.res.status}`);
  });
}

async function main() {
  await buildIfNeeded(log);
  const dataDir = await mkdtemp(path.join(tmpdir(), "bankline-security-"));
  await chmod(dataDir, 0o755);
  let stack: Stack | undefined;
  const stop = async () => {
    await stack?.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
  onShutdownSignal(() => void stop().then(() => process.exit(1)));
  try {
    stack = await startStack({
      webPort: Number(process.env.SECURITY_CHECK_PORT ?? (await freePort())),
      sandboxPort: await freePort(),
      dataDir,
      embeddedPgPort: await freePort(),
      databaseUrl: process.env.TEST_DATABASE_URL,
      throwawayDatabase: true,
      seedDemo: true,
      log,
      mailCatcher: { smtpPort: await freePort(), webPort: await freePort() },
      extraEnv: { LOG_LEVEL: process.env.LOG_LEVEL ?? "error" },
    });
    await runProbes(stack);
  } finally {
    await stop();
  }
  console.log(`security:check passed=${passed} failed=${failed}`);
  process.exit(failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(`[security:check] could not run: ${err instanceof Error ? err.stack : String(err)}`);
  console.log(`security:check passed=${passed} failed=${failed + 1}`);
  process.exit(1);
});
