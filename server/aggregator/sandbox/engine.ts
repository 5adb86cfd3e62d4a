import { createHmac, randomBytes } from "node:crypto";
import type {
  WireAccount,
  WireCustomer,
  WireError,
  WireInstitution,
  WireLogin,
  WireLoginOutcome,
  WireLinkStyle,
  WireTransactionPage,
} from "@/server/aggregator/client/wire";
import type { Logger } from "@/server/log";
import type { AggregatorEventData } from "@/server/webhooks/aggregator-events";
import { findInstitution, type CatalogInstitution } from "./catalog";
import { feedBalanceCents, materializeFeed, recordPendingSightings, type FeedLogin, type FeedView } from "./feed";
import { dayNumber, parseIsoDay } from "./random";
import { mask } from "./real-world";
import type { StateStore } from "./state-store";
import {
  answerMatches,
  DEFAULT_PASSWORD,
  findTestLogin,
  normalizeUsername,
  type AccountSpec,
  type TestLogin,
} from "./test-logins";
import type { WebhookSender } from "./webhook-sender";

// What the sandbox aggregator does: customers, institution logins, MFA, asynchronous
// aggregation with its status codes, accounts and transactions, and the bank users behind
// the sandbox bank's own site. The HTTP layer (server.ts) only parses and routes.
// Credentials are compared as HMACs under a per-state salt and never kept in clear.

export class SandboxError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly type: WireError["error"]["type"],
    readonly code: number | null,
    message: string,
  ) {
    super(message);
  }
}

const aggregationMessages: Record<number, string> = {
  102: "The institution's website did not respond.",
  103: "The login credentials are not valid for this institution.",
  108: "The institution requires the user to act on its website.",
  109: "The institution requires a password or security question change.",
  185: "Multi-factor authentication is required to continue.",
  187: "The multi-factor answer was not accepted.",
  325: "An aggregation is already in progress for this login.",
  331: "The multi-factor session expired.",
  903: "The institution's connection is under scheduled maintenance.",
  910: "The connection to this institution is temporarily down.",
  945: "The institution moved to a new connection; the login must be added again.",
  946: "The account can no longer be found at the institution.",
};

export function aggregationError(code: number): SandboxError {
  const httpStatus = code === 325 ? 409 : code === 102 || (code >= 900 && code <= 910) ? 503 : 422;
  return new SandboxError(
    httpStatus,
    "aggregation",
    code,
    aggregationMessages[code] ?? `Aggregation failed with ${code}.`,
  );
}

export const notFound = (what: string) => new SandboxError(404, "not_found", null, `${what} was not found.`);

export interface CustomerRecord {
  id: string;
  externalId: string;
  name: string | null;
  webhookUrl: string | null;
  createdAt: string;
}

export interface LoginRecord {
  id: string;
  customerId: string;
  institutionId: string;
  /** Normalized; selects the test behaviour and the bank user. */
  username: string;
  credentialHash: string;
  createdAt: string;
  /** False until the first link (including its MFA) completes: no data before that. */
  linked: boolean;
  statusCode: number;
  lastSuccessAt: string | null;
  lastAttemptAt: string | null;
  syncSeq: number;
  refreshCount: number;
  linkedDay: number | null;
  asOfDay: number | null;
  pendingSeen: Record<string, number>;
  /** The accounts (AccountSpec keys) the customer shared on the Connect page; absent: all of them. */
  sharedAccounts?: string[];
}

export interface BankUserRecord {
  /** Null while the password is still the default. */
  passwordHash: string | null;
  termsPending: boolean;
  mustChangePassword: boolean;
}

/** "demo_outage": only demo_outage's refreshes fail (the documented switch); "all": every aggregation. */
export const OUTAGE_SCOPES = ["demo_outage", "all"] as const;

export interface OutageRecord {
  since: string;
  affects: (typeof OUTAGE_SCOPES)[number];
}

interface MfaSession {
  token: string;
  loginId: string;
  purpose: "link" | "update";
  step: number;
  expiresAt: number;
  timer: NodeJS.Timeout;
  pendingCredentialHash?: string;
  pendingUsername?: string;
}

/** What started an aggregation, as its webhook event says. */
type AggregationKind = AggregatorEventData["trigger"];

