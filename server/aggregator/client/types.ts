// The provider client's contract: the only way Bankline talks to an aggregator. The HTTP
// implementation speaks the wire API of docs/aggregator-api.yaml (the sandbox's); an
// adapter for another provider implements this same interface. Money is integer cents,
// dates of transactions are ISO days (YYYY-MM-DD, UTC), instants are Dates.
//
// Every method throws AggregatorError (./errors) on failure, with the aggregator's status
// code when there is one: 103, 108, 109, 331, 945, 946 need the customer; 325 means wait;
// 102 and 900–910 were already retried with backoff before they reach the caller.

export interface Credentials {
  username: string;
  password: string;
}

export type InstitutionVariant = "PERSONAL" | "BUSINESS";

export interface Institution {
  id: string;
  name: string;
  variant: InstitutionVariant;
  /** Where the customer signs in at the bank; shown next to the name so the variant is clear. */
  loginUrl: string;
  homeUrl: string | null;
  status: "online" | "outage";
  /** Sandbox only: the working page of the sandbox bank's own site. */
  sandboxSiteUrl: string | null;
}

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
  | { id: string; kind: "text"; text: string }
  | { id: string; kind: "choice"; text: string; choices: string[] };

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
  | { kind: "ok"; login: LoginStatus }
  | { kind: "mfa"; login: LoginStatus; challenge: MfaChallenge };

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

export interface AggregatorClient {
  searchInstitutions(query?: InstitutionQuery): Promise<InstitutionPage>;
  getInstitution(institutionId: string): Promise<Institution>;
  /** Links credentials at an institution: ok, or the first security question. */
  link(input: LinkInput): Promise<LoginOutcome>;
  /** Answers the challenge's question: ok, the next question (185), or the same one again (187). */
  answerMfa(login: LoginRef, session: string, answer: string): Promise<LoginOutcome>;
  listAccounts(login: LoginRef): Promise<Account[]>;
  /** Starts an aggregation; finished at once for most logins, else `login.aggregating` and a webhook later. */
  refresh(login: LoginRef): Promise<LoginOutcome>;
  getLoginStatus(login: LoginRef): Promise<LoginStatus>;
  /** Every transaction in the date range, all pages read. */
  getTransactions(query: TransactionQuery): Promise<Transaction[]>;
  /** New credentials for an existing login (Update Login); same results as link. */
  updateLogin(login: LoginRef, credentials: Credentials): Promise<LoginOutcome>;
  /** Removes the login at the aggregator; a login already gone counts as removed. */
  remove(login: LoginRef): Promise<void>;
}
