import type { z } from "zod";
import { log as defaultLog, type Logger } from "@/server/log";
import { CircuitBreakers, DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from "../circuit-breaker";
import { AggregatorError, isAggregatorError } from "../errors";
import { callUrl, runCall, sendRequest, type CallerOptions } from "../http-call";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../retry";
import type {
  Account,
  AggregatorClient,
  ConnectSession,
  ConnectSessionInput,
  CustomerDirectory,
  HostedLinking,
  Institution,
  InstitutionPage,
  InstitutionQuery,
  LoginOutcome,
  LoginRef,
  LoginStatus,
  ProviderCapabilities,
  Transaction,
  TransactionQuery,
} from "../types";
import { decodeLoginId, type MastercardLogin } from "./login-id";
import {
  dayEnd,
  dayStart,
  isAggregationStatusCode,
  loginsOf,
  loginStatusOf,
  mcAccounts,
  mcConnectLink,
  mcCreatedCustomer,
  mcCustomers,
  mcError,
  mcInstitutionEnvelope,
  mcInstitutionPage,
  mcToken,
  mcTransactionPage,
  toAccount,
  toInstitution,
  toTransaction,
} from "./wire";

// Mastercard Open Banking US (formerly Finicity) as a Bankline provider, over the part of its
// API described in docs/mastercard-api.yaml. Its Connect page collects credentials and
// security answers (the hosted link style); it refreshes every active login once a day by
// itself and forbids automated refresh calls, so Bankline only reads, and refreshes when a
// customer asks (Retrieve Transactions) or a support admin forces it.
//
// - Partner authentication gives a token for two hours; it is renewed after 90 minutes and
//   once when a call answers 401, by one request however many calls are waiting for it.
// - One provider customer per organization, created on first need and kept in the
//   CustomerDirectory.
// - A login is `<customerId>:<institutionLoginId>` (./login-id).
// - Only reads (GET) and the token request are retried: the provider has no idempotency
//   keys, so a write repeated after a lost answer would be done twice.
// - Nothing secret reaches a log or an error: the partner secret, the app key and the
//   tokens are cut out of every provider message, and logs name the operation, ids, HTTP
//   status and timing only.

export interface MastercardClientOptions {
  /** The API's base URL (https://api.finicity.com). */
  baseUrl: string;
  partnerId: string;
  partnerSecret: string;
  appKey: string;
  /** Create testing customers (they reach only the provider's test banks) instead of active ones. */
  testing: boolean;
  customers: CustomerDirectory;
  /** Per attempt, for every call but refresh. */
  timeoutMs?: number;
  /** A refresh aggregates at the bank while the request waits; past this it goes on at the provider. */
  refreshTimeoutMs?: number;
  /** Transactions per page (the provider allows 1 to 1000). */
  transactionPageSize?: number;
  /** No account has more pages than this; an answer that keeps saying "more" past it is refused. */
  maxTransactionPages?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerOptions>;
  logger?: Logger;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Tests wrap requests (to pick a mock's example, or to break a request on purpose). */
  fetch?: typeof fetch;
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: AggregatorError }) => void;
}

export const MASTERCARD_PRODUCTION_URL = "https://api.finicity.com";
/** The provider's tokens live two hours; it asks for a new one after 90 minutes. */
export const TOKEN_RENEW_AFTER_MS = 90 * 60_000;
/** A Connect link's life when the link does not say (its `ttl` is two hours after its `timestamp`). */
export const CONNECT_LINK_TTL_MS = 2 * 60 * 60_000;
export const DEFAULT_REFRESH_TIMEOUT_MS = 120_000;
const MAX_PAGE_SIZE = 1000;

interface Call<T> {
  operation: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Selects the circuit breaker: one bank's outage does not hold calls for the others. */
  institutionId: string | null;
  loginId?: string | null;
  schema: z.ZodType<T> | null;
  /** HTTP statuses that count as success without a body (404 on remove). */
  okStatuses?: number[];
  timeoutMs?: number;
  /** The token request itself goes without a token. */
  anonymous?: boolean;
}