export type LinkStyle = WireLinkStyle;
/** Who hands the sandbox credentials and answers: Bankline through the API, or the person on the Connect page. */
export type CredentialChannel = "api" | "connect";

export interface EngineOptions {
  store: StateStore;
  webhooks: WebhookSender;
  log: Logger;
  slowMs: number;
  mfaTimeoutMs: number;
  /** Where webhooks go for customers without their own URL (env or PUT /v1/webhook). */
  defaultWebhookUrl: string | null;
  /** Institutions down for every login from the start (SANDBOX_OUTAGE). */
  outages?: string[];
  /** Every institution's link style unless switched per institution (SANDBOX_LINK_STYLE). */
  linkStyle?: LinkStyle;
}

const bankUserKey = (institutionId: string, username: string) => `${institutionId}/${normalizeUsername(username)}`;
const randomToken = (prefix: string, bytes = 12) => `${prefix}_${randomBytes(bytes).toString("hex")}`;

export class SandboxEngine {
  private readonly running = new Map<string, NodeJS.Timeout>();
  private readonly sessions = new Map<string, MfaSession>();
  private readonly sessionByLogin = new Map<string, string>();
  private readonly customersByExternalId = new Map<string, string>();
  private readonly feedCache = new Map<string, FeedView>();
  private readonly envOutages: Set<string>;
  private readonly salt: string;

  constructor(private readonly o: EngineOptions) {
    this.envOutages = new Set(o.outages ?? []);
    let salt = o.store.get<string>("settings", "salt");
    if (!salt) {
      salt = randomBytes(16).toString("hex");
      o.store.put("settings", "salt", salt);
    }
    this.salt = salt;
    for (const c of o.store.values<CustomerRecord>("customers")) this.customersByExternalId.set(c.externalId, c.id);
  }

  stop() {
    for (const t of this.running.values()) clearTimeout(t);
    for (const s of this.sessions.values()) clearTimeout(s.timer);
    this.running.clear();
    this.sessions.clear();
  }

  // ---- webhook registration ----

  get webhookUrl(): string | null {
    return this.o.store.get<string>("settings", "webhookUrl") ?? this.o.defaultWebhookUrl;
  }

  setWebhookUrl(url: string | null) {
    if (url) this.o.store.put("settings", "webhookUrl", url);
    else this.o.store.delete("settings", "webhookUrl");
  }

  // ---- institutions ----

  outage(institutionId: string): OutageRecord | null {
    if (this.envOutages.has(institutionId)) return { since: "process start", affects: "all" };
    return this.o.store.get<OutageRecord>("outages", institutionId) ?? null;
  }

  setOutage(institutionId: string, down: boolean, affects: OutageRecord["affects"] = "demo_outage") {
    if (!findInstitution(institutionId)) throw notFound("The institution");
    if (down) this.o.store.put("outages", institutionId, { since: new Date().toISOString(), affects });
    else {
      this.o.store.delete("outages", institutionId);
      this.envOutages.delete(institutionId);
    }
  }

  linkStyle(institutionId: string): LinkStyle {
    return this.o.store.get<LinkStyle>("linkStyles", institutionId) ?? this.o.linkStyle ?? "credentials";
  }

  /** null: back to the sandbox's default. */
  setLinkStyle(institutionId: string, style: LinkStyle | null) {
    if (!findInstitution(institutionId)) throw notFound("The institution");
    if (style) this.o.store.put("linkStyles", institutionId, style);
    else this.o.store.delete("linkStyles", institutionId);
  }

  /** A hosted institution takes credentials and answers on the Connect page only, never from the client. */
  private refuseHostedCredentials(inst: CatalogInstitution, channel: CredentialChannel) {
    if (channel === "api" && this.linkStyle(inst.id) === "hosted") {
      throw new SandboxError(
        400,
        "invalid_request",
        null,
        `${inst.name} links through the hosted Connect page only: ` +
          "create a Connect session (POST /v1/customers/{customerId}/connect-sessions) " +
          "instead of sending credentials or answers.",
      );
    }
  }

  institutionView(inst: CatalogInstitution, baseUrl: string): WireInstitution {
    return {
      ...inst,
      status: this.outage(inst.id) ? "outage" : "online",
      sandboxSiteUrl: `${baseUrl}/bank/${inst.id}`,
      linkStyle: this.linkStyle(inst.id),
    };
  }

