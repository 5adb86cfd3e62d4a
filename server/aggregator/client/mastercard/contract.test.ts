import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProviderCheck } from "@/server/aggregator/provider-check";
import { startPrism, type Prism } from "@/server/aggregator/testing/prism";
import { customerDirectory } from "@/server/connections/customer-directory";
import { createLogger } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers } from "@/server/testing/fixtures";
import { freePort } from "@/server/testing/free-port";
import { AggregatorError } from "../errors";
import { memoryCustomerDirectory } from "../memory-customer-directory";
import type { CustomerDirectory, LoginRef } from "../types";
import { MastercardClient, TOKEN_RENEW_AFTER_MS, type MastercardClientOptions } from "./client";

// The Mastercard client against Stoplight Prism serving Bankline's description of the
// provider's API (docs/mastercard-api.yaml, checked against the provider's own document by
// agreement.test.ts). Prism validates every request — path, parameters, their types, headers,
// body fields — and answers a wrong one with an error and an `sl-violations` header; with
// --errors it also refuses to serve an answer that breaks the description. A test-only fetch
// wrapper picks the description's named examples (`Prefer: example=…`) and breaks requests on
// purpose.

const PARTNER_ID = "2445583946651";
const PARTNER_SECRET = "partner-secret-7d41e2b9";
const APP_KEY = "app-key-93c0f5aa1e";
const TOKEN = "mc-token-0f3a9c"; // the description's example token
const CUSTOMER = "7011450321";
const LOGIN: LoginRef = { loginId: `${CUSTOMER}:1022599285`, institutionId: "101732" };
const AUTH_PATH = "/aggregation/v2/partners/authentication";

let prism: Prism;
beforeAll(async () => {
  prism = await startPrism("docs/mastercard-api.yaml", { errors: true });
}, 120_000);
afterAll(() => prism?.stop());

interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: unknown;
  status: number;
}

type Rewrite = (req: {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  index: number;
}) => void | Promise<void> | Response;

/** A client on the description's Prism, with every request and violation recorded and logs captured. */
function harness(
  options: { rewrite?: Rewrite; customers?: CustomerDirectory; client?: Partial<MastercardClientOptions> } = {},
) {
  const sent: Sent[] = [];
  const violations: string[] = [];
  const logLines: string[] = [];
  let clock = Date.parse("2026-12-01T06:12:00Z");
  let index = 0;
  const wrapped: typeof fetch = async (input, init) => {
    const url = new URL(String(input));
    const method = init?.method ?? "GET";
    const headers = new Headers(init?.headers);
    const req = { url, method, headers, body: init?.body as string | undefined, index: index++ };
    const replaced = await options.rewrite?.(req);
    if (replaced instanceof Response) return replaced;
    const res = await fetch(req.url, { ...init, headers: req.headers, body: req.body });
    const violation = res.headers.get("sl-violations");
    if (violation) violations.push(`${method} ${req.url.pathname}: ${violation}`);
    sent.push({
      method,
      path: req.url.pathname,
      query: req.url.searchParams,
      headers: req.headers,
      body: req.body ? JSON.parse(req.body) : undefined,
      status: res.status,
    });
    return res;
  };
  const destination = new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const customers = options.customers ?? memoryCustomerDirectory();
  const client = new MastercardClient({
    baseUrl: prism.url,
    partnerId: PARTNER_ID,
    partnerSecret: PARTNER_SECRET,
    appKey: APP_KEY,
    testing: true,
    customers,
    timeoutMs: 5000,
    transactionPageSize: 2,
    logger: createLogger({ level: "trace", destination }),
    retry: { maxAttempts: 3, baseDelayMs: 1, slowBaseDelayMs: 1, maxDelayMs: 5 },
    now: () => clock,
    fetch: wrapped,
    ...options.client,
  });
  return {
    client,
    customers,
    sent,
    violations,
    logLines,
    calls: (path: string) => sent.filter((s) => s.path === path),
    authCalls: () => sent.filter((s) => s.path === AUTH_PATH).length,
    advance: (ms: number) => (clock += ms),
  };
}