interface Token {
  value: string;
  obtainedAt: number;
}

export class MastercardClient implements AggregatorClient, HostedLinking {
  readonly provider = "mastercard";
  readonly capabilities: ProviderCapabilities = {
    linkStyle: "HOSTED",
    refreshPolicy: "provider-nightly",
    historyDays: 180,
    pendingTransactions: true,
    connectInFrame: false,
  };
  readonly credentialLinking = null;
  readonly hostedLinking: HostedLinking = this;
  readonly breakers: CircuitBreakers;
  private readonly baseUrl: string;
  private readonly caller: CallerOptions;
  private readonly log: Logger;
  private readonly pageSize: number;
  private token: Token | null = null;
  private tokenRequest: Promise<Token> | null = null;
  /**
   * The tokens this client was given lately (an old one may still be in a late answer), cut from every error message.
   */
  private readonly tokens: string[] = [];
  private readonly customerRequests = new Map<string, Promise<string>>();

  constructor(private readonly options: MastercardClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.breakers = new CircuitBreakers({ ...DEFAULT_BREAKER_OPTIONS, ...options.breaker });
    this.log = (options.logger ?? defaultLog).child({ component: "aggregator-client", provider: "mastercard" });
    this.caller = {
      breakers: this.breakers,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      log: this.log,
      random: options.random,
      sleep: options.sleep,
      onRetry: options.onRetry,
    };
    this.pageSize = Math.min(MAX_PAGE_SIZE, Math.max(1, options.transactionPageSize ?? MAX_PAGE_SIZE));
  }

  async searchInstitutions(query: InstitutionQuery = {}): Promise<InstitutionPage> {
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.min(MAX_PAGE_SIZE, Math.max(1, query.limit ?? 25));
    const page = await this.call({
      operation: "searchInstitutions",
      method: "GET",
      path: "/institution/v2/institutions",
      query: { search: query.text?.trim() || undefined, start: offset + 1, limit },
      institutionId: null,
      schema: mcInstitutionPage,
    });
    let institutions = page.institutions.map(toInstitution);
    // The catalog cannot be searched by variant: it is read from the names (wire.ts).
    if (query.variant) institutions = institutions.filter((i) => i.variant === query.variant);
    return { institutions, total: page.found, offset, limit };
  }

  async getInstitution(institutionId: string): Promise<Institution> {
    if (!/^[0-9]{1,18}$/.test(institutionId)) {
      throw new AggregatorError({
        kind: "not-found",
        operation: "getInstitution",
        institutionId,
        providerMessage: "not an institution id of this provider",
      });
    }
    const { institution } = await this.call({
      operation: "getInstitution",
      method: "GET",
      path: `/institution/v2/institutions/${institutionId}`,
      institutionId: null,
      schema: mcInstitutionEnvelope,
    });
    return toInstitution(institution);
  }

  async createConnectSession(input: ConnectSessionInput): Promise<ConnectSession> {
    const fix = input.purpose === "fix";
    const login = fix ? this.decode("createConnectSession", input.login ?? null) : null;
    const customerId = login?.customerId ?? (await this.customerOf(input.organizationId));
    const { link } = await this.call({
      operation: "createConnectSession",
      method: "POST",
      path: fix ? "/connect/v2/generate/fix" : "/connect/v2/generate",
      body: {
        partnerId: this.options.partnerId,
        customerId,
        ...(login ? { institutionLoginId: login.institutionLoginId } : {}),
        redirectUri: input.redirectUrl,
        webhook: input.webhookUrl,
        webhookContentType: "application/json",
        // Echoed in every event of the session: how an event finds Bankline's session.
        webhookData: { reference: input.reference },
        singleUseUrl: true,
      },
      institutionId: input.login?.institutionId ?? input.institutionId ?? null,
      loginId: input.login?.loginId ?? null,
      schema: mcConnectLink,
    });
    return { url: link, expiresAt: this.linkExpiry(link) };
  }