  // ---- customers ----

  upsertCustomer(input: { externalId: string; name?: string; webhookUrl?: string | null }): {
    customer: WireCustomer;
    created: boolean;
  } {
    const existingId = this.customersByExternalId.get(input.externalId);
    const existing = existingId ? this.o.store.get<CustomerRecord>("customers", existingId) : undefined;
    const customer: CustomerRecord = existing
      ? {
          ...existing,
          name: input.name ?? existing.name,
          webhookUrl: input.webhookUrl === undefined ? existing.webhookUrl : input.webhookUrl,
        }
      : {
          id: randomToken("cus", 8),
          externalId: input.externalId,
          name: input.name ?? null,
          webhookUrl: input.webhookUrl ?? null,
          createdAt: new Date().toISOString(),
        };
    this.o.store.put("customers", customer.id, customer);
    this.customersByExternalId.set(customer.externalId, customer.id);
    return { customer, created: !existing };
  }

  customer(id: string): CustomerRecord {
    const c = this.o.store.get<CustomerRecord>("customers", id);
    if (!c) throw notFound("The customer");
    return c;
  }

  /** Where the customer's events go: its own URL, else the registered one. */
  webhookUrlFor(customer: CustomerRecord): string | null {
    return customer.webhookUrl ?? this.webhookUrl;
  }

  deleteCustomer(id: string) {
    const c = this.customer(id);
    for (const login of [...this.o.store.values<LoginRecord>("logins")]) {
      if (login.customerId === id) this.removeLogin(login.id);
    }
    this.o.store.delete("customers", id);
    this.customersByExternalId.delete(c.externalId);
  }

  customerLogins(customerId: string): WireLogin[] {
    this.customer(customerId);
    const out: WireLogin[] = [];
    for (const login of this.o.store.values<LoginRecord>("logins")) {
      if (login.customerId === customerId) out.push(this.loginView(login));
    }
    return out;
  }

  // ---- logins ----

  login(id: string): LoginRecord {
    const login = this.findLogin(id);
    if (!login) throw notFound("The institution login");
    return login;
  }

  findLogin(id: string): LoginRecord | undefined {
    return this.o.store.get<LoginRecord>("logins", id);
  }

  loginView(login: LoginRecord): WireLogin {
    const aggregating = this.running.has(login.id);
    return {
      id: login.id,
      customerId: login.customerId,
      institutionId: login.institutionId,
      aggregationStatusCode: aggregating ? 325 : login.statusCode,
      aggregating,
      lastSuccessAt: login.lastSuccessAt,
      lastAttemptAt: login.lastAttemptAt,
      createdAt: login.createdAt,
    };
  }

  private save(login: LoginRecord) {
    this.o.store.put("logins", login.id, login);
  }

  private hash(password: string) {
    return createHmac("sha256", this.salt).update(password).digest("hex");
  }

  private bankUser(institutionId: string, username: string): BankUserRecord {
    return (
      this.o.store.get<BankUserRecord>("bankUsers", bankUserKey(institutionId, username)) ?? {
        passwordHash: null,
        termsPending: false,
        mustChangePassword: false,
      }
    );
  }

  private saveBankUser(institutionId: string, username: string, record: BankUserRecord) {
    this.o.store.put("bankUsers", bankUserKey(institutionId, username), record);
  }

  /** The bank's current password as an HMAC, or null when the user cannot sign in here at all. */
  private expectedHash(inst: CatalogInstitution, username: string): string | null {
    const testLogin = findTestLogin(username);
    if (!testLogin) return null;
    if (testLogin.onlyVariant && testLogin.onlyVariant !== inst.variant) return null;
    return this.bankUser(inst.id, username).passwordHash ?? this.hash(DEFAULT_PASSWORD);
  }

  checkCredentials(inst: CatalogInstitution, username: string, password: string): boolean {
    const expected = this.expectedHash(inst, username);
    return expected !== null && expected === this.hash(password);
  }

  institution(id: string): CatalogInstitution {
    const inst = findInstitution(id);
    if (!inst) throw notFound("The institution");
    return inst;
  }

