// The one place that says what an aggregator status code means for Bankline: who must act,
// what fixes it (the remedy), whether it is retried in the background, whether it is the
// bank's or the provider's side (known issues), the connection status it leads to, and
// what the customer reads. The portal, the support console, jobs, known-issue detection
// and the provider clients all read it here. The numbering is Mastercard Open Banking's
// (formerly Finicity), which the sandbox follows.

import type { ConnectionStatus } from "@/server/db/generated/enums";

/** A code never removes a connection: only a person does. */
export type ConnectionStatusFromCode = Exclude<ConnectionStatus, "REMOVED">;

/** Who must act on a code. */
export const ACTORS = ["nobody", "customer"] as const;
export type Actor = (typeof ACTORS)[number];

/** Whether a code is retried in the background, and how soon. */
export const RETRY_POLICIES = ["no", "backoff", "slow-backoff"] as const;
export type RetryPolicy = (typeof RETRY_POLICIES)[number];

/** What fixes a code, and so which button the customer is offered. */
export const REMEDIES = [
  /** Update Login: credentials (and security questions) again; Connect Fix with a hosted provider. */
  "update-login",
  /** Something to do on the bank's own site, then Retrieve Transactions. */
  "at-bank-then-refresh",
  /** Answer the security question waiting in Bankline ("click here"). */
  "answer-question",
  /** Nothing to do: Bankline (or the provider) tries again. */
  "wait",
  /** Remove the institution and add it again. */
  "remove-and-re-add",
  /** Nothing the customer can do in Bankline: support must look. */
  "contact-support",
  /** Nothing is wrong. */
  "none",
] as const;
export type Remedy = (typeof REMEDIES)[number];

export interface StatusDescription {
  code: number;
  /** False when the code is not in the table and a fallback was used. */
  known: boolean;
  /** What happened, for support staff and logs. */
  title: string;
  actor: Actor;
  remedy: Remedy;
  retry: RetryPolicy;
  /** The bank's or the provider's side is failing (counts towards a known issue at the bank). */
  providerSide: boolean;
  /** The fix starts on the bank's own site: the customer is shown its URL. */
  atBankSite: boolean;
  connectionStatus: ConnectionStatusFromCode;
  /** Shown to the customer as the headline of the problem. */
  customerTitle: string;
  /** Shown to the customer: the concrete thing to do next (or that nothing is needed). */
  nextStep: string;
}

export interface DescribeOptions {
  /** The institution's login URL, shown where the customer must go to the bank's site. */
  institutionUrl?: string | null;
  institutionName?: string | null;
}

interface Texts {
  bank: string;
  site: string;
}

interface Entry {
  title: string;
  remedy: Remedy;
  customerTitle: (t: Texts) => string;
  nextStep: (t: Texts) => string;
  /** Defaults follow the remedy: the customer acts unless it is wait or none; no retry; not the provider's side. */
  retry?: RetryPolicy;
  providerSide?: boolean;
  atBankSite?: boolean;
  connectionStatus?: ConnectionStatusFromCode;
}

const retriedAutomatically = () => "Nothing is needed from you: Bankline tries again automatically.";

const maintenance: Entry = {
  title: "The bank's connection is under maintenance",
  remedy: "wait",
  retry: "slow-backoff",
  providerSide: true,
  customerTitle: ({ bank }) => `${bank} is under maintenance`,
  nextStep: () => "Nothing is needed from you: Bankline tries again later, less often, until the maintenance ends.",
};

const newConnectionBeingBuilt: Entry = {
  ...maintenance,
  title: "The provider is building a new connection to this bank",
  customerTitle: ({ bank }) => `The connection to ${bank} is being rebuilt`,
  nextStep: () =>
    "Nothing is needed from you: the provider is building a new connection to the bank and Bankline tries again later.",
};

