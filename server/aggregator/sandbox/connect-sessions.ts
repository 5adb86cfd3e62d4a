import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { WireAccount, WireLoginOutcome, WireMfaQuestion } from "@/server/aggregator/client/wire";
import type { CONNECT_EVENT_TYPES } from "@/server/webhooks/aggregator-events";
import { findInstitution, type CatalogInstitution } from "./catalog";
import { notFound, SandboxError, type SandboxEngine } from "./engine";
import type { WebhookSender } from "./webhook-sender";

// Sessions of the hosted Connect page (connect-page.ts): what Bankline asked for (link a
// bank, or fix one login), where the person stands (search, sign in, a security question,
// accounts, done) and the events sent to Bankline about it. The page goes through the same
// engine calls as the credential API, so every test login behaves as it does there. A session
// keeps the question's token, never a password or an answer, and lives in memory only, like
// the MFA sessions it drives.

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

export const connectSessionBody = z.object({
  /** Bankline's id of the session; every event about it carries it back. */
  reference: z.string().min(1).max(200),
  purpose: z.enum(["link", "fix"]),
  /** link: the institution already picked in Bankline; without it the page starts with a search. */
  institutionId: z.string().min(1).max(100).nullable().optional(),
  /** fix: the customer's login to repair. */
  loginId: z.string().min(1).max(100).nullable().optional(),
  /** Where the session's events go; by default the customer's webhook URL, else the registered one. */
  webhookUrl: httpUrl.nullable().optional(),
  /** Where the person's browser goes when the session ends, with `status=completed|cancelled` added. */
  redirectUrl: httpUrl,
});
export type ConnectSessionInput = z.infer<typeof connectSessionBody>;

type ConnectEventType = (typeof CONNECT_EVENT_TYPES)[number];

export type ConnectStep =
  | { kind: "search" }
  | { kind: "sign-in" }
  | {
      kind: "question";
      token: string;
      question: WireMfaQuestion;
      progress: { current: number; total: number };
      wrongAnswer: boolean;
    }
  | { kind: "accounts" }
  /** retrieving: the aggregation runs on (demo_slow); its webhook follows as usual. */
  | { kind: "done"; retrieving: boolean }
  | { kind: "cancelled" };

export interface ConnectSession {
  id: string;
  customerId: string;
  customerExternalId: string;
  reference: string;
  purpose: ConnectSessionInput["purpose"];
  webhookUrl: string | null;
  redirectUrl: string;
  expiresAt: number;
  /** A link without an institution picked in Bankline starts with the search. */
  searchFirst: boolean;
  institutionId: string | null;
  /** fix: the login to repair; link: the login this session created, once there is one. */
  loginId: string | null;
  step: ConnectStep;
  /** Bumped at every step; a form posted for an earlier step is ignored, so a double click acts once. */
  seq: number;
  /** What went wrong with the last try, shown once on the next page. */
  problem: { code: number | null; message: string } | null;
  lastFailure: number | null;
}

export interface OpenedConnectSession {
  id: string;
  url: string;
  expiresAt: string;
}

const MAX_SESSIONS = 10_000;

export class ConnectSessions {
  private readonly sessions = new Map<string, ConnectSession>();

  constructor(
    private readonly o: {
      engine: SandboxEngine;
      webhooks: WebhookSender;
      ttlMs: number;
    },
  ) {}

  get size() {
    this.sweep();
    return this.sessions.size;
  }

  create(customerId: string, input: ConnectSessionInput, baseUrl: string): OpenedConnectSession {
    const { engine } = this.o;
    const customer = engine.customer(customerId);
    let institutionId = input.institutionId ?? null;
    let loginId: string | null = null;
    if (input.purpose === "fix") {
      if (!input.loginId) throw invalid("A fix session needs the loginId of the login to repair.");
      const login = engine.findLogin(input.loginId);
      if (!login || login.customerId !== customer.id) throw notFound("The institution login");
      if (institutionId && institutionId !== login.institutionId)
        throw invalid("institutionId is not the login's institution.");
      institutionId = login.institutionId;
      loginId = login.id;
    } else {
      if (input.loginId) throw invalid("A link session takes no loginId.");
      if (institutionId && !findInstitution(institutionId)) throw notFound("The institution");
    }
    this.sweep();
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session: ConnectSession = {
      id: `cs_${randomBytes(24).toString("base64url")}`,
      customerId: customer.id,
      customerExternalId: customer.externalId,
      reference: input.reference,
      purpose: input.purpose,
      webhookUrl: input.webhookUrl ?? engine.webhookUrlFor(customer),
      redirectUrl: input.redirectUrl,
      expiresAt: Date.now() + this.o.ttlMs,
      searchFirst: !institutionId,
      institutionId,
      loginId,
      step: institutionId ? { kind: "sign-in" } : { kind: "search" },
      seq: 1,
      problem: null,
      lastFailure: null,
    };
    this.sessions.set(session.id, session);
    return {
      id: session.id,
      url: `${baseUrl}/connect/${session.id}`,
      expiresAt: new Date(session.expiresAt).toISOString(),
    };
  }

  /** The live session, or null when unknown or expired. */
  get(id: string): ConnectSession | null {
    const s = this.sessions.get(id);
    if (!s) return null;
    if (s.expiresAt <= Date.now()) {
      this.sessions.delete(id);
      return null;
    }
    return s;
  }

  institution(s: ConnectSession): CatalogInstitution | null {
    return s.institutionId ? (findInstitution(s.institutionId) ?? null) : null;
  }

