// The provider client's contract: the only way Bankline talks to an aggregator. The HTTP
// implementation speaks the wire API of docs/aggregator-api.yaml (the sandbox's); the
// Mastercard Open Banking client (./mastercard) speaks that provider's API; a third provider
// implements this same interface (docs/aggregator.md). Money is integer cents, dates of
// transactions are ISO days (YYYY-MM-DD, UTC), instants are Dates.
//
// Providers differ, and the product follows each one's rules instead of hiding them: every
// client declares its capabilities, and offers the link style(s) it has — credentials passed
// through Bankline's own form, or the provider's hosted Connect page.
//
// Every method throws AggregatorError (./errors) on failure, with the aggregator's status
// code when there is one: 103, 108, 109, 331, 945, 946 need the customer; 325 means wait;
// 102 and 900–910 were already retried with backoff before they reach the caller.

import type { InstitutionVariant, LinkStyle } from "@/server/db/generated/enums";

export interface Credentials {
  username: string;
  password: string;
}

/**
 * Bankline's own names (schema.prisma), which each client maps its provider's to. LinkStyle
 * CREDENTIALS: Bankline shows the credential form and the questions; HOSTED: the provider's
 * Connect page collects them.
 */
export type { InstitutionVariant, LinkStyle };

/**
 * client-scheduled: Bankline's nightly job asks the aggregator to aggregate; provider-nightly:
 * the provider refreshes every active login once a day by itself and forbids automated
 * refresh calls, so the nightly job only reads what it aggregated.
 */
export type RefreshPolicy = "client-scheduled" | "provider-nightly";

export interface ProviderCapabilities {
  /**
   * How Add institution starts: Bankline's search and form, or the provider's
   * Connect page at once. Institutions may differ (Institution.linkStyle).
   */
  linkStyle: LinkStyle;
  refreshPolicy: RefreshPolicy;
  /** How many days of history the first retrieval of an account reaches back. */
  historyDays: number;
  /** Whether recent transactions arrive pending before they post. */
  pendingTransactions: boolean;
  /** The hosted page may be shown in a frame inside Bankline; otherwise it opens in a window of its own. */
  connectInFrame: boolean;
}

export interface Institution {
  id: string;
  name: string;
  variant: InstitutionVariant;
  /** Where the customer signs in at the bank; shown next to the name so the variant is clear. */
  loginUrl: string;
  homeUrl: string | null;
  status: InstitutionStatus;
  /** Sandbox only: the working page of the sandbox bank's own site. */
  sandboxSiteUrl: string | null;
  /** How a login at this institution is linked and fixed. */
  linkStyle: LinkStyle;
}

export const INSTITUTION_STATUSES = ["online", "outage"] as const;
export type InstitutionStatus = (typeof INSTITUTION_STATUSES)[number];

export interface InstitutionPage {
  institutions: Institution[];
  total: number;
  offset: number;
  limit: number;
}

export interface InstitutionQuery {
  text?: string;
  variant?: InstitutionVariant;
  offset?: number;
  limit?: number;
}

/** What Bankline keeps of a connection to address the aggregator: Connection.providerLoginId and institutionId. */
export interface LoginRef {
  loginId: string;
  /** Selects the circuit breaker, so one bank's outage does not pile up requests. */
  institutionId: string;
}

export interface LoginStatus {
  loginId: string;
  customerId: string;
  institutionId: string;
  /** The last aggregation's status code; 325 while one runs; 185/187/331 during MFA. */
  statusCode: number;
  aggregating: boolean;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
}

export type MfaQuestion =
  { id: string; kind: "text"; text: string } | { id: string; kind: "choice"; text: string; choices: string[] };
export const MFA_QUESTION_KINDS = ["text", "choice"] as const satisfies readonly MfaQuestion["kind"][];

export interface MfaChallenge {
  /** Pass to answerMfa; each question comes with a new session and the old one stops working. */
  session: string;
  question: MfaQuestion;
  expiresAt: Date;
  /** 185: a question; 187: the previous answer was wrong and the same question is asked again. */
  statusCode: 185 | 187;
  /** "Question 2 of 3", when the aggregator tells; null otherwise. */
  progress: { current: number; total: number } | null;
}

/**
 * The result of link, answerMfa, updateLogin and refresh: either the login is in place
 * (check `login.aggregating`: a slow aggregation finishes later and sends a webhook), or
 * the bank asks a security question.
 */
export type LoginOutcome =
  { kind: "ok"; login: LoginStatus } | { kind: "mfa"; login: LoginStatus; challenge: MfaChallenge };