const prefer =
  (match: (url: URL, method: string) => boolean, value: string): Rewrite =>
  ({ url, method, headers }) => {
    if (match(url, method)) headers.set("prefer", value);
  };

async function failure(promise: Promise<unknown>): Promise<AggregatorError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AggregatorError);
  return err as AggregatorError;
}

const uniqueOrg = () => `org_mc_${randomBytes(4).toString("hex")}`;
const connectInput = (organizationId: string, overrides: object = {}) => ({
  organizationId,
  reference: "cs_contract_1",
  purpose: "link" as const,
  webhookUrl: "https://bankline.example/api/webhooks/mastercard",
  redirectUrl: "https://bankline.example/connect/return?session=cs_contract_1",
  ...overrides,
});

describe("Mastercard client against the API description", () => {
  it("searches the catalog and reads an institution, in Bankline's shape", async () => {
    const h = harness();
    const page = await h.client.searchInstitutions({ text: "finbank", offset: 25, limit: 25 });
    expect(h.calls("/institution/v2/institutions")[0]!.query.toString()).toBe("search=finbank&start=26&limit=25");
    expect(page).toMatchObject({ total: 2, offset: 25, limit: 25 });
    expect(page.institutions).toEqual([
      {
        id: "101732",
        name: "FinBank",
        variant: "PERSONAL",
        loginUrl: "https://www.finbank.example/login",
        homeUrl: "https://www.finbank.example",
        status: "online",
        sandboxSiteUrl: null,
        linkStyle: "HOSTED",
      },
      expect.objectContaining({ id: "102105", variant: "BUSINESS", loginUrl: "https://business.finbank.example" }),
    ]);
    expect(
      (await h.client.searchInstitutions({ text: "finbank", variant: "BUSINESS" })).institutions.map((i) => i.id),
    ).toEqual(["102105"]);
    expect(await h.client.getInstitution("101732")).toMatchObject({
      id: "101732",
      name: "FinBank",
      linkStyle: "HOSTED",
    });
    expect(h.violations).toEqual([]);
  });

  it("creates the organization's customer once, then opens Connect and Connect Fix links carrying Bankline's session", async () => {
    const h = harness();
    const org = uniqueOrg();
    const [first, second] = await Promise.all([
      h.client.createConnectSession(connectInput(org)),
      h.client.createConnectSession(connectInput(org)),
    ]);
    expect(h.calls("/aggregation/v2/customers/testing")).toHaveLength(1);
    expect(h.calls("/aggregation/v2/customers/testing")[0]!.body).toEqual({
      username: `bankline-${org}`,
      firstName: "Bankline",
      lastName: "Organization",
    });
    expect(await h.customers.find(org)).toBe(CUSTOMER);
    // The link says it lives until its ttl: two hours after it was made.
    expect(first).toEqual({
      url: expect.stringMatching(/^https:\/\/connect2\.finicity\.com\?/),
      expiresAt: new Date("2026-12-01T08:12:00Z"),
    });
    expect(second.url).toBe(first.url);
    expect(h.calls("/connect/v2/generate")[0]!.body).toEqual({
      partnerId: PARTNER_ID,
      customerId: CUSTOMER,
      redirectUri: "https://bankline.example/connect/return?session=cs_contract_1",
      webhook: "https://bankline.example/api/webhooks/mastercard",
      webhookContentType: "application/json",
      webhookData: { reference: "cs_contract_1" },
      singleUseUrl: true,
    });

    await h.client.createConnectSession(
      connectInput(org, { purpose: "fix", login: LOGIN, reference: "cs_contract_2" }),
    );
    expect(h.calls("/connect/v2/generate/fix")[0]!.body).toMatchObject({
      customerId: CUSTOMER,
      institutionLoginId: "1022599285",
      webhookData: { reference: "cs_contract_2" },
    });
    expect(h.calls("/aggregation/v2/customers/testing")).toHaveLength(1);
    expect(h.violations).toEqual([]);

    // A link whose ttl cannot be right (already past) lives the documented two hours.
    h.advance(5 * 24 * 3600_000);
    const later = await h.client.createConnectSession(connectInput(org));
    expect(later.expiresAt!.getTime()).toBe(Date.parse("2026-12-06T08:12:00Z"));
  });

  it("keeps the customer in the AggregatorCustomer table, and creates active customers unless testing", async () => {
    const { org } = await createOrgWithMembers(testDb(), "Mastercard Customer Org");
    const customers = customerDirectory(testDb(), "mastercard");
    const h = harness({ customers, client: { testing: false } });
    await h.client.createConnectSession(connectInput(org.id));
    expect(h.calls("/aggregation/v2/customers/active")).toHaveLength(1);
    expect(h.calls("/aggregation/v2/customers/testing")).toHaveLength(0);
    expect(
      await testDb().aggregatorCustomer.findMany({
        where: { organizationId: org.id },
        select: { provider: true, customerId: true },
      }),
    ).toEqual([{ provider: "mastercard", customerId: CUSTOMER }]);
    expect(await customers.organizationOf(CUSTOMER)).toBe(org.id);
  });

  it("recovers the customer whose creation answered 409 (its username is taken)", async () => {
    const created = (url: URL, method: string) =>
      method === "POST" && url.pathname === "/aggregation/v2/customers/testing";
    const h = harness({ rewrite: prefer(created, "code=409") });
    await h.client.createConnectSession(connectInput("org_mc_contract"));
    expect(h.calls("/aggregation/v1/customers")[0]!.query.get("username")).toBe("bankline-org_mc_contract");
    expect(await h.customers.find("org_mc_contract")).toBe(CUSTOMER);

    // Another partner's customer under that name (none of ours): the conflict stands.
    const err = await failure(
      harness({ rewrite: prefer(created, "code=409") }).client.createConnectSession(connectInput(uniqueOrg())),
    );
    expect(err).toMatchObject({ httpStatus: 409, code: null, providerMessage: "110002: Username is not available." });
  });

  it("lists the organization's logins from its accounts, grouped by institution login, with the worst status code", async () => {
    const h = harness();
    expect(await h.client.listLogins("org_without_customer")).toEqual([]);
    expect(h.sent).toHaveLength(0);
    await h.customers.save("org_listed", CUSTOMER);
    expect(await h.client.listLogins("org_listed")).toEqual([
      {
        loginId: `${CUSTOMER}:1022599285`,
        customerId: CUSTOMER,
        institutionId: "101732",
        statusCode: 0,
        aggregating: false,
        lastSuccessAt: new Date("2026-12-03T06:10:00Z"),
        lastAttemptAt: new Date("2026-12-03T06:11:00Z"),
      },
      {
        loginId: `${CUSTOMER}:1022599300`,
        customerId: CUSTOMER,
        institutionId: "102105",
        statusCode: 103,
        aggregating: false,
        lastSuccessAt: new Date("2026-12-01T06:12:00Z"),
        lastAttemptAt: new Date("2026-12-03T06:11:00Z"),
      },
    ]);
    expect(h.violations).toEqual([]);
  });

  it("lists a login's deposit and card accounts in cents with masked numbers, and reads its status", async () => {
    const failing = prefer((url) => url.pathname.endsWith("/accounts"), "example=aggregationError");
    const h = harness();
    expect(await h.client.listAccounts(LOGIN)).toEqual([
      {
        id: "7079115306",
        loginId: LOGIN.loginId,
        institutionId: "101732",
        name: "Operating Checking",
        kind: "checking",
        mask: "4321",
        balanceCents: 1_284_537,
        currency: "USD",
        statusCode: 0,
        lastSuccessAt: new Date("2026-12-03T06:10:00Z"),
        lastAttemptAt: new Date("2026-12-03T06:11:00Z"),
      },
      expect.objectContaining({ id: "7079115307", kind: "savings", mask: "8765", balanceCents: 5_021_000 }),
    ]);
    expect(await h.client.getLoginStatus(LOGIN)).toMatchObject({
      loginId: LOGIN.loginId,
      customerId: CUSTOMER,
      statusCode: 0,
      aggregating: false,
    });
    expect(await harness({ rewrite: failing }).client.getLoginStatus(LOGIN)).toEqual({
      loginId: LOGIN.loginId,
      customerId: CUSTOMER,
      institutionId: "101732",
      statusCode: 103,
      aggregating: false,
      lastSuccessAt: new Date("2026-12-01T06:12:00Z"),
      lastAttemptAt: new Date("2026-12-03T06:11:00Z"),
    });
    expect(h.violations).toEqual([]);
  });

  it("refreshes once, never again on failure, takes the answer's status code, and reports a slow bank as aggregating", async () => {
    const refreshPath = "/aggregation/v1/customers/7011450321/institutionLogins/1022599285/accounts";
    const h = harness();
    expect(await h.client.refresh(LOGIN)).toEqual({
      kind: "ok",
      login: expect.objectContaining({ statusCode: 0, aggregating: false }),
    });
    expect(h.calls(refreshPath).map((c) => c.method)).toEqual(["POST"]);

    const failing = harness({
      rewrite: prefer((url, method) => method === "POST" && url.pathname === refreshPath, "example=aggregationError"),
    });
    expect(await failing.client.refresh(LOGIN)).toEqual({
      kind: "ok",
      login: expect.objectContaining({ statusCode: 103, aggregating: false }),
    });

    // A lost connection on a write: not repeated, the provider has no idempotency keys.
    const closed = await freePort();
    const lost = harness({
      rewrite: ({ url, method }) => {
        if (method === "POST" && url.pathname === refreshPath) url.port = String(closed);
      },
    });
    expect(await failure(lost.client.refresh(LOGIN))).toMatchObject({ kind: "network", attempts: 1 });

    const slow = harness({
      client: { refreshTimeoutMs: 150 },
      rewrite: async ({ method }) => {
        if (method === "POST") await new Promise((r) => setTimeout(r, 400));
      },
    });
    expect(await slow.client.refresh(LOGIN)).toEqual({
      kind: "ok",
      login: {
        loginId: LOGIN.loginId,
        customerId: CUSTOMER,
        institutionId: "101732",
        statusCode: 325,
        aggregating: true,
        lastSuccessAt: null,
        lastAttemptAt: null,
      },
    });
  });

  it("reads every page of transactions over whole UTC days, pending and shadow ones included", async () => {
    const byStart: Rewrite = ({ url, headers }) => {
      if (url.pathname.endsWith("/transactions"))
        headers.set("prefer", `example=${url.searchParams.get("start") === "1" ? "page1" : "page2"}`);
    };
    const h = harness({ rewrite: byStart });
    const transactions = await h.client.getTransactions({
      ...LOGIN,
      accountId: "7079115306",
      from: "2026-11-01",
      to: "2026-11-30",
    });
    const pages = h.calls("/aggregation/v4/customers/7011450321/accounts/7079115306/transactions");
    expect(pages.map((p) => Object.fromEntries(p.query))).toEqual([
      { fromDate: "1793491200", toDate: "1796083199", start: "1", limit: "2", sort: "asc", includePending: "true" },
      { fromDate: "1793491200", toDate: "1796083199", start: "3", limit: "2", sort: "asc", includePending: "true" },
    ]);
    expect(transactions).toEqual([
      {
        id: "21284820852",
        accountId: "7079115306",
        amountCents: -120_000,
        postedDate: "2026-11-02",
        transactionDate: "2026-11-02",
        description: "CHECK 1042",
        checkNumber: "1042",
        pending: false,
        pendingTransactionId: null,
        category: "Rent",
      },
      expect.objectContaining({
        id: "21284820870",
        amountCents: -475,
        pending: true,
        postedDate: "2026-12-02",
        transactionDate: "2026-12-02",
        checkNumber: null,
      }),
      expect.objectContaining({
        id: "21284820881",
        amountCents: 250_000,
        pending: true,
        description: "MOBILE DEPOSIT",
        postedDate: "2026-12-03",
      }),
      expect.objectContaining({
        id: "21284820899",
        amountCents: -575,
        pending: false,
        postedDate: "2026-12-03",
        transactionDate: "2026-12-02",
        category: "Coffee Shops",
      }),
    ]);
    expect(h.violations).toEqual([]);

    // A provider that keeps saying "more" with the same page: read once, nothing doubled.
    const stuck = harness({ rewrite: prefer((url) => url.pathname.endsWith("/transactions"), "example=page1") });
    const once = await stuck.client.getTransactions({
      ...LOGIN,
      accountId: "7079115306",
      from: "2026-11-01",
      to: "2026-11-30",
    });
    expect(once.map((t) => t.id)).toEqual(["21284820852", "21284820870"]);
    expect(stuck.sent.filter((s) => s.path.endsWith("/transactions"))).toHaveLength(2);
  });

  it("removes a login, and a login already gone counts as removed", async () => {
    const h = harness();
    await h.client.remove(LOGIN);
    const gone = harness({ rewrite: prefer((_url, method) => method === "DELETE", "code=404") });
    await gone.client.remove(LOGIN);
    expect(gone.sent.map((s) => [s.method, s.status])).toContainEqual(["DELETE", 404]);
    expect(h.violations).toEqual([]);
  });

  it("passes provider:check, every contract method once", async () => {
    const h = harness({ client: { transactionPageSize: 1000 } });
    await h.customers.save("org_check", CUSTOMER);
    const lines: string[] = [];
    const result = await runProviderCheck(
      h.client,
      {
        search: "finbank",
        organizationId: "org_check",
        appUrl: "https://bankline.example",
        linkInstitutionId: "",
        linkUsername: "",
        linkPassword: "",
        mfaUsername: "",
        mfaAnswer: "",
      },
      (line) => lines.push(line),
    );
    expect(lines.filter((l) => !l.startsWith("ok "))).toEqual(["provider:check provider=mastercard ok=10 failed=0"]);
    expect(result).toMatchObject({ ok: 10, failed: 0 });
    expect(h.violations).toEqual([]);
  });
});

