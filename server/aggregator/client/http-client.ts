import { randomUUID } from "node:crypto";
import { z } from "zod";
import { log as defaultLog, type Logger } from "@/server/log";
import { CircuitBreakers, DEFAULT_BREAKER_OPTIONS, type BreakerOptions } from "./circuit-breaker";
import type { AggregatorError } from "./errors";
import { callUrl, runCall, sendRequest, type CallerOptions } from "./http-call";
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "./retry";
import type {
  Account,
  AggregatorClient,
  ConnectSession,
  ConnectSessionInput,
  CredentialLinking,
  Credentials,
  HostedLinking,
  Institution,
  InstitutionPage,
  InstitutionQuery,
  LinkInput,
  LinkStyle,
  LoginOutcome,
  LoginRef,
  LoginStatus,
  ProviderCapabilities,
  Transaction,
  TransactionQuery,
} from "./types";
import {
  TRANSACTION_PAGE_LIMIT,
  wireAccount,
  wireConnectSession,
  wireCustomer,
  wireError,
  wireInstitution,
  wireInstitutionPage,
  wireLogin,
  wireLoginOutcome,
  wireTransactionPage,
  type WireInstitution,
  type WireLogin,
  type WireLoginOutcome,
} from "./wire";

// The HTTP implementation of AggregatorClient for the wire API in docs/aggregator-api.yaml
// (the sandbox, or a provider speaking the same API). It offers both link styles: the
// credential flow, and the sandbox's hosted Connect page. Every attempt has a timeout; only
// transient failures are retried, with jittered exponential backoff; writes carry an
// Idempotency-Key so a retry after a lost answer cannot link twice or answer twice. Logs
// name the operation, ids, status and timing, never a body.

export interface HttpAggregatorClientOptions {
  baseUrl: string;
  clientId?: string | null;
  clientSecret?: string | null;
  /** Per attempt. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  breaker?: Partial<BreakerOptions>;
  /** Sandbox and tests: customers created by link get this webhook URL. */
  customerWebhookUrl?: string | null;
  /** How Add institution starts by default (SANDBOX_LINK_STYLE, which the sandbox reads too). */
  linkStyle?: LinkStyle;
  /**
   * Another provider speaking this wire API may follow other rules (a nightly refresh of its own, a longer history).
   */
  capabilities?: Partial<ProviderCapabilities>;
  logger?: Logger;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry; tests use it to observe the schedule. */
  onRetry?: (info: { operation: string; attempt: number; delayMs: number; error: AggregatorError }) => void;
}

interface Call<T> {
  operation: string;
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  institutionId: string | null;
  loginId?: string | null;
  schema: z.ZodType<T> | null;
  /** Values that must never reach an error or a log (credentials, answers). */
  secrets?: readonly string[];
  /** HTTP statuses that count as success without a body (e.g. 404 on remove). */
  okStatuses?: number[];
}

const customerEnvelope = z.object({ customer: wireCustomer });
const connectSessionEnvelope = z.object({ session: wireConnectSession });
const loginsEnvelope = z.object({ logins: z.array(wireLogin) });
const institutionEnvelope = z.object({ institution: wireInstitution });
const loginEnvelope = z.object({ login: wireLogin });
const accountsEnvelope = z.object({ accounts: z.array(wireAccount) });

const toDate = (iso: string | null) => (iso ? new Date(iso) : null);
/** Wire amounts are decimal dollars with at most two decimals. */
export const toCents = (amount: number) => Math.round(amount * 100);

function toInstitution(w: WireInstitution): Institution {
  return {
    id: w.id,
    name: w.name,
    variant: w.variant === "business" ? "BUSINESS" : "PERSONAL",
    loginUrl: w.loginUrl,
    homeUrl: w.homeUrl ?? null,
    status: w.status,
    sandboxSiteUrl: w.sandboxSiteUrl ?? null,
    linkStyle: w.linkStyle === "hosted" ? "HOSTED" : "CREDENTIALS",
  };
}

function toLoginStatus(w: WireLogin): LoginStatus {
  return {
    loginId: w.id,
    customerId: w.customerId,
    institutionId: w.institutionId,
    statusCode: w.aggregationStatusCode,
    aggregating: w.aggregating,
    lastSuccessAt: toDate(w.lastSuccessAt),
    lastAttemptAt: toDate(w.lastAttemptAt),
  };
}

function toOutcome(w: WireLoginOutcome): LoginOutcome {
  const login = toLoginStatus(w.login);
  if (w.status === "ok") return { kind: "ok", login };
  const q = w.mfa.question;
  return {
    kind: "mfa",
    login,
    challenge: {
      session: w.mfa.session,
      question:
        q.type === "choice"
          ? { id: q.id, kind: "choice", text: q.text, choices: q.choices }
          : { id: q.id, kind: "text", text: q.text },
      expiresAt: new Date(w.mfa.expiresAt),
      statusCode: w.code,
      progress: w.mfa.progress ?? null,
    },
  };
}

