import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { z, ZodError } from "zod";
import {
  createCustomerBody,
  institutionsQuery,
  linkBody,
  mfaAnswerBody,
  transactionsQuery,
  updateLoginBody,
  wireLinkStyle,
} from "@/server/aggregator/client/wire";
import { createLogger, type Logger } from "@/server/log";
import { BankSite } from "./bank-site";
import { findInstitution, searchCatalog } from "./catalog";
import type { SandboxConfig } from "./config";
import { ConnectPage } from "./connect-page";
import { connectSessionBody, ConnectSessions } from "./connect-sessions";
import { OUTAGE_SCOPES, SandboxEngine, SandboxError, notFound, type LoginRecord } from "./engine";
import { faultRuleInput, Faults, faultSettings, type RequestScope } from "./faults";
import { RateLimiter } from "./rate-limit";
import { RequestStats } from "./request-stats";
import { StateStore } from "./state-store";
import { WebhookSender } from "./webhook-sender";

// The sandbox aggregator's HTTP service: the wire API under /v1 (docs/aggregator-api.yaml),
// the bank's own site under /bank, the hosted Connect page under /connect, loopback-only
// controls under /admin, and GET /health.
// Request bodies are never logged: they carry credentials and security answers.

export interface Sandbox {
  url: string;
  /** The wire API it serves, as "METHOD /path/:param" (docs/aggregator-api.yaml describes each). */
  apiRoutes: string[];
  engine: SandboxEngine;
  connectSessions: ConnectSessions;
  faults: Faults;
  rateLimiter: RateLimiter;
  store: StateStore;
  stats: RequestStats;
  close(): Promise<void>;
}

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  baseUrl: string;
}
interface Result {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}
interface Route {
  method: string;
  pattern: RegExp;
  name: string;
  handler: (c: Ctx) => Result;
}

const MAX_BODY_BYTES = 64 * 1024;
const HEALTH_PATH = "/health";
const IDEMPOTENCY_TTL_MS = 10 * 60_000;

function route(method: string, path: string, handler: Route["handler"]): Route {
  const pattern = new RegExp(`^${path.replace(/:(\w+)/g, (_m, name: string) => `(?<${name}>[^/]+)`)}$`);
  return { method, pattern, name: `${method} ${path}`, handler };
}