export interface Account {
  id: string;
  loginId: string;
  institutionId: string;
  name: string;
  kind: "checking" | "savings" | "credit_card";
  /** Last four digits of the account number. */
  mask: string;
  balanceCents: number | null;
  currency: string;
  statusCode: number;
  lastSuccessAt: Date | null;
  lastAttemptAt: Date | null;
}

export interface Transaction {
  /** The provider's id: new for every link, and a posted transaction gets a new one after pending. */
  id: string;
  accountId: string;
  /** Negative: money leaving the account. */
  amountCents: number;
  postedDate: string;
  transactionDate: string;
  description: string;
  checkNumber: string | null;
  pending: boolean;
  /** On a posted transaction: the id of the pending transaction it replaces. */
  pendingTransactionId: string | null;
  category: string | null;
}

export interface TransactionQuery extends LoginRef {
  accountId: string;
  /** Inclusive ISO days (YYYY-MM-DD), on the posted date. */
  from: string;
  to: string;
}

export interface LinkInput {
  /** Bankline's organization id; the aggregator's customer is created for it on first use. */
  organizationId: string;
  organizationName?: string;
  institutionId: string;
  credentials: Credentials;
}

/** The credentials link style: Bankline's form passes credentials and answers straight through. */
export interface CredentialLinking {
  /** Links credentials at an institution: ok, or the first security question. */
  link(input: LinkInput): Promise<LoginOutcome>;
  /** Answers the challenge's question: ok, the next question (185), or the same one again (187). */
  answerMfa(login: LoginRef, session: string, answer: string): Promise<LoginOutcome>;
  /** New credentials for an existing login (Update Login); same results as link. */
  updateLogin(login: LoginRef, credentials: Credentials): Promise<LoginOutcome>;
}

export interface ConnectSessionInput {
  /** Bankline's organization id; the provider's customer is created for it on first use. */
  organizationId: string;
  organizationName?: string;
  /** Bankline's id of the session; the provider's events about it carry it back. */
  reference: string;
  /** link: add a bank login; fix: repair `login` (Connect Fix). */
  purpose: "link" | "fix";
  /** link: the institution the customer picked in Bankline, when there was a pick. */
  institutionId?: string | null;
  login?: LoginRef | null;
  /** Where the provider posts the session's events. */
  webhookUrl: string;
  /** Where the customer's browser goes when the session ends. */
  redirectUrl: string;
}

export interface ConnectSession {
  url: string;
  expiresAt: Date | null;
}

/** The hosted link style: the provider's Connect page collects credentials and answers; Bankline never sees them. */
export interface HostedLinking {
  createConnectSession(input: ConnectSessionInput): Promise<ConnectSession>;
  /**
   * Every bank login the organization has at the provider, as
   * its last aggregation left it: what a hosted session added.
   */
  listLogins(organizationId: string): Promise<LoginStatus[]>;
}

export interface AggregatorClient {
  /** Which provider this is ("sandbox", "mastercard" …), for logs and checks. */
  readonly provider: string;
  readonly capabilities: ProviderCapabilities;
  /** Null when the provider does not take credentials through Bankline. */
  readonly credentialLinking: CredentialLinking | null;
  /** Null when the provider has no hosted page. */
  readonly hostedLinking: HostedLinking | null;
  searchInstitutions(query?: InstitutionQuery): Promise<InstitutionPage>;
  getInstitution(institutionId: string): Promise<Institution>;
  listAccounts(login: LoginRef): Promise<Account[]>;
  /** Starts an aggregation; finished at once for most logins, else `login.aggregating` and a webhook later. */
  refresh(login: LoginRef): Promise<LoginOutcome>;
  getLoginStatus(login: LoginRef): Promise<LoginStatus>;
  /** Every transaction in the date range, all pages read. */
  getTransactions(query: TransactionQuery): Promise<Transaction[]>;
  /** Removes the login at the aggregator; a login already gone counts as removed. */
  remove(login: LoginRef): Promise<void>;
}

/**
 * Where a provider that has customers of its own (Mastercard Open Banking: one per
 * organization, created on the first link) keeps the organization's customer id. Bankline's
 * is the AggregatorCustomer table (server/connections/customer-directory.ts).
 */
export interface CustomerDirectory {
  find(organizationId: string): Promise<string | null>;
  /**
   * Records the customer made for the organization; answers the one recorded first when another process made one too.
   */
  save(organizationId: string, customerId: string): Promise<string>;
  /** The organization a provider's customer belongs to (events name only the customer). */
  organizationOf(customerId: string): Promise<string | null>;
}