  async listLogins(organizationId: string): Promise<LoginStatus[]> {
    // An organization that never opened a Connect session has no customer and so no logins.
    const customerId = await this.options.customers.find(organizationId);
    if (!customerId) return [];
    const { accounts } = await this.call({
      operation: "listLogins",
      method: "GET",
      path: `/aggregation/v1/customers/${encodeURIComponent(customerId)}/accounts`,
      institutionId: null,
      schema: mcAccounts,
    });
    return loginsOf(customerId, accounts);
  }

  async listAccounts(login: LoginRef): Promise<Account[]> {
    const accounts = await this.loginAccounts("listAccounts", login);
    return accounts.map(toAccount).filter((a): a is Account => a !== null);
  }

  async getLoginStatus(login: LoginRef): Promise<LoginStatus> {
    const ids = this.decode("getLoginStatus", login);
    const accounts = await this.loginAccounts("getLoginStatus", login);
    if (accounts.length === 0) {
      throw new AggregatorError({
        kind: "not-found",
        operation: "getLoginStatus",
        institutionId: login.institutionId,
        loginId: login.loginId,
      });
    }
    return loginStatusOf(ids.customerId, ids.institutionLoginId, accounts, login.institutionId);
  }

  async refresh(login: LoginRef): Promise<LoginOutcome> {
    const ids = this.decode("refresh", login);
    try {
      const { accounts } = await this.call({
        operation: "refresh",
        method: "POST",
        path: this.loginPath(ids) + "/accounts",
        institutionId: login.institutionId,
        loginId: login.loginId,
        schema: mcAccounts,
        timeoutMs: this.options.refreshTimeoutMs ?? DEFAULT_REFRESH_TIMEOUT_MS,
      });
      return {
        kind: "ok",
        login: loginStatusOf(ids.customerId, ids.institutionLoginId, accounts, login.institutionId),
      };
    } catch (err) {
      // The bank is slow: the aggregation goes on at the provider, and the sweep reads its outcome later.
      if (isAggregatorError(err) && err.kind === "timeout") {
        return {
          kind: "ok",
          login: {
            loginId: login.loginId,
            customerId: ids.customerId,
            institutionId: login.institutionId,
            statusCode: 325,
            aggregating: true,
            lastSuccessAt: null,
            lastAttemptAt: null,
          },
        };
      }
      throw err;
    }
  }

  async getTransactions(query: TransactionQuery): Promise<Transaction[]> {
    const ids = this.decode("getTransactions", query);
    const maxPages = this.options.maxTransactionPages ?? 1000;
    const seen = new Set<string>();
    const out: Transaction[] = [];
    for (let page = 0, start = 1; page < maxPages; page++) {
      const answer = await this.call({
        operation: "getTransactions",
        method: "GET",
        path:
          `/aggregation/v4/customers/${encodeURIComponent(ids.customerId)}` +
          `/accounts/${encodeURIComponent(query.accountId)}/transactions`,
        query: {
          fromDate: dayStart(query.from),
          toDate: dayEnd(query.to),
          start,
          limit: this.pageSize,
          // Oldest first: transactions arriving while the pages are read land after them.
          sort: "asc",
          includePending: true,
        },
        institutionId: query.institutionId,
        loginId: query.loginId,
        schema: mcTransactionPage,
      });
      let fresh = 0;
      for (const t of answer.transactions) {
        if (seen.has(t.id)) continue;
        seen.add(t.id);
        out.push(toTransaction(t, query.accountId));
        fresh++;
      }
      // `moreAvailable` alone is not trusted: a short page, an empty one, or one that brings
      // nothing new ends the reading too.
      if (!answer.moreAvailable || answer.transactions.length < this.pageSize || fresh === 0) return out;
      start += answer.transactions.length;
    }
    throw new AggregatorError({
      kind: "invalid-response",
      operation: "getTransactions",
      institutionId: query.institutionId,
      loginId: query.loginId,
      providerMessage: `still more transactions after ${maxPages} pages`,
    });
  }