export class HttpAggregatorClient implements AggregatorClient, CredentialLinking, HostedLinking {
  readonly provider = "sandbox";
  readonly capabilities: ProviderCapabilities;
  readonly credentialLinking: CredentialLinking = this;
  readonly hostedLinking: HostedLinking = this;
  readonly breakers: CircuitBreakers;
  private readonly baseUrl: string;
  private readonly caller: CallerOptions;

  constructor(private readonly options: HttpAggregatorClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
    this.breakers = new CircuitBreakers({ ...DEFAULT_BREAKER_OPTIONS, ...options.breaker });
    this.caller = {
      breakers: this.breakers,
      retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
      log: (options.logger ?? defaultLog).child({ component: "aggregator-client" }),
      random: options.random,
      sleep: options.sleep,
      onRetry: options.onRetry,
    };
    this.capabilities = {
      linkStyle: options.linkStyle ?? "CREDENTIALS",
      refreshPolicy: "client-scheduled",
      historyDays: 90,
      pendingTransactions: true,
      connectInFrame: true,
      ...options.capabilities,
    };
  }

  async searchInstitutions(query: InstitutionQuery = {}): Promise<InstitutionPage> {
    const page = await this.call({
      operation: "searchInstitutions",
      method: "GET",
      path: "/v1/institutions",
      query: {
        search: query.text,
        variant: query.variant?.toLowerCase(),
        offset: query.offset,
        limit: query.limit,
      },
      institutionId: null,
      schema: wireInstitutionPage,
    });
    return { ...page, institutions: page.institutions.map(toInstitution) };
  }

  async getInstitution(institutionId: string): Promise<Institution> {
    const { institution } = await this.call({
      operation: "getInstitution",
      method: "GET",
      path: `/v1/institutions/${encodeURIComponent(institutionId)}`,
      institutionId: null,
      schema: institutionEnvelope,
    });
    return toInstitution(institution);
  }

  /** The organization's customer at the aggregator, created on first use (the call is idempotent per organization). */
  private async customerOf(organizationId: string, organizationName?: string) {
    const { customer } = await this.call({
      operation: "createCustomer",
      method: "POST",
      path: "/v1/customers",
      body: {
        externalId: organizationId,
        name: organizationName,
        ...(this.options.customerWebhookUrl !== undefined ? { webhookUrl: this.options.customerWebhookUrl } : {}),
      },
      institutionId: null,
      schema: customerEnvelope,
    });
    return customer;
  }

  async createConnectSession(input: ConnectSessionInput): Promise<ConnectSession> {
    const customer = await this.customerOf(input.organizationId, input.organizationName);
    const { session } = await this.call({
      operation: "createConnectSession",
      method: "POST",
      path: `/v1/customers/${encodeURIComponent(customer.id)}/connect-sessions`,
      body: {
        reference: input.reference,
        purpose: input.purpose,
        institutionId: input.institutionId ?? null,
        loginId: input.login?.loginId ?? null,
        webhookUrl: input.webhookUrl,
        redirectUrl: input.redirectUrl,
      },
      institutionId: input.login?.institutionId ?? input.institutionId ?? null,
      loginId: input.login?.loginId ?? null,
      schema: connectSessionEnvelope,
    });
    return { url: session.url, expiresAt: new Date(session.expiresAt) };
  }

  async listLogins(organizationId: string): Promise<LoginStatus[]> {
    const customer = await this.customerOf(organizationId);
    const { logins } = await this.call({
      operation: "listLogins",
      method: "GET",
      path: `/v1/customers/${encodeURIComponent(customer.id)}/institution-logins`,
      institutionId: null,
      schema: loginsEnvelope,
    });
    return logins.map(toLoginStatus);
  }

  async link(input: LinkInput): Promise<LoginOutcome> {
    const customer = await this.customerOf(input.organizationId, input.organizationName);
    const outcome = await this.call({
      operation: "link",
      method: "POST",
      path: `/v1/customers/${encodeURIComponent(customer.id)}/institution-logins`,
      body: { institutionId: input.institutionId, credentials: input.credentials },
      institutionId: input.institutionId,
      schema: wireLoginOutcome,
      secrets: secretsOf(input.credentials),
    });
    return toOutcome(outcome);
  }

  async answerMfa(login: LoginRef, session: string, answer: string): Promise<LoginOutcome> {
    const outcome = await this.call({
      operation: "answerMfa",
      method: "POST",
      path: `${loginPath(login)}/mfa`,
      body: { session, answer },
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: wireLoginOutcome,
      secrets: [answer, session],
    });
    return toOutcome(outcome);
  }

