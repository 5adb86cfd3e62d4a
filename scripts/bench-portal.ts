import { throwawayDatabase } from "./lib/bench-database";
import { randomBytes } from "node:crypto";
import http from "node:http";
import { loadavg } from "node:os";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import autocannon from "autocannon";
import { migrate } from "@/server/db/migrate";
import { freePort } from "@/server/testing/free-port";
import { BENCH_ORGS, BENCH_PASSWORD, benchOwner, seedPortalBench, type BenchOwner } from "./lib/bench-portal-seed";
import { buildIfNeeded } from "./lib/build";
import { cpuMsOf } from "./lib/process-cpu";
import { signInOverHttp } from "./lib/http-sign-in";
import { spawnWeb, stopChildren, waitForUrl, type Child } from "./lib/processes";

// `npm run bench:portal`: the production build (`npm run web`) against a database of realistic
// size (scripts/lib/bench-portal-seed.ts), signed in as several owners, driven with the portal's
// own tRPC calls by autocannon beside a bare route (`/api/health`: one `SELECT 1`) and, for
// reference, a signed-in tRPC call with no list (`auth.signInState`), at 1, 10 and 100 connections
// (at 10, with the CPU each request cost the web process and PostgreSQL, read from /proc); then
// each portal page is loaded in Chromium and its JavaScript summed, in bytes received (Brotli, as
// the server sends it to a browser that accepts it; gzip beside it). Ends with the line the
// targets are read from (docs/performance.md):
//   bench:portal ratio=<lowest procedure rps / bare rps> p50_ms=<slowest procedure's median server time, one
//   request at a time (its Server-Timing)> p97_5_ms=<worst at 100 connections> first_load_js_kb=<largest page>
// BENCH_DATABASE_URL: a PostgreSQL server to use instead of an embedded one.
// BENCH_CPU_PROF=<dir>: the web process writes a V8 CPU profile there when it stops.
// BENCH_ONLY=<procedure,…>: only these procedures (and the two references), e.g. for a profile of one.
// BENCH_ONLY=first-load: no load at all, only each page's JavaScript; BENCH_JS_FILES=1 lists each
// page's scripts with their sizes.

const OWNERS = 5;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

const say = (message: string) => console.log(`[bench] ${message}`);
/** What Chromium asks for: the portal's answers are compressed for it as for a browser. */
const ACCEPT_ENCODING = "gzip, deflate, br, zstd";

interface Target {
  name: string;
  /** The request path for an owner (every request goes to the next owner, with their cookie). */
  path: (owner: SignedIn) => string;
}

interface SignedIn extends BenchOwner {
  cookie: string;
}

const trpcGet = (procedure: string, input: (o: SignedIn) => object | undefined) => (o: SignedIn) =>
  `/api/trpc/${procedure}?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: input(o) } }))}`;

const bare: Target = { name: "bare /api/health", path: () => "/api/health" };
/**
 * For reference, outside the ratio: a signed-in tRPC call with no list (the session read, tRPC's
 * handling and a one-field answer), what every list costs before its own statement.
 */
const sessionOnly: Target = { name: "tRPC session only", path: trpcGet("auth.signInState", () => undefined) };
const procedures: Target[] = [
  { name: "connections.list", path: trpcGet("connections.list", (o) => ({ orgSlug: o.orgSlug })) },
  { name: "feed.accounts", path: trpcGet("feed.accounts", (o) => ({ orgSlug: o.orgSlug })) },
  {
    name: "feed.list",
    path: trpcGet("feed.list", (o) => ({
      orgSlug: o.orgSlug,
      bankAccountId: o.bankAccountId,
      view: "review",
      page: 1,
      pageSize: 50,
    })),
  },
  { name: "register.list", path: trpcGet("register.list", (o) => ({ orgSlug: o.orgSlug })) },
  {
    name: "register.entries",
    path: trpcGet("register.entries", (o) => ({ orgSlug: o.orgSlug, registerId: o.registerId, page: 1, pageSize: 50 })),
  },
];
const pages = ["institutions", "feed", "register", "members", "settings"];
/** Measured beside the portal: the page every visit starts from, signed out. */
const SIGN_IN = "sign-in";