  private testLogin(login: LoginRecord): TestLogin {
    return findTestLogin(login.username)!;
  }

  link(
    customerId: string,
    input: { institutionId: string; credentials: { username: string; password: string } },
    channel: CredentialChannel = "api",
  ): WireLoginOutcome {
    this.customer(customerId);
    const inst = this.institution(input.institutionId);
    this.refuseHostedCredentials(inst, channel);
    if (this.outage(inst.id)?.affects === "all") throw aggregationError(910);
    const { username, password } = input.credentials;
    if (!this.checkCredentials(inst, username, password)) throw aggregationError(103);
    const now = new Date().toISOString();
    const login: LoginRecord = {
      id: randomToken("login"),
      customerId,
      institutionId: inst.id,
      username: normalizeUsername(username),
      credentialHash: this.hash(password),
      createdAt: now,
      linked: false,
      statusCode: 185,
      lastSuccessAt: null,
      lastAttemptAt: now,
      syncSeq: 0,
      refreshCount: 0,
      linkedDay: null,
      asOfDay: null,
      pendingSeen: {},
    };
    this.save(login);
    if (this.testLogin(login).mfa.length > 0) return this.askMfa(login, { purpose: "link", step: 0 }, 185);
    return this.completeLink(login);
  }

  private completeLink(login: LoginRecord): WireLoginOutcome {
    login.linked = true;
    login.linkedDay = dayNumber();
    const { behaviour } = this.testLogin(login);
    // Each new link re-arms the bank's demand, so the documented flow can be replayed.
    if (behaviour === "demo_terms" || behaviour === "demo_password") {
      const bu = this.bankUser(login.institutionId, login.username);
      this.saveBankUser(login.institutionId, login.username, {
        ...bu,
        termsPending: bu.termsPending || behaviour === "demo_terms",
        mustChangePassword: bu.mustChangePassword || behaviour === "demo_password",
      });
    }
    return this.aggregate(login, "link");
  }

  refresh(loginId: string): { outcome: WireLoginOutcome; finished: boolean } {
    const login = this.login(loginId);
    if (this.running.has(login.id)) throw aggregationError(325);
    if (!login.linked) {
      if (this.outage(login.institutionId)?.affects === "all") throw aggregationError(910);
      if (this.linkStyle(login.institutionId) === "hosted") {
        // The questions are asked on the Connect page (Connect Fix), never through the client.
        if (!this.sessionByLogin.has(login.id)) {
          login.statusCode = 185;
          this.save(login);
        }
        throw aggregationError(185);
      }
      return { outcome: this.askMfa(login, { purpose: "link", step: 0 }, 185), finished: true };
    }
    const outcome = this.aggregate(login, "refresh");
    return { outcome, finished: !outcome.login.aggregating };
  }

  updateLogin(
    loginId: string,
    credentials: { username: string; password: string },
    channel: CredentialChannel = "api",
  ): WireLoginOutcome {
    const login = this.login(loginId);
    const inst = this.institution(login.institutionId);
    this.refuseHostedCredentials(inst, channel);
    if (this.running.has(login.id)) throw aggregationError(325);
    if (this.outage(inst.id)?.affects === "all") throw aggregationError(910);
    login.lastAttemptAt = new Date().toISOString();
    if (!this.checkCredentials(inst, credentials.username, credentials.password)) {
      this.endSession(login.id);
      login.statusCode = 103;
      this.save(login);
      throw aggregationError(103);
    }
    const username = normalizeUsername(credentials.username);
    const credentialHash = this.hash(credentials.password);
    if (findTestLogin(username)!.mfa.length > 0) {
      return this.askMfa(
        login,
        { purpose: "update", step: 0, pendingCredentialHash: credentialHash, pendingUsername: username },
        185,
      );
    }
    this.acceptCredentials(login, username, credentialHash);
    return login.linked ? this.aggregate(login, "update") : this.completeLink(login);
  }

  private acceptCredentials(login: LoginRecord, username: string, credentialHash: string) {
    // Another bank user has other accounts: the accounts shared were the previous user's.
    if (username !== login.username) delete login.sharedAccounts;
    login.username = username;
    login.credentialHash = credentialHash;
  }