  async remove(login: LoginRef): Promise<void> {
    const ids = this.decode("remove", login);
    await this.call({
      operation: "remove",
      method: "DELETE",
      path: this.loginPath(ids),
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: null,
      okStatuses: [404],
    });
  }

  private loginPath(ids: MastercardLogin) {
    return (
      `/aggregation/v1/customers/${encodeURIComponent(ids.customerId)}` +
      `/institutionLogins/${encodeURIComponent(ids.institutionLoginId)}`
    );
  }

  private async loginAccounts(operation: string, login: LoginRef) {
    const ids = this.decode(operation, login);
    const { accounts } = await this.call({
      operation,
      method: "GET",
      path: this.loginPath(ids) + "/accounts",
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: mcAccounts,
    });
    return accounts;
  }

  private decode(operation: string, login: { loginId: string; institutionId?: string } | null): MastercardLogin {
    const ids = login ? decodeLoginId(login.loginId) : null;
    if (!ids) {
      throw new AggregatorError({
        kind: "not-found",
        operation,
        institutionId: login?.institutionId ?? null,
        loginId: login?.loginId ?? null,
        providerMessage: "not a login id of this provider",
      });
    }
    return ids;
  }

  /** The link's own expiry (`ttl`, epoch milliseconds) when it is a sensible one; else two hours. */
  private linkExpiry(link: string): Date {
    const now = this.now();
    const ttl = Number(new URL(link).searchParams.get("ttl"));
    return new Date(
      Number.isFinite(ttl) && ttl > now && ttl <= now + 24 * CONNECT_LINK_TTL_MS ? ttl : now + CONNECT_LINK_TTL_MS,
    );
  }

  private now() {
    return (this.options.now ?? Date.now)();
  }

  // ---- the organization's customer ----

  /** The organization's customer at the provider, created on first need; one creation at a time per organization. */
  private async customerOf(organizationId: string): Promise<string> {
    const known = await this.options.customers.find(organizationId);
    if (known) return known;
    let pending = this.customerRequests.get(organizationId);
    if (!pending) {
      pending = this.createCustomer(organizationId).finally(() => this.customerRequests.delete(organizationId));
      this.customerRequests.set(organizationId, pending);
    }
    return pending;
  }

  private async createCustomer(organizationId: string): Promise<string> {
    const username = customerUsername(organizationId);
    let customerId: string;
    try {
      ({ id: customerId } = await this.call({
        operation: "createCustomer",
        method: "POST",
        path: `/aggregation/v2/customers/${this.options.testing ? "testing" : "active"}`,
        body: { username, firstName: "Bankline", lastName: "Organization" },
        institutionId: null,
        schema: mcCreatedCustomer,
      }));
    } catch (err) {
      // The username is taken: an earlier creation succeeded but its answer or its record was lost.
      if (!(isAggregatorError(err) && err.httpStatus === 409)) throw err;
      customerId = await this.findCustomer(username, err);
    }
    const saved = await this.options.customers.save(organizationId, customerId);
    this.log.info({ operation: "createCustomer", organizationId, customerId: saved }, "provider customer recorded");
    return saved;
  }

  private async findCustomer(username: string, conflict: AggregatorError): Promise<string> {
    const { customers } = await this.call({
      operation: "findCustomer",
      method: "GET",
      path: "/aggregation/v1/customers",
      query: { username },
      institutionId: null,
      schema: mcCustomers,
    });
    const found = customers.find((c) => c.username === username);
    if (!found) throw conflict;
    return found.id;
  }

  // ---- partner authentication ----