interface Measured {
  rps: number;
  /** Latency as the client saw it: the server's time, the socket's delivery and the client's own. */
  p50: number;
  p975: number;
  /**
   * One at a time, for tRPC: the server's own time for the answer (its Server-Timing header's total), and the
   * median of its session read (the header's `session`).
   */
  server?: { p50: number; p975: number; sessionP50: number | null };
  non2xx: number;
  /** CPU milliseconds per request in the web process and in PostgreSQL, from /proc (under load only). */
  cpu?: { web: number; database: number } | null;
}

/** One part's time from a Server-Timing header (server/http/trpc-node.ts), if it has it. */
const serverTimingOf = (header: string, part: "total" | "session") => {
  const found = header && new RegExp(`(?:^|,\\s*)${part};(?:desc="[^"]*";)?dur=([\\d.]+)`).exec(header);
  return found ? Number(found[1]) : null;
};

/**
 * One request at a time, timed to the microsecond (autocannon's latencies are whole milliseconds),
 * with the server's own time for each tRPC answer beside the client's.
 */
async function oneAtATime(baseUrl: string, target: Target, owners: SignedIn[], seconds: number): Promise<Measured> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  const serverTimes: number[] = [];
  const sessionTimes: number[] = [];
  let failed = 0;
  const until = performance.now() + seconds * 1000;
  for (let i = 0; performance.now() < until; i++) {
    const owner = owners[i % owners.length]!;
    const started = performance.now();
    const status = await new Promise<number>((resolve, reject) => {
      const req = http.get(
        `${baseUrl}${target.path(owner)}`,
        { agent, headers: { cookie: owner.cookie, "accept-encoding": ACCEPT_ENCODING } },
        (res) => {
          const timing = [res.headers["server-timing"] ?? ""].flat().join(", ");
          const server = serverTimingOf(timing, "total");
          const session = serverTimingOf(timing, "session");
          if (server !== null) serverTimes.push(server);
          if (session !== null) sessionTimes.push(session);
          res.resume();
          res.on("end", () => resolve(res.statusCode ?? 0));
        },
      );
      req.on("error", reject);
    });
    times.push(performance.now() - started);
    if (status < 200 || status >= 300) failed++;
  }
  agent.destroy();
  const quantile = (values: number[], q: number) =>
    values.sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!;
  return {
    rps: times.length / seconds,
    p50: quantile(times, 0.5),
    p975: quantile(times, 0.975),
    ...(serverTimes.length === times.length
      ? {
          server: {
            p50: quantile(serverTimes, 0.5),
            p975: quantile(serverTimes, 0.975),
            sessionP50: sessionTimes.length ? quantile(sessionTimes, 0.5) : null,
          },
        }
      : {}),
    non2xx: failed,
  };
}

async function load(
  baseUrl: string,
  target: Target,
  owners: SignedIn[],
  connections: number,
  seconds: number,
  webPid?: number,
): Promise<Measured> {
  let next = 0;
  const cpuNow = () => {
    const web = webPid === undefined ? null : cpuMsOf({ rootPid: webPid });
    const database = cpuMsOf({ command: "postgres" });
    return web === null || database === null ? null : { web, database };
  };
  const cpuBefore = cpuNow();
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req) => {
          const owner = owners[next++ % owners.length]!;
          return {
            ...req,
            method: "GET",
            path: target.path(owner),
            headers: { ...req.headers, cookie: owner.cookie, "accept-encoding": ACCEPT_ENCODING },
          };
        },
      },
    ],
  });
  const cpuAfter = cpuNow();
  const requests = Math.max(1, result.requests.total);
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p975: result.latency.p97_5,
    non2xx: result.non2xx + result.errors,
    cpu:
      cpuBefore && cpuAfter
        ? {
            web: (cpuAfter.web - cpuBefore.web) / requests,
            database: (cpuAfter.database - cpuBefore.database) / requests,
          }
        : null,
  };
}

/** Signs in through next-auth's credentials flow, as the sign-in page does; answers the cookies to send. */
async function signIn(baseUrl: string, owner: BenchOwner): Promise<SignedIn> {
  const { cookie, status } = await signInOverHttp(baseUrl, owner.email, BENCH_PASSWORD);
  if (!cookie) throw new Error(`could not sign in as ${owner.email} (${status})`);
  return { ...owner, cookie };
}