  answerMfa(loginId: string, token: string, answer: string, channel: CredentialChannel = "api"): WireLoginOutcome {
    const login = this.login(loginId);
    this.refuseHostedCredentials(this.institution(login.institutionId), channel);
    const session = this.sessions.get(token);
    if (!session || session.loginId !== login.id || session.expiresAt <= Date.now()) {
      const current = this.sessionByLogin.get(login.id);
      // The current question timed out, or the sessions were lost with a restart.
      if (current === token || (!current && (login.statusCode === 185 || login.statusCode === 187)))
        this.expire(login.id);
      throw aggregationError(331);
    }
    const steps = findTestLogin(session.pendingUsername ?? login.username)!.mfa;
    const step = steps[session.step]!;
    if (!answerMatches(step, answer)) return this.askMfa(login, session, 187);
    if (session.step + 1 < steps.length) return this.askMfa(login, { ...session, step: session.step + 1 }, 185);
    this.endSession(login.id);
    if (session.purpose === "link") return this.completeLink(login);
    this.acceptCredentials(
      login,
      session.pendingUsername ?? login.username,
      session.pendingCredentialHash ?? login.credentialHash,
    );
    return login.linked ? this.aggregate(login, "update") : this.completeLink(login);
  }

  /** Asks the session's current question under a fresh token; the previous token stops working. */
  private askMfa(
    login: LoginRecord,
    s: Pick<MfaSession, "purpose" | "step" | "pendingCredentialHash" | "pendingUsername">,
    code: 185 | 187,
  ): WireLoginOutcome {
    this.endSession(login.id);
    const token = randomBytes(24).toString("base64url");
    const expiresAt = Date.now() + this.o.mfaTimeoutMs;
    const timer = setTimeout(() => this.expire(login.id, token), this.o.mfaTimeoutMs);
    timer.unref();
    this.sessions.set(token, { ...s, token, loginId: login.id, expiresAt, timer });
    this.sessionByLogin.set(login.id, token);
    login.statusCode = code;
    this.save(login);
    const steps = findTestLogin(s.pendingUsername ?? login.username)!.mfa;
    return {
      status: "mfa_required",
      code,
      login: this.loginView(login),
      mfa: {
        session: token,
        question: steps[s.step]!.question,
        expiresAt: new Date(expiresAt).toISOString(),
        progress: { current: s.step + 1, total: steps.length },
      },
    };
  }

  private endSession(loginId: string) {
    const token = this.sessionByLogin.get(loginId);
    if (!token) return;
    const s = this.sessions.get(token);
    if (s) clearTimeout(s.timer);
    this.sessions.delete(token);
    this.sessionByLogin.delete(loginId);
  }

  /** A question went unanswered too long (or a stale session was used): 331. */
  private expire(loginId: string, token?: string) {
    const current = this.sessionByLogin.get(loginId);
    if (token && current !== token) return;
    const purpose = (current && this.sessions.get(current)?.purpose) || "link";
    this.endSession(loginId);
    const login = this.o.store.get<LoginRecord>("logins", loginId);
    if (!login) return;
    login.statusCode = 331;
    this.save(login);
    this.notify(login, "login.mfa_expired", purpose === "update" ? "update" : "link");
  }

  /** Runs an aggregation: at once for most logins, in the background for demo_slow. */
  private aggregate(login: LoginRecord, kind: AggregationKind): WireLoginOutcome {
    login.lastAttemptAt = new Date().toISOString();
    const failure = this.failureFor(login, kind);
    if (this.testLogin(login).slow) {
      const timer = setTimeout(() => this.finish(login.id, failure, kind), this.o.slowMs);
      timer.unref();
      this.running.set(login.id, timer);
      this.save(login);
      return { status: "ok", code: 325, login: this.loginView(login) };
    }
    this.finish(login.id, failure, kind);
    if (failure !== null) throw aggregationError(failure);
    const view = this.loginView(login);
    return { status: "ok", code: view.aggregationStatusCode, login: view };
  }