describe("Mastercard client: what the API description refuses, the client reports", () => {
  const transactions = () => ({ ...LOGIN, accountId: "7079115306", from: "2026-11-01", to: "2026-11-30" });

  it.each<[string, Rewrite, RegExp]>([
    [
      "a missing app token",
      ({ url, headers }) => void (url.pathname !== AUTH_PATH && headers.delete("finicity-app-token")),
      /security/i,
    ],
    [
      "a date that is not epoch seconds",
      ({ url }) => void (url.searchParams.has("fromDate") && url.searchParams.set("fromDate", "2026-11-01")),
      /fromdate must be integer/i,
    ],
    [
      "a page size over 1000",
      ({ url }) => void (url.searchParams.has("limit") && url.searchParams.set("limit", "5000")),
      /limit/,
    ],
    [
      "a path that is not the provider's",
      ({ url }) => void (url.pathname = url.pathname.replace("/aggregation/v4/", "/aggregation/v3/")),
      /.*/,
    ],
  ])("%s", async (_name, rewrite, violation) => {
    const h = harness({ rewrite });
    const err = await failure(h.client.getTransactions(transactions()));
    expect(err.httpStatus).toBeGreaterThanOrEqual(400);
    expect(h.sent.every((s) => s.path === AUTH_PATH || s.status >= 400)).toBe(true);
    if (err.httpStatus !== 404) expect(h.violations.join("\n")).toMatch(violation);
  });

  it("a body field the provider does not take", async () => {
    const h = harness({
      rewrite: (req) => {
        if (req.url.pathname === "/connect/v2/generate") req.body = req.body!.replace('"webhook":', '"webhookUrl":');
      },
    });
    await h.customers.save("org_bad_body", CUSTOMER);
    expect(await failure(h.client.createConnectSession(connectInput("org_bad_body")))).toMatchObject({
      httpStatus: 400,
      kind: "http",
    });
    expect(h.violations.join("\n")).toMatch(/additional properties; found 'webhookUrl'/);
  });

  it("turns the provider's errors into AggregatorErrors without a request when the id cannot be the provider's", async () => {
    const h = harness({
      rewrite: prefer((url) => url.pathname.startsWith("/institution/v2/institutions/"), "code=404"),
    });
    expect(await failure(h.client.getInstitution("101732"))).toMatchObject({
      kind: "not-found",
      code: null,
      httpStatus: 404,
      retryable: false,
      providerMessage: "38007: Customer does not have any accounts associated with institutionLoginId.",
    });
    const before = h.sent.length;
    expect(await failure(h.client.getInstitution("sandbox-bank-personal"))).toMatchObject({ kind: "not-found" });
    expect(await failure(h.client.listAccounts({ loginId: "login_abc", institutionId: "101732" }))).toMatchObject({
      kind: "not-found",
      operation: "listAccounts",
    });
    expect(h.sent.length).toBe(before);
  });

  it("retries a read after a lost connection, and opens the breaker of a failing bank only", async () => {
    const closed = await freePort();
    const h = harness({
      client: {
        breaker: { failureThreshold: 2, openMs: 60_000 },
        retry: { maxAttempts: 2, baseDelayMs: 1, slowBaseDelayMs: 1, maxDelayMs: 1 },
      },
      rewrite: ({ url, index }) => {
        const failingBank = url.pathname.includes("/institutionLogins/1022599300/");
        if (url.pathname !== AUTH_PATH && (failingBank || index === 1)) url.port = String(closed);
      },
    });
    expect(await h.client.listAccounts(LOGIN)).toHaveLength(2);
    const other = { loginId: `${CUSTOMER}:1022599300`, institutionId: "102105" };
    expect(await failure(h.client.listAccounts(other))).toMatchObject({
      kind: "network",
      attempts: 2,
      retryable: true,
    });
    expect(await failure(h.client.listAccounts(other))).toMatchObject({ kind: "circuit-open" });
    expect(await h.client.listAccounts(LOGIN)).toHaveLength(2);
  });
});