const connectionDown: Entry = {
  title: "The provider's connection to this bank is down",
  remedy: "wait",
  retry: "backoff",
  providerSide: true,
  customerTitle: ({ bank }) => `The connection to ${bank} is down`,
  nextStep: () => "Nothing is needed from you: the provider is fixing the connection and Bankline tries again.",
};

const actAtBank: Entry = {
  title: "The bank wants the customer to act on its site",
  remedy: "at-bank-then-refresh",
  atBankSite: true,
  customerTitle: ({ bank }) => `${bank} needs your attention on its website`,
  nextStep: ({ site }) =>
    `Sign in at the bank's site (${site}) and accept any new terms or offers, or add the information it asks ` +
    `for, then come back and choose Retrieve Transactions (or Update Login).`,
};

const incompleteAnswers: Entry = {
  title: "The security answers were incomplete",
  remedy: "update-login",
  customerTitle: ({ bank }) => `${bank} did not get every security answer it needs`,
  nextStep: () =>
    "Choose Update Login and answer each security question the bank asks, exactly as you set it up at the bank.",
};

const sessionExpired: Entry = {
  title: "The security question session expired",
  remedy: "update-login",
  customerTitle: () => "The security question timed out",
  nextStep: () => "Choose Update Login and answer the security questions again.",
};

const authorizationEnded: Entry = {
  title: "The bank's authorization for this connection ended",
  remedy: "update-login",
  customerTitle: ({ bank }) => `${bank} needs you to sign in again`,
  nextStep: () =>
    "Choose Update Login and sign in to the bank again to renew Bankline's access. Transactions already " +
    "retrieved stay where they are.",
};

const notSupported: Entry = {
  title: "The provider does not support this connection",
  remedy: "contact-support",
  customerTitle: ({ bank }) => `${bank} cannot be connected this way`,
  nextStep: () =>
    "Contact support with this code: the provider must look at this connection. Meanwhile you can import a " +
    "statement file from the bank.",
};

const table: Record<number, Entry> = {
  0: {
    title: "Aggregation succeeded",
    remedy: "none",
    connectionStatus: "ACTIVE",
    customerTitle: () => "Connected",
    nextStep: () => "Nothing is needed: transactions are up to date.",
  },
  102: {
    title: "The bank's site did not answer",
    remedy: "wait",
    retry: "backoff",
    providerSide: true,
    customerTitle: ({ bank }) => `${bank} did not answer`,
    nextStep: retriedAutomatically,
  },
  103: {
    title: "Invalid credentials",
    remedy: "update-login",
    atBankSite: true,
    customerTitle: ({ bank }) => `${bank} did not accept the username or password`,
    nextStep: ({ site }) =>
      `Sign in at the bank's own site (${site}) with the same username and password. If that works, check that ` +
      `you picked the right variant, Personal or Business, and that its URL (${site}) is the one you use, then ` +
      `choose Update Login and enter the details again.`,
  },
  106: { ...actAtBank, title: "The bank needs more information from the customer on its site" },
  108: actAtBank,
  109: {
    title: "The bank wants a password or security-question change",
    remedy: "update-login",
    atBankSite: true,
    customerTitle: ({ bank }) => `${bank} asks you to change your password`,
    nextStep: ({ site }) =>
      `Sign in at the bank's site (${site}) and change your password or security questions as it asks, then ` +
      `choose Update Login and enter the new details.`,
  },
  185: {
    title: "A security question must be answered",
    remedy: "answer-question",
    customerTitle: ({ bank }) => `${bank} asks a security question`,
    nextStep: () => "Answer the security question in Bankline. Some banks ask several, one at a time.",
  },
  187: {
    title: "The security answer was wrong",
    remedy: "answer-question",
    customerTitle: () => "That answer was not accepted",
    nextStep: () => "Answer the security question again, exactly as you set it up at the bank.",
  },
  325: {
    title: "Aggregation in progress",
    remedy: "wait",
    connectionStatus: "AGGREGATING",
    customerTitle: () => "Transactions are being retrieved",
    nextStep: () =>
      "Wait until the status on Manage Institutions shows Active, then choose Retrieve Transactions again.",
  },
  331: sessionExpired,
  // The provider's whole 900–910 range is its side: maintenance, a connection being rebuilt, or down.
  ...Object.fromEntries([900, 905, 906, 907, 908, 909].map((code) => [code, maintenance])),
  ...Object.fromEntries([901, 902, 903, 904].map((code) => [code, newConnectionBeingBuilt])),
  910: connectionDown,
  938: incompleteAnswers,
  940: incompleteAnswers,
  945: {
    title: "The bank moved to a new connection type",
    remedy: "remove-and-re-add",
    customerTitle: ({ bank }) => `${bank} must be connected again`,
    nextStep: () =>
      "Remove this institution on Manage Institutions and add it again; transactions already imported are marked " +
      "as possible duplicates.",
  },
  946: {
    title: "The account can no longer be found at the bank",
    remedy: "remove-and-re-add",
    atBankSite: true,
    customerTitle: () => "An account can no longer be found at the bank",
    nextStep: ({ site }) =>
      `Check at the bank's site (${site}) that the account is still open. If it was closed or renumbered, remove ` +
      `it and add the institution again.`,
  },
  947: { ...authorizationEnded, title: "The bank's access token for this connection expired or is invalid" },
  948: authorizationEnded,
  971: incompleteAnswers,
  972: notSupported,
  974: { ...sessionExpired, title: "The bank's sign-in session expired" },
  976: notSupported,
};