  private failureFor(login: LoginRecord, kind: AggregationKind): number | null {
    const outage = this.outage(login.institutionId);
    const { behaviour } = this.testLogin(login);
    if (outage?.affects === "all") return 910;
    if (kind === "refresh") {
      if (outage && behaviour === "demo_outage") return 910;
      const inst = this.institution(login.institutionId);
      if (this.expectedHash(inst, login.username) !== login.credentialHash) return 103;
    }
    if (kind !== "link") {
      const bu = this.bankUser(login.institutionId, login.username);
      if (behaviour === "demo_terms" && bu.termsPending) return 108;
      if (behaviour === "demo_password" && bu.mustChangePassword) return 109;
    }
    if (kind === "refresh") {
      switch (behaviour) {
        case "demo_down":
          login.refreshCount++;
          return login.refreshCount % 4 === 0 ? null : 102;
        case "demo_moved":
          return 945;
        case "demo_closed":
          return 946;
        case "demo_maintenance":
          return 903;
      }
    }
    return null;
  }

  private finish(loginId: string, failure: number | null, kind: AggregationKind) {
    this.running.delete(loginId);
    const login = this.o.store.get<LoginRecord>("logins", loginId);
    if (!login) return;
    if (failure !== null) {
      login.statusCode = failure;
    } else {
      const now = new Date();
      login.statusCode = 0;
      login.lastSuccessAt = now.toISOString();
      login.syncSeq++;
      login.asOfDay = dayNumber(now);
      login.pendingSeen = recordPendingSightings(this.feedLogin(login), this.testLogin(login).accounts);
    }
    this.save(login);
    this.notify(login, "aggregation.completed", kind);
  }

  private notify(login: LoginRecord, type: "aggregation.completed" | "login.mfa_expired", trigger: AggregationKind) {
    const customer = this.o.store.get<CustomerRecord>("customers", login.customerId);
    if (!customer) return;
    const view = this.loginView(login);
    this.o.webhooks.send(customer.webhookUrl ?? this.webhookUrl, type, {
      loginId: login.id,
      customerId: customer.id,
      customerExternalId: customer.externalId,
      institutionId: login.institutionId,
      statusCode: view.aggregationStatusCode,
      aggregating: view.aggregating,
      lastSuccessAt: view.lastSuccessAt,
      lastAttemptAt: view.lastAttemptAt,
      trigger,
    });
  }

  removeLogin(loginId: string) {
    const login = this.login(loginId);
    clearTimeout(this.running.get(login.id));
    this.running.delete(login.id);
    this.endSession(login.id);
    this.o.store.delete("logins", login.id);
  }

  // ---- data ----

  /** Data requests: 325 while aggregating, the MFA code before the link completed. */
  private readable(loginId: string): LoginRecord {
    const login = this.login(loginId);
    if (this.running.has(login.id)) throw aggregationError(325);
    if (!login.linked || login.asOfDay === null)
      throw aggregationError([185, 187, 331].includes(login.statusCode) ? login.statusCode : 185);
    return login;
  }

  private feedLogin(login: LoginRecord): FeedLogin {
    return {
      id: login.id,
      seed: `${login.institutionId}|${login.username}`,
      syncSeq: login.syncSeq,
      asOfDay: login.asOfDay ?? dayNumber(),
      linkedDay: login.linkedDay ?? dayNumber(),
      pendingSeen: login.pendingSeen,
    };
  }

  private accountId(login: LoginRecord, spec: AccountSpec) {
    return `acct_${createHmac("sha256", "account").update(`${login.id}|${spec.key}`).digest("hex").slice(0, 20)}`;
  }

  private feed(login: LoginRecord, spec: AccountSpec): FeedView {
    const key = `${login.id}|${spec.key}|${login.syncSeq}|${login.asOfDay}`;
    let view = this.feedCache.get(key);
    if (view) {
      this.feedCache.delete(key);
    } else {
      view = materializeFeed(this.feedLogin(login), spec);
      const accountId = this.accountId(login, spec);
      for (const t of view.transactions) t.accountId = accountId;
    }
    this.feedCache.set(key, view);
    if (this.feedCache.size > 32) this.feedCache.delete(this.feedCache.keys().next().value!);
    return view;
  }

  /** The login's accounts the customer shares (all unless chosen on the Connect page). */
  private sharedSpecs(login: LoginRecord): AccountSpec[] {
    const all = this.testLogin(login).accounts;
    return login.sharedAccounts ? all.filter((spec) => login.sharedAccounts!.includes(spec.key)) : all;
  }