describe("Mastercard client: partner token", () => {
  it("is asked for once by many concurrent calls, and renewed after 90 minutes by one of them", async () => {
    const h = harness();
    await Promise.all(Array.from({ length: 20 }, () => h.client.searchInstitutions({ text: "finbank" })));
    expect(h.authCalls()).toBe(1);
    expect(h.calls(AUTH_PATH)[0]!.body).toEqual({ partnerId: PARTNER_ID, partnerSecret: PARTNER_SECRET });
    expect(h.calls(AUTH_PATH)[0]!.headers.get("finicity-app-token")).toBeNull();
    const searches = h.calls("/institution/v2/institutions");
    expect(
      searches.every(
        (s) => s.headers.get("finicity-app-key") === APP_KEY && s.headers.get("finicity-app-token") === TOKEN,
      ),
    ).toBe(true);
    expect(
      h.sent.every(
        (s) => s.headers.get("accept") === "application/json" && s.headers.get("content-type") === "application/json",
      ),
    ).toBe(true);

    h.advance(TOKEN_RENEW_AFTER_MS - 60_000);
    await h.client.searchInstitutions();
    expect(h.authCalls()).toBe(1);
    h.advance(2 * 60_000);
    await Promise.all(Array.from({ length: 20 }, () => h.client.searchInstitutions()));
    expect(h.authCalls()).toBe(2);
  });

  it("is renewed once when calls answer 401, and each call is made once more", async () => {
    let refuse = 0;
    const h = harness({
      rewrite: ({ url, headers }) => {
        if (url.pathname !== AUTH_PATH && refuse > 0) {
          refuse--;
          headers.set("prefer", "code=401");
        }
      },
    });
    refuse = 1;
    await h.client.searchInstitutions();
    expect(h.authCalls()).toBe(2);
    // Nine calls refused at once: one renewal between them.
    refuse = 9;
    await Promise.all(Array.from({ length: 9 }, () => h.client.searchInstitutions()));
    expect(h.authCalls()).toBe(3);
    const statuses = h.calls("/institution/v2/institutions").map((s) => s.status);
    expect([statuses.filter((s) => s === 401).length, statuses.filter((s) => s === 200).length]).toEqual([10, 10]);

    // Still refused with a new token: the error, not a loop.
    const always = harness({ rewrite: prefer((url) => url.pathname !== AUTH_PATH, "code=401") });
    expect(await failure(always.client.listAccounts(LOGIN))).toMatchObject({
      httpStatus: 401,
      kind: "http",
      providerMessage: "10023: Expired (Finicity-App-Token)",
    });
    expect(always.authCalls()).toBe(2);
    expect(always.calls(`/aggregation/v1/customers/${CUSTOMER}/institutionLogins/1022599285/accounts`)).toHaveLength(2);
  });

  it("wrong partner credentials fail every call with 401, asked for once per call", async () => {
    const h = harness({ rewrite: prefer((url) => url.pathname === AUTH_PATH, "code=401") });
    expect(await failure(h.client.searchInstitutions())).toMatchObject({
      operation: "authenticate",
      httpStatus: 401,
      retryable: false,
    });
    expect(h.authCalls()).toBe(1);
  });
});