  async listAccounts(login: LoginRef): Promise<Account[]> {
    const { accounts } = await this.call({
      operation: "listAccounts",
      method: "GET",
      path: `${loginPath(login)}/accounts`,
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: accountsEnvelope,
    });
    return accounts.map((a) => ({
      id: a.id,
      loginId: a.loginId,
      institutionId: a.institutionId,
      name: a.name,
      kind: a.type === "creditCard" ? "credit_card" : a.type,
      mask: a.mask,
      balanceCents: a.balance === null ? null : toCents(a.balance),
      currency: a.currency,
      statusCode: a.aggregationStatusCode,
      lastSuccessAt: toDate(a.lastSuccessAt),
      lastAttemptAt: toDate(a.lastAttemptAt),
    }));
  }

  async refresh(login: LoginRef): Promise<LoginOutcome> {
    const outcome = await this.call({
      operation: "refresh",
      method: "POST",
      path: `${loginPath(login)}/refresh`,
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: wireLoginOutcome,
    });
    return toOutcome(outcome);
  }

  async getLoginStatus(login: LoginRef): Promise<LoginStatus> {
    const { login: wire } = await this.call({
      operation: "getLoginStatus",
      method: "GET",
      path: loginPath(login),
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: loginEnvelope,
    });
    return toLoginStatus(wire);
  }

  async getTransactions(query: TransactionQuery): Promise<Transaction[]> {
    const out: Transaction[] = [];
    for (let offset = 0; ;) {
      const page = await this.call({
        operation: "getTransactions",
        method: "GET",
        path: `${loginPath(query)}/accounts/${encodeURIComponent(query.accountId)}/transactions`,
        query: { fromDate: query.from, toDate: query.to, offset, limit: TRANSACTION_PAGE_LIMIT },
        institutionId: query.institutionId,
        loginId: query.loginId,
        schema: wireTransactionPage,
      });
      for (const t of page.transactions) {
        out.push({
          id: t.id,
          accountId: t.accountId,
          amountCents: toCents(t.amount),
          postedDate: t.postedDate,
          transactionDate: t.transactionDate,
          description: t.description,
          checkNumber: t.checkNumber,
          pending: t.status === "pending",
          pendingTransactionId: t.pendingTransactionId,
          category: t.category,
        });
      }
      if (!page.hasMore || page.transactions.length === 0) return out;
      offset += page.transactions.length;
    }
  }

  async updateLogin(login: LoginRef, credentials: Credentials): Promise<LoginOutcome> {
    const outcome = await this.call({
      operation: "updateLogin",
      method: "PUT",
      path: loginPath(login),
      body: { credentials },
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: wireLoginOutcome,
      secrets: secretsOf(credentials),
    });
    return toOutcome(outcome);
  }

  async remove(login: LoginRef): Promise<void> {
    await this.call({
      operation: "remove",
      method: "DELETE",
      path: loginPath(login),
      institutionId: login.institutionId,
      loginId: login.loginId,
      schema: null,
      okStatuses: [404],
    });
  }

  private async call<T>(c: Call<T>): Promise<T> {
    // Every write carries an idempotency key, so repeating it after a lost answer is safe.
    const idempotencyKey = c.method === "GET" ? null : randomUUID();
    const headers: Record<string, string> = { accept: "application/json" };
    if (c.body !== undefined) headers["content-type"] = "application/json";
    if (idempotencyKey) headers["idempotency-key"] = idempotencyKey;
    if (this.options.clientId && this.options.clientSecret) {
      const credentials = `${this.options.clientId}:${this.options.clientSecret}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString("base64")}`;
    }
    const request = {
      url: callUrl(this.baseUrl, c.path, c.query),
      method: c.method,
      headers,
      body: c.body,
      timeoutMs: this.options.timeoutMs ?? 10_000,
      schema: c.schema,
      okStatuses: c.okStatuses,
      secrets: c.secrets,
    };
    const ids = { operation: c.operation, institutionId: c.institutionId, loginId: c.loginId ?? null };
    return runCall(this.caller, ids, (attempt) => sendRequest(request, ids, attempt, readWireError));
  }
}

/** The wire API's error body: `{ error: { code, type, message } }`. */
function readWireError(json: unknown) {
  const parsed = wireError.safeParse(json);
  return parsed.success ? { code: parsed.data.error.code, message: parsed.data.error.message } : null;
}

function loginPath(login: { loginId: string }) {
  return `/v1/institution-logins/${encodeURIComponent(login.loginId)}`;
}

function secretsOf(credentials: Credentials): string[] {
  return [credentials.password, credentials.username];
}