  /** Shares only these accounts (ids as `accounts` gives them) with the client from now on. */
  shareAccounts(loginId: string, accountIds: string[]) {
    const login = this.readable(loginId);
    const specs = this.testLogin(login).accounts.filter((spec) => accountIds.includes(this.accountId(login, spec)));
    if (specs.length === 0) throw new SandboxError(400, "invalid_request", null, "Share at least one account.");
    login.sharedAccounts = specs.map((spec) => spec.key);
    this.save(login);
  }

  accounts(loginId: string): WireAccount[] {
    const login = this.readable(loginId);
    const seed = `${login.institutionId}|${login.username}`;
    return this.sharedSpecs(login).map((spec) => ({
      id: this.accountId(login, spec),
      loginId: login.id,
      institutionId: login.institutionId,
      name: spec.name,
      type: spec.type,
      mask: mask(seed, spec.key),
      balance: feedBalanceCents(this.feedLogin(login), spec) / 100,
      currency: "USD",
      aggregationStatusCode: login.statusCode,
      lastSuccessAt: login.lastSuccessAt,
      lastAttemptAt: login.lastAttemptAt,
    }));
  }

  transactions(
    loginId: string,
    accountId: string,
    q: { fromDate: string; toDate: string; offset: number; limit: number },
  ): WireTransactionPage {
    const login = this.readable(loginId);
    const spec = this.sharedSpecs(login).find((a) => this.accountId(login, a) === accountId);
    if (!spec) throw notFound("The account");
    if (parseIsoDay(q.fromDate) > parseIsoDay(q.toDate)) {
      throw new SandboxError(400, "invalid_request", null, "fromDate must not be after toDate.");
    }
    const all = this.feed(login, spec).transactions;
    const first = lowerBound(all, q.fromDate);
    const end = lowerBound(all, nextDay(q.toDate));
    const total = end - first;
    const transactions = all.slice(first + q.offset, Math.min(end, first + q.offset + q.limit));
    return { transactions, total, offset: q.offset, limit: q.limit, hasMore: q.offset + transactions.length < total };
  }

  // ---- the sandbox bank's own site ----

  bankSignIn(institutionId: string, username: string, password: string): boolean {
    return this.checkCredentials(this.institution(institutionId), username, password);
  }

  bankUserState(institutionId: string, username: string) {
    const { termsPending, mustChangePassword, passwordHash } = this.bankUser(institutionId, username);
    return { termsPending, mustChangePassword, passwordChanged: passwordHash !== null };
  }

  acceptTerms(institutionId: string, username: string) {
    this.saveBankUser(institutionId, username, { ...this.bankUser(institutionId, username), termsPending: false });
  }

  /** Returns a reason when refused. */
  changePassword(institutionId: string, username: string, current: string, next: string): string | null {
    if (!this.bankSignIn(institutionId, username, current)) return "The current password is not correct.";
    if (next.length < 4) return "The new password must have at least 4 characters.";
    if (next === current) return "The new password must differ from the current one.";
    this.saveBankUser(institutionId, username, {
      ...this.bankUser(institutionId, username),
      passwordHash: this.hash(next),
      mustChangePassword: false,
    });
    return null;
  }

  resetBankUsers(institutionId?: string, username?: string) {
    if (institutionId && username) {
      this.o.store.delete("bankUsers", bankUserKey(institutionId, username));
      return;
    }
    for (const key of [...this.o.store.keys("bankUsers")]) {
      if (!institutionId || key.startsWith(`${institutionId}/`)) this.o.store.delete("bankUsers", key);
    }
  }

  summary() {
    return {
      customers: this.o.store.size("customers"),
      logins: this.o.store.size("logins"),
      aggregating: this.running.size,
      mfaSessions: this.sessions.size,
      webhooksPending: this.o.webhooks.pending,
      webhooksDelivered: this.o.webhooks.delivered,
      webhooksFailed: this.o.webhooks.failed,
    };
  }
}

const nextDay = (iso: string) => new Date(Date.parse(`${iso}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/** First index whose postedDate is >= date (the list is sorted by postedDate). */
function lowerBound(list: { postedDate: string }[], date: string): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.postedDate < date) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