  private async currentToken(): Promise<Token> {
    const t = this.token;
    if (t && this.now() - t.obtainedAt < TOKEN_RENEW_AFTER_MS) return t;
    return this.renewToken(t);
  }

  /**
   * A token in place of `stale`, shared by every caller: one request, however many calls wait.
   * A caller whose token was already replaced gets the new one (tokens are compared as the
   * records this client keeps, not as strings).
   */
  private renewToken(stale: Token | null): Promise<Token> {
    const t = this.token;
    if (t && t !== stale && this.now() - t.obtainedAt < TOKEN_RENEW_AFTER_MS) return Promise.resolve(t);
    this.tokenRequest ??= this.authenticate().finally(() => (this.tokenRequest = null));
    return this.tokenRequest;
  }

  private async authenticate(): Promise<Token> {
    const obtainedAt = this.now();
    const { token } = await this.call({
      operation: "authenticate",
      method: "POST",
      path: "/aggregation/v2/partners/authentication",
      body: { partnerId: this.options.partnerId, partnerSecret: this.options.partnerSecret },
      institutionId: null,
      schema: mcToken,
      anonymous: true,
    });
    this.tokens.unshift(token);
    this.tokens.length = Math.min(this.tokens.length, 4);
    this.token = { value: token, obtainedAt };
    this.log.info({ operation: "authenticate" }, "partner token renewed");
    return this.token;
  }

  private secrets(): string[] {
    return [this.options.partnerSecret, this.options.appKey, ...this.tokens];
  }

  // ---- requests ----

  private async call<T>(c: Call<T>): Promise<T> {
    const ids = { operation: c.operation, institutionId: c.institutionId, loginId: c.loginId ?? null };
    const url = callUrl(this.baseUrl, c.path, c.query);
    let token: Token | null = null;
    let renewed = false;
    return runCall(
      this.caller,
      ids,
      async (attempt) => {
        token = c.anonymous ? null : await this.currentToken();
        // The provider's examples send both JSON headers on every call, with a body or without.
        const headers: Record<string, string> = {
          accept: "application/json",
          "content-type": "application/json",
          "finicity-app-key": this.options.appKey,
        };
        if (token !== null) headers["finicity-app-token"] = token.value;
        const request = {
          url,
          method: c.method,
          headers,
          body: c.body,
          timeoutMs: c.timeoutMs ?? this.options.timeoutMs ?? 10_000,
          schema: c.schema,
          okStatuses: c.okStatuses,
          secrets: this.secrets(),
          fetch: this.options.fetch,
        };
        return sendRequest(request, ids, attempt, readMastercardError);
      },
      {
        // Reads and the token request may be repeated; a write never is (no idempotency keys).
        retries: c.method === "GET" || c.anonymous === true,
        // An expired or revoked token: one new token, then the same
        // call once more (nothing was done with a refused token).
        reattempt: async (error) => {
          if (error.httpStatus !== 401 || token === null || renewed) return false;
          renewed = true;
          await this.renewToken(token);
          return true;
        },
      },
    );
  }
}

/**
 * An aggregation status code (the bank's answer, which the provider sends with HTTP 500) goes
 * to the error's code; an API error code names what was wrong with the call and is kept in
 * the message.
 */
function readMastercardError(json: unknown) {
  const parsed = mcError.safeParse(json);
  if (!parsed.success) return null;
  const { code, message } = parsed.data;
  if (isAggregationStatusCode(code)) return { code, message };
  return {
    code: null,
    message: Number.isFinite(code) ? [code, message].filter((p) => p !== null).join(": ") : message,
  };
}

/**
 * The provider's username for an organization's customer: unique per partner, 6 to 255 of
 * letters, digits and `!@.#$%&*_-+`. Organization ids are already such strings.
 */
export function customerUsername(organizationId: string): string {
  return `bankline-${organizationId.replace(/[^A-Za-z0-9!@.#$%&*_+-]/g, "_")}`.slice(0, 255);
}