interface PageJs {
  /** Bytes of JavaScript received: each script's body as the server compressed it. */
  received: number;
  /** The same scripts compressed with gzip, as Next.js alone would send them. */
  gzip: number;
}

/** JavaScript a first visit of each page loads, in compressed bytes. */
async function firstLoadJs(baseUrl: string, owner: SignedIn): Promise<Map<string, PageJs>> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  const sizes = new Map<string, PageJs>();
  const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  try {
    const [name, value] = owner.cookie.split("=") as [string, string];
    for (const page of [...pages, SIGN_IN]) {
      const context = await browser.newContext();
      // Production cookies are Secure (`__Secure-`); Chromium keeps them for http://localhost.
      if (page !== SIGN_IN)
        await context.addCookies([
          { name, value, domain: "localhost", path: "/", secure: true, httpOnly: true, sameSite: "Lax" },
        ]);
      const tab = await context.newPage();
      const scripts: Promise<{ url: string; received: number; gzip: number; encoding?: string }>[] = [];
      tab.on("response", (res) => {
        if (res.request().resourceType() !== "script") return;
        scripts.push(
          Promise.all([res.finished(), res.body()]).then(async ([, body]) => ({
            url: res.url(),
            received: (await res.request().sizes()).responseBodySize,
            gzip: gzipSync(body).length,
            encoding: res.headers()["content-encoding"],
          })),
        );
      });
      const url = page === SIGN_IN ? `/${SIGN_IN}` : `/${owner.orgSlug}/${page}`;
      const res = await tab.goto(`${baseUrl}${url}`, { waitUntil: "networkidle" });
      if (!res?.ok()) throw new Error(`${url} answered ${res?.status()}`);
      const total: PageJs = { received: 0, gzip: 0 };
      for (const script of await Promise.all(scripts)) {
        total.received += script.received;
        total.gzip += script.gzip;
        if (process.env.BENCH_JS_FILES)
          say(
            `  ${page}: ${kB(script.received).padStart(8)} ${script.encoding ?? "identity"}, ` +
              `${kB(script.gzip).padStart(8)} gzip  ${new URL(script.url).pathname}`,
          );
      }
      sizes.set(page, total);
      say(
        `first-load JavaScript of ${page === SIGN_IN ? url : `/<org>/${page}`}: ` +
          `${kB(total.received)} received (gzip: ${kB(total.gzip)})`,
      );
      await context.close();
    }
  } finally {
    await browser.close();
  }
  return sizes;
}

const ms = (n: number) => n.toFixed(2);
const largestPortalPage = (js: Map<string, PageJs>) => Math.max(...pages.map((p) => js.get(p)!.received)) / 1024;