  /** The username the login to fix signs in with, to prefill the form. */
  fixUsername(s: ConnectSession): string | null {
    return s.purpose === "fix" && s.loginId ? (this.o.engine.findLogin(s.loginId)?.username ?? null) : null;
  }

  /** The problem of the last try, once. */
  takeProblem(s: ConnectSession) {
    const problem = s.problem;
    s.problem = null;
    return problem;
  }

  /** Where the browser goes when the session ends. */
  returnUrl(s: ConnectSession, status: "completed" | "cancelled"): string {
    const url = new URL(s.redirectUrl);
    url.searchParams.set("status", status);
    return url.toString();
  }

  chooseInstitution(s: ConnectSession, institutionId: string) {
    if (s.step.kind !== "search") return;
    if (!findInstitution(institutionId)) {
      s.problem = { code: null, message: "That bank is not in the list. Search again." };
      return;
    }
    s.institutionId = institutionId;
    this.moveTo(s, { kind: "sign-in" });
  }

  /** Back from signing in to the search; a login this session began and never finished is dropped. */
  backToSearch(s: ConnectSession) {
    if (!s.searchFirst || s.step.kind !== "sign-in") return;
    const unfinished = this.unfinishedLogin(s);
    if (unfinished) this.o.engine.removeLogin(unfinished);
    s.loginId = null;
    s.institutionId = null;
    this.moveTo(s, { kind: "search" });
  }

  signIn(s: ConnectSession, credentials: { username: string; password: string }) {
    if (s.step.kind !== "sign-in" || !s.institutionId) return;
    const { engine } = this.o;
    this.attempt(s, () => {
      // A retry after a failure mid-way (a question timed out) continues the login begun, not a second one.
      const existing = s.purpose === "fix" ? s.loginId : this.unfinishedLogin(s);
      if (existing) return engine.updateLogin(existing, credentials, "connect");
      const outcome = engine.link(s.customerId, { institutionId: s.institutionId!, credentials }, "connect");
      s.loginId = outcome.login.id;
      return outcome;
    });
  }

  answer(s: ConnectSession, answer: string) {
    const step = s.step;
    if (step.kind !== "question" || !s.loginId) return;
    this.attempt(s, () => this.o.engine.answerMfa(s.loginId!, step.token, answer, "connect"));
  }

  /** The accounts found, for the person to choose from. */
  accounts(s: ConnectSession): WireAccount[] {
    return s.step.kind === "accounts" && s.loginId ? this.o.engine.accounts(s.loginId) : [];
  }

  share(s: ConnectSession, accountIds: string[]) {
    if (s.step.kind !== "accounts" || !s.loginId) return;
    if (accountIds.length === 0) {
      s.problem = { code: null, message: "Choose at least one account to share." };
      return;
    }
    try {
      this.o.engine.shareAccounts(s.loginId, accountIds);
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      s.problem = { code: err.code, message: err.message };
      return;
    }
    this.complete(s, false);
  }

  exit(s: ConnectSession) {
    if (s.step.kind === "done" || s.step.kind === "cancelled") return;
    this.moveTo(s, { kind: "cancelled" });
    const created = s.purpose === "link" && s.loginId && this.o.engine.findLogin(s.loginId) ? [s.loginId] : [];
    this.emit(s, "connect.cancelled", created, s.lastFailure);
  }

  private attempt(s: ConnectSession, run: () => WireLoginOutcome) {
    let outcome: WireLoginOutcome;
    try {
      outcome = run();
    } catch (err) {
      if (!(err instanceof SandboxError)) throw err;
      if (err.type !== "aggregation" || err.code === null) {
        s.problem = { code: null, message: err.message };
        return;
      }
      s.lastFailure = err.code;
      s.problem = { code: err.code, message: err.message };
      this.moveTo(s, { kind: "sign-in" });
      this.emit(s, "connect.failed", s.loginId && this.o.engine.findLogin(s.loginId) ? [s.loginId] : [], err.code);
      return;
    }
    if (outcome.status === "mfa_required") {
      this.moveTo(s, {
        kind: "question",
        token: outcome.mfa.session,
        question: outcome.mfa.question,
        progress: outcome.mfa.progress ?? { current: 1, total: 1 },
        wrongAnswer: outcome.code === 187,
      });
      return;
    }
    if (s.purpose === "link" && !outcome.login.aggregating) {
      this.moveTo(s, { kind: "accounts" });
      return;
    }
    this.complete(s, outcome.login.aggregating);
  }

  private complete(s: ConnectSession, retrieving: boolean) {
    this.moveTo(s, { kind: "done", retrieving });
    this.emit(s, "connect.completed", [s.loginId!], 0);
  }

  private unfinishedLogin(s: ConnectSession): string | null {
    const login = s.purpose === "link" && s.loginId ? this.o.engine.findLogin(s.loginId) : undefined;
    return login && !login.linked ? login.id : null;
  }

  private moveTo(s: ConnectSession, step: ConnectStep) {
    s.step = step;
    s.seq++;
  }

  private emit(s: ConnectSession, type: ConnectEventType, loginIds: string[], statusCode: number | null) {
    this.o.webhooks.send(s.webhookUrl, type, {
      reference: s.reference,
      customerId: s.customerId,
      customerExternalId: s.customerExternalId,
      loginIds,
      institutionId: s.institutionId,
      statusCode,
    });
  }

  private sweep() {
    const now = Date.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

const invalid = (message: string) => new SandboxError(400, "invalid_request", null, message);