export const isLoopback = (address: string | undefined) =>
  !!address && (address.startsWith("127.") || address === "::1" || address.startsWith("::ffff:127."));

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SandboxError(413, "invalid_request", null, "The request body is too large."));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function startSandbox(config: SandboxConfig, options: { log?: Logger } = {}): Promise<Sandbox> {
  const log = options.log ?? createLogger();
  const store = await StateStore.open({
    file: config.stateFile,
    onError: (err) => log.error({ err }, "could not write sandbox state"),
  });
  const webhooks = new WebhookSender({ secret: config.webhookSecret, log, retryBaseMs: config.webhookRetryMs });
  const engine = new SandboxEngine({
    store,
    webhooks,
    log,
    slowMs: config.slowMs,
    mfaTimeoutMs: config.mfaTimeoutMs,
    defaultWebhookUrl: config.webhookUrl,
    outages: config.outages,
    linkStyle: config.linkStyle,
  });
  const connectSessions = new ConnectSessions({ engine, webhooks, ttlMs: config.connectTtlMs });
  const connectPage = new ConnectPage(connectSessions);
  const faults = new Faults(config.faults);
  const rateLimiter = new RateLimiter(config.rateLimit);
  const bankSite = new BankSite(engine);
  const idempotent = new Map<string, { expiresAt: number; result: Result }>();
  const stats = new RequestStats();

  const api: Route[] = [
    route("GET", "/v1/institutions", ({ query, baseUrl }) => {
      const q = institutionsQuery.parse(Object.fromEntries(query));
      const found = searchCatalog(q);
      return {
        status: 200,
        body: {
          institutions: found.slice(q.offset, q.offset + q.limit).map((i) => engine.institutionView(i, baseUrl)),
          total: found.length,
          offset: q.offset,
          limit: q.limit,
        },
      };
    }),
    route("GET", "/v1/institutions/:institutionId", ({ params, baseUrl }) => {
      const inst = findInstitution(params.institutionId!);
      if (!inst) throw notFound("The institution");
      return { status: 200, body: { institution: engine.institutionView(inst, baseUrl) } };
    }),
    route("POST", "/v1/customers", ({ body }) => {
      const { customer, created } = engine.upsertCustomer(createCustomerBody.parse(body));
      return { status: created ? 201 : 200, body: { customer } };
    }),
    route("GET", "/v1/customers/:customerId", ({ params }) => ({
      status: 200,
      body: { customer: engine.customer(params.customerId!) },
    })),
    route("DELETE", "/v1/customers/:customerId", ({ params }) => {
      engine.deleteCustomer(params.customerId!);
      return { status: 204 };
    }),
    route("GET", "/v1/customers/:customerId/institution-logins", ({ params }) => ({
      status: 200,
      body: { logins: engine.customerLogins(params.customerId!) },
    })),
    route("POST", "/v1/customers/:customerId/institution-logins", ({ params, body }) => ({
      status: 201,
      body: engine.link(params.customerId!, linkBody.parse(body)),
    })),
    route("POST", "/v1/customers/:customerId/connect-sessions", ({ params, body, baseUrl }) => ({
      status: 201,
      body: { session: connectSessions.create(params.customerId!, connectSessionBody.parse(body), baseUrl) },
    })),
    route("GET", "/v1/institution-logins/:loginId", ({ params }) => ({
      status: 200,
      body: { login: engine.loginView(engine.login(params.loginId!)) },
    })),
    route("PUT", "/v1/institution-logins/:loginId", ({ params, body }) => ({
      status: 200,
      body: engine.updateLogin(params.loginId!, updateLoginBody.parse(body).credentials),
    })),
    route("DELETE", "/v1/institution-logins/:loginId", ({ params }) => {
      engine.removeLogin(params.loginId!);
      return { status: 204 };
    }),
    route("POST", "/v1/institution-logins/:loginId/mfa", ({ params, body }) => {
      const { session, answer } = mfaAnswerBody.parse(body);
      return { status: 200, body: engine.answerMfa(params.loginId!, session, answer) };
    }),
    route("POST", "/v1/institution-logins/:loginId/refresh", ({ params }) => {
      const { outcome, finished } = engine.refresh(params.loginId!);
      return { status: finished ? 200 : 202, body: outcome };
    }),
    route("GET", "/v1/institution-logins/:loginId/accounts", ({ params }) => ({
      status: 200,
      body: { accounts: engine.accounts(params.loginId!) },
    })),
    route("GET", "/v1/institution-logins/:loginId/accounts/:accountId/transactions", ({ params, query }) => ({
      status: 200,
      body: engine.transactions(params.loginId!, params.accountId!, transactionsQuery.parse(Object.fromEntries(query))),
    })),
    route("GET", "/v1/webhook", () => ({ status: 200, body: { url: engine.webhookUrl } })),
    route("PUT", "/v1/webhook", ({ body }) => {
      const { url } = z.object({ url: z.url().nullable() }).parse(body);
      engine.setWebhookUrl(url);
      return { status: 200, body: { url: engine.webhookUrl } };
    }),
  ];

  const admin: Route[] = [
    route("GET", "/admin/state", () => ({
      status: 200,
      body: { ...engine.summary(), connectSessions: connectSessions.size },
    })),
    route("GET", "/admin/stats", () => ({ status: 200, body: stats.report() })),
    route("DELETE", "/admin/stats", () => {
      stats.reset();
      return { status: 204 };
    }),
    route("POST", "/admin/flush", () => {
      void store.flush();
      return { status: 202, body: { flushing: true } };
    }),
    route("GET", "/admin/faults", () => ({ status: 200, body: faults.list() })),
    route("PUT", "/admin/faults/defaults", ({ body }) => {
      faults.defaults = faultSettings.parse({ ...faults.defaults, ...(body as object) });
      return { status: 200, body: faults.list() };
    }),
    route("POST", "/admin/faults/rules", ({ body }) => ({
      status: 201,
      body: { rule: faults.addRule(faultRuleInput.parse(body)) },
    })),
    route("DELETE", "/admin/faults/rules/:ruleId", ({ params }) => {
      if (!faults.removeRule(params.ruleId!)) throw notFound("The fault rule");
      return { status: 204 };
    }),
    route("DELETE", "/admin/faults", () => {
      faults.reset();
      return { status: 204 };
    }),
    route("PUT", "/admin/institutions/:institutionId/outage", ({ params, body }) => {
      const input = z.object({ down: z.boolean(), affects: z.enum(OUTAGE_SCOPES).default("demo_outage") }).parse(body);
      engine.setOutage(params.institutionId!, input.down, input.affects);
      return {
        status: 200,
        body: { institutionId: params.institutionId, outage: engine.outage(params.institutionId!) },
      };
    }),
    route("PUT", "/admin/institutions/:institutionId/link-style", ({ params, body }) => {
      const { style } = z.object({ style: wireLinkStyle.nullable() }).parse(body);
      engine.setLinkStyle(params.institutionId!, style);
      return {
        status: 200,
        body: { institutionId: params.institutionId, linkStyle: engine.linkStyle(params.institutionId!) },
      };
    }),
    route("PUT", "/admin/rate-limits", ({ body }) => {
      const input = z
        .object({
          customerId: z.string().optional(),
          perSecond: z.number().min(0),
          burst: z.number().min(1),
          reset: z.boolean().optional(),
        })
        .parse(body);
      if (!input.customerId) rateLimiter.defaults = { perSecond: input.perSecond, burst: input.burst };
      else
        rateLimiter.setOverride(
          input.customerId,
          input.reset ? null : { perSecond: input.perSecond, burst: input.burst },
        );
      return { status: 200, body: { ok: true } };
    }),
    route("DELETE", "/admin/bank-users", ({ query }) => {
      engine.resetBankUsers(query.get("institutionId") ?? undefined, query.get("username") ?? undefined);
      return { status: 204 };
    }),
  ];

  function match(routes: Route[], method: string, path: string) {
    for (const r of routes) {
      const m = r.pattern.exec(path);
      if (m && r.method === method) return { route: r, params: { ...m.groups } };
    }
    return routes.some((r) => r.pattern.test(path)) ? "method" : null;
  }

  /** Who a request is about, for rate limits and fault rules. */
  function scopeOf(method: string, path: string, params: Record<string, string>, body: unknown): RequestScope {
    const scope: RequestScope = { method, path };
    if (params.customerId) scope.customerId = params.customerId;
    if (params.loginId) {
      const login = store.get<LoginRecord>("logins", params.loginId);
      scope.loginId = params.loginId;
      scope.customerId = login?.customerId;
      scope.institutionId = login?.institutionId;
    }
    const institutionId = (body as { institutionId?: unknown } | null)?.institutionId;
    if (typeof institutionId === "string") scope.institutionId = institutionId;
    if (params.institutionId) scope.institutionId = params.institutionId;
    return scope;
  }

  function authorized(req: IncomingMessage): boolean {
    const expected = config.clientCredentials;
    if (!expected) return true;
    const header = req.headers.authorization ?? "";
    const given = Buffer.from(header);
    const want = Buffer.from(`Basic ${Buffer.from(`${expected.id}:${expected.secret}`).toString("base64")}`);
    return given.length === want.length && timingSafeEqual(given, want);
  }

  function send(res: ServerResponse, result: Result) {
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = { "cache-control": "no-store", ...result.headers };
    if (result.body === undefined) {
      res.writeHead(result.status, headers).end();
      return;
    }
    res.writeHead(result.status, { ...headers, "content-type": "application/json" }).end(JSON.stringify(result.body));
  }

  function errorResult(err: unknown): Result {
    if (err instanceof SandboxError) {
      return { status: err.httpStatus, body: { error: { code: err.code, type: err.type, message: err.message } } };
    }
    if (err instanceof ZodError) {
      // Only paths and messages: never the offending values, which may be credentials.
      const message = err.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
      return { status: 400, body: { error: { code: null, type: "invalid_request", message } } };
    }
    log.error({ err }, "sandbox request failed");
    return { status: 500, body: { error: { code: null, type: "internal", message: "Internal error." } } };
  }

  async function handleApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    routes: Route[],
    isAdmin: boolean,
    arrivedAt: number,
  ): Promise<string> {
    const method = req.method ?? "GET";
    const found = match(routes, method, url.pathname);
    if (found === null) {
      send(res, errorResult(notFound("The resource")));
      return "unmatched";
    }
    if (found === "method") {
      send(res, {
        status: 405,
        body: { error: { code: null, type: "invalid_request", message: "Method not allowed." } },
      });
      return "unmatched";
    }
    const { route: r, params } = found;
    if (!isAdmin && !authorized(req)) {
      send(res, {
        status: 401,
        body: { error: { code: null, type: "unauthorized", message: "Client credentials are missing or wrong." } },
      });
      return r.name;
    }
    let body: unknown = null;
    try {
      const raw = await readBody(req);
      body = raw ? JSON.parse(raw) : null;
    } catch (err) {
      send(
        res,
        errorResult(
          err instanceof SandboxError
            ? err
            : new SandboxError(400, "invalid_request", null, "The body is not valid JSON."),
        ),
      );
      return r.name;
    }
    const baseUrl = config.publicUrl ?? `http://${req.headers.host ?? `${config.host}:${config.port}`}`;
    const ctx: Ctx = { params, query: url.searchParams, body, baseUrl };
    if (isAdmin) {
      try {
        send(res, r.handler(ctx));
      } catch (err) {
        send(res, errorResult(err));
      }
      return r.name;
    }

    const scope = scopeOf(method, url.pathname, params, body);
    const limited = rateLimiter.take(scope.customerId ?? `addr:${req.socket.remoteAddress}`);
    if (!limited.ok) {
      send(res, {
        status: 429,
        headers: { "retry-after": String(limited.retryAfterSeconds) },
        body: { error: { code: null, type: "rate_limited", message: "Too many requests." } },
      });
      return r.name;
    }
    const fault = faults.decide(scope);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.action === "drop") {
      req.socket.destroy();
      return `${r.name} (dropped)`;
    }
    if (fault.action === "error") {
      send(res, {
        status: fault.errorStatus,
        body: { error: { code: null, type: "internal", message: "Injected failure." } },
      });
      return r.name;
    }

    const key = req.headers["idempotency-key"];
    const cacheKey = typeof key === "string" && method !== "GET" ? `${method} ${url.pathname} ${key}` : null;
    const cached = cacheKey ? idempotent.get(cacheKey) : undefined;
    if (cached && cached.expiresAt > Date.now()) {
      send(res, { ...cached.result, headers: { ...cached.result.headers, "idempotent-replayed": "true" } });
      return r.name;
    }
    const workFrom = performance.now();
    let result: Result;
    try {
      result = r.handler(ctx);
    } catch (err) {
      result = errorResult(err);
    }
    // Transient outcomes are not remembered, so a retry under the same key runs again.
    if (cacheKey && result.status < 500) {
      if (idempotent.size > 10_000) idempotent.clear();
      idempotent.set(cacheKey, { expiresAt: Date.now() + IDEMPOTENCY_TTL_MS, result });
    }
    send(res, result);
    const sentAt = performance.now();
    stats.record({ route: r.name, waitMs: workFrom - arrivedAt - fault.latencyMs, workMs: sentAt - workFrom });
    return r.name;
  }

  const server: Server = createServer((req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const finish = (name: string) => {
      if (name === "health") return;
      const entry = {
        method: req.method,
        route: name,
        status: res.statusCode,
        ms: Math.round(performance.now() - started),
      };
      log.info(entry, "sandbox request");
    };
    void (async () => {
      try {
        if (url.pathname === HEALTH_PATH) {
          send(res, { status: 200, body: { status: "ok", service: "sandbox-aggregator" } });
          return finish("health");
        }
        if (url.pathname === "/bank" || url.pathname.startsWith("/bank/")) {
          await bankSite.handle(req, res, url, () => readBody(req));
          return finish(`${req.method} /bank`);
        }
        if (url.pathname === "/connect" || url.pathname.startsWith("/connect/")) {
          await connectPage.handle(req, res, url, () => readBody(req));
          return finish(`${req.method} /connect`);
        }
        if (url.pathname.startsWith("/admin/")) {
          if (!isLoopback(req.socket.remoteAddress)) {
            send(res, {
              status: 403,
              body: {
                error: { code: null, type: "unauthorized", message: "Admin endpoints answer loopback callers only." },
              },
            });
            return finish("admin (refused)");
          }
          return finish(await handleApi(req, res, url, admin, true, started));
        }
        if (url.pathname.startsWith("/v1/")) return finish(await handleApi(req, res, url, api, false, started));
        send(res, errorResult(notFound("The resource")));
        finish("unmatched");
      } catch (err) {
        send(res, errorResult(err));
        finish("error");
      }
    })();
  });
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
  log.info({ url, stateFile: config.stateFile, logins: store.size("logins") }, "sandbox aggregator listening");

  return {
    url,
    apiRoutes: [`GET ${HEALTH_PATH}`, ...api.map((r) => r.name)],
    engine,
    connectSessions,
    faults,
    rateLimiter,
    store,
    stats,
    async close() {
      stats.stop();
      webhooks.stop();
      engine.stop();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await store.close();
    },
  };
}