describe("Mastercard client: secrets", () => {
  it("never puts the partner secret, the app key or a token in a log line or an error", async () => {
    const echo = (status: number) =>
      new Response(
        JSON.stringify({
          code: "10022",
          message: `Invalid (Finicity-App-Token) ${TOKEN} for key ${APP_KEY} / ${PARTNER_SECRET}`,
        }),
        {
          status,
          headers: { "content-type": "application/json" },
        },
      );
    let echoed = 0;
    const h = harness({
      rewrite: ({ url }) => {
        if (url.pathname.includes("/institutionLogins/1022599300") && echoed++ < 4) return echo(echoed % 2 ? 401 : 500);
      },
    });
    await h.customers.save("org_secrets", CUSTOMER);
    await h.client.createConnectSession(connectInput("org_secrets"));
    await h.client.listLogins("org_secrets");
    await h.client.listAccounts(LOGIN);
    await h.client.refresh(LOGIN);
    const other = { loginId: `${CUSTOMER}:1022599300`, institutionId: "102105" };
    const errors = [await failure(h.client.listAccounts(other)), await failure(h.client.remove(other))];
    const seen = [
      ...h.logLines,
      ...errors.flatMap((e) => [e.message, e.providerMessage ?? "", JSON.stringify(e), String(e.stack)]),
    ].join("\n");
    expect(errors.map((e) => e.providerMessage)).toEqual([
      expect.stringContaining("[redacted]"),
      expect.stringContaining("[redacted]"),
    ]);
    expect(h.logLines.length).toBeGreaterThan(5);
    for (const secret of [PARTNER_SECRET, APP_KEY, TOKEN]) expect(seen).not.toContain(secret);
  });
});