async function main() {
  await buildIfNeeded(say);
  const database = await throwawayDatabase({
    name: "bankline-bench-portal",
    serverUrl: process.env.BENCH_DATABASE_URL,
  });
  const databaseUrl = database.url;
  let web: Child | undefined;
  try {
    await migrate(databaseUrl);
    let started = performance.now();
    await seedPortalBench(databaseUrl);
    say(
      `seeded ${BENCH_ORGS} organizations, 200 connections, 200 000 register entries, 40 000 feed rows ` +
        `in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );

    const port = await freePort();
    const baseUrl = `http://localhost:${port}`;
    const secret = randomBytes(32).toString("hex");
    web = spawnWeb(port, {
      ...process.env,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: secret,
      NEXTAUTH_URL: baseUrl,
      APP_URL: baseUrl,
      // No aggregator call is measured; production only wants the settings to exist.
      AGGREGATOR_URL: "http://127.0.0.1:9",
      AGGREGATOR_WEBHOOK_SECRET: randomBytes(16).toString("hex"),
      LOG_LEVEL: "warn",
      ...(process.env.BENCH_CPU_PROF
        ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` }
        : {}),
    });
    await waitForUrl(`${baseUrl}/api/health`, 60_000);
    const owners = await Promise.all(
      Array.from({ length: OWNERS }, (_, i) => signIn(baseUrl, benchOwner(1 + i * Math.floor(BENCH_ORGS / OWNERS)))),
    );
    say(`signed in as ${owners.length} owners; load average ${loadavg()[0]!.toFixed(1)} on 2 cores`);

    const only = process.env.BENCH_ONLY?.split(",");
    if (only?.includes("first-load")) {
      const js = await firstLoadJs(baseUrl, owners[0]!);
      console.log(`bench:portal first_load_js_kb=${largestPortalPage(js).toFixed(1)}`);
      return;
    }
    const measuring = only ? procedures.filter((p) => only.includes(p.name)) : procedures;
    const targets = [bare, sessionOnly, ...measuring];
    started = performance.now();
    for (const target of targets) await load(baseUrl, target, owners, 10, 2); // warm-up: JIT, pools, caches
    const results = new Map<string, Map<number, Measured>>();
    for (const connections of [1, 10, 100]) {
      for (const target of targets) {
        const measured =
          connections === 1
            ? await oneAtATime(baseUrl, target, owners, Math.max(2, SECONDS - 2))
            : await load(baseUrl, target, owners, connections, SECONDS, web.process.pid);
        if (measured.non2xx > 0) throw new Error(`${target.name}: ${measured.non2xx} answers were not 2xx`);
        results.set(target.name, (results.get(target.name) ?? new Map()).set(connections, measured));
        say(
          `${target.name.padEnd(18)} c=${String(connections).padEnd(3)} ` +
            `${measured.rps.toFixed(0).padStart(6)} req/s  ` +
            `p50 ${ms(measured.p50).padStart(7)} ms  p97.5 ${ms(measured.p975).padStart(8)} ms` +
            (measured.server
              ? `  server p50 ${ms(measured.server.p50)} ms, p97.5 ${ms(measured.server.p975)} ms` +
                (measured.server.sessionP50 === null ? "" : ` (session read p50 ${ms(measured.server.sessionP50)} ms)`)
              : "") +
            (measured.cpu && connections === 10
              ? `  CPU per request: web ${ms(measured.cpu.web)} ms, PostgreSQL ${ms(measured.cpu.database)} ms`
              : ""),
        );
      }
    }
    say(
      `load measured in ${((performance.now() - started) / 1000).toFixed(0)} s; ` +
        `load average ${loadavg()[0]!.toFixed(1)}`,
    );

    const js = await firstLoadJs(baseUrl, owners[0]!);

    const bareRps = results.get(bare.name)!.get(10)!.rps;
    const of = (c: number) => measuring.map((p) => ({ name: p.name, ...results.get(p.name)!.get(c)! }));
    const lowest = of(10).reduce((a, b) => (b.rps < a.rps ? b : a));
    // The target is the server's time; the client's round trip is printed beside it.
    const serverP50 = (m: Measured) => m.server?.p50 ?? m.p50;
    const slowest = of(1).reduce((a, b) => (serverP50(b) > serverP50(a) ? b : a));
    const tail = of(100).reduce((a, b) => (b.p975 > a.p975 ? b : a));
    const largest = largestPortalPage(js);
    say(
      `lowest at 10 connections: ${lowest.name}, ${(lowest.rps / bareRps).toFixed(2)} ` +
        `of the bare route's ${bareRps.toFixed(0)} req/s (target 0.40)`,
    );
    say(
      `slowest median server time, one request at a time: ${slowest.name} ${ms(serverP50(slowest))} ms ` +
        `(target under 2 ms; ${ms(slowest.p50)} ms as the client saw it); ` +
        `p97.5 at 100 connections: ${tail.name} ${ms(tail.p975)} ms`,
    );
    console.log(
      `bench:portal ratio=${(lowest.rps / bareRps).toFixed(2)} p50_ms=${ms(serverP50(slowest))} ` +
        `p97_5_ms=${ms(tail.p975)} first_load_js_kb=${largest.toFixed(1)}`,
    );
  } finally {
    if (web) await stopChildren([web], 20_000);
    await database.dispose();
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`[bench] failed: ${err instanceof Error ? err.stack : String(err)}`);
    process.exit(1);
  },
);