const unknown: Entry = {
  title: "Unrecognised aggregator status",
  remedy: "contact-support",
  customerTitle: ({ bank }) => `Something went wrong with ${bank}`,
  nextStep: () => "Try Retrieve Transactions later. If the problem stays, contact support with this code.",
};

/** Every code the table describes, in order. */
export const KNOWN_STATUS_CODES: readonly number[] = Object.keys(table)
  .map(Number)
  .sort((a, b) => a - b);

const waitingRemedies: readonly Remedy[] = ["wait", "none"];

export function describeStatus(code: number, options: DescribeOptions = {}): StatusDescription {
  const entry = table[code] ?? unknown;
  const texts = {
    bank: options.institutionName?.trim() || "The bank",
    site: options.institutionUrl?.trim() || "the bank's website",
  };
  const customerActs = !waitingRemedies.includes(entry.remedy) && entry !== unknown;
  return {
    code,
    known: code in table,
    title: entry.title,
    actor: customerActs ? "customer" : "nobody",
    remedy: entry.remedy,
    retry: entry.retry ?? "no",
    providerSide: entry.providerSide ?? false,
    atBankSite: entry.atBankSite ?? false,
    connectionStatus: entry.connectionStatus ?? (customerActs ? "ACTION_REQUIRED" : "ERROR"),
    customerTitle: entry.customerTitle(texts),
    nextStep: entry.nextStep(texts),
  };
}

/** Failures worth retrying without the customer: the bank or provider was not reachable. */
export function isTransientCode(code: number): boolean {
  return describeStatus(code).retry !== "no";
}

/** Codes the customer must act on; never retried in the background (banks lock accounts). */
export function needsCustomer(code: number): boolean {
  return describeStatus(code).actor === "customer";
}

/** Codes that mean the bank or the provider is failing: the failures that make a known issue at a bank. */
export const PROVIDER_SIDE_CODES: readonly number[] = KNOWN_STATUS_CODES.filter(
  (code) => describeStatus(code).providerSide,
);

/** A code as the portal shows it to a customer: the headline, the next step and what fixes it. */
export interface CustomerProblem {
  code: number;
  title: string;
  nextStep: string;
  actor: Actor;
  remedy: Remedy;
  atBankSite: boolean;
}

export function customerProblem(d: StatusDescription): CustomerProblem {
  return {
    code: d.code,
    title: d.customerTitle,
    nextStep: d.nextStep,
    actor: d.actor,
    remedy: d.remedy,
    atBankSite: d.atBankSite,
  };
}
