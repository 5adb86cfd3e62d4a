// The one place that says what an aggregator status code means for Bankline: who must act,
// whether it is retried in the background, the connection status it leads to, and what
// the customer reads. The portal, the support console, jobs and the client all read it here.

export type ConnectionStatusFromCode = "ACTIVE" | "AGGREGATING" | "ACTION_REQUIRED" | "ERROR";
export type Actor = "nobody" | "customer";
export type RetryPolicy = "no" | "backoff" | "slow-backoff";

export interface StatusDescription {
  code: number;
  /** False when the code is not in the table and the fallback was used. */
  known: boolean;
  /** What happened, for support staff and logs. */
  title: string;
  actor: Actor;
  retry: RetryPolicy;
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

interface Entry {
  title: string;
  actor: Actor;
  retry: RetryPolicy;
  connectionStatus: ConnectionStatusFromCode;
  customerTitle: (o: Required<Texts>) => string;
  nextStep: (o: Required<Texts>) => string;
}
interface Texts {
  bank: string;
  site: string;
}

const transientNextStep = () => "Nothing is needed from you: Bankline tries again automatically.";

const maintenance: Entry = {
  title: "The bank's connection is under maintenance",
  actor: "nobody",
  retry: "slow-backoff",
  connectionStatus: "ERROR",
  customerTitle: ({ bank }) => `${bank} is under maintenance`,
  nextStep: () => "Nothing is needed from you: Bankline tries again later, less often, until the maintenance ends.",
};

const table: Record<number, Entry> = {
  0: {
    title: "Aggregation succeeded",
    actor: "nobody",
    retry: "no",
    connectionStatus: "ACTIVE",
    customerTitle: () => "Connected",
    nextStep: () => "Nothing is needed: transactions are up to date.",
  },
  102: {
    title: "The bank's site did not answer",
    actor: "nobody",
    retry: "backoff",
    connectionStatus: "ERROR",
    customerTitle: ({ bank }) => `${bank} did not answer`,
    nextStep: transientNextStep,
  },
  103: {
    title: "Invalid credentials",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: ({ bank }) => `${bank} did not accept the username or password`,
    nextStep: ({ site }) =>
      `Sign in at the bank's own site (${site}) with the same username and password. If that works, check that you picked the right variant, Personal or Business, and that its URL (${site}) is the one you use, then choose Update Login and enter the details again.`,
  },
  108: {
    title: "The bank wants the customer to act on its site",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: ({ bank }) => `${bank} needs your attention on its website`,
    nextStep: ({ site }) =>
      `Sign in at the bank's site (${site}) and accept any new terms or offers it shows, then come back and choose Retrieve Transactions (or Update Login).`,
  },
  109: {
    title: "The bank wants a password or security-question change",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: ({ bank }) => `${bank} asks you to change your password`,
    nextStep: ({ site }) =>
      `Sign in at the bank's site (${site}) and change your password or security questions as it asks, then choose Update Login and enter the new details.`,
  },
  185: {
    title: "A security question must be answered",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: ({ bank }) => `${bank} asks a security question`,
    nextStep: () => "Answer the security question in Bankline. Some banks ask several, one at a time.",
  },
  187: {
    title: "The security answer was wrong",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: () => "That answer was not accepted",
    nextStep: () => "Answer the security question again, exactly as you set it up at the bank.",
  },
  325: {
    title: "Aggregation in progress",
    actor: "nobody",
    retry: "no",
    connectionStatus: "AGGREGATING",
    customerTitle: () => "Transactions are being retrieved",
    nextStep: () =>
      "Wait until the status on Manage Institutions shows Active, then choose Retrieve Transactions again.",
  },
  331: {
    title: "The security question session expired",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: () => "The security question timed out",
    nextStep: () => "Choose Update Login and answer the security questions again.",
  },
  ...Object.fromEntries([900, 901, 902, 903, 904, 905, 906, 907].map((code) => [code, maintenance])),
  910: {
    title: "The provider's connection to this bank is down",
    actor: "nobody",
    retry: "backoff",
    connectionStatus: "ERROR",
    customerTitle: ({ bank }) => `The connection to ${bank} is down`,
    nextStep: () => "Nothing is needed from you: the provider is fixing the connection and Bankline tries again.",
  },
  945: {
    title: "The bank moved to a new connection type",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: ({ bank }) => `${bank} must be connected again`,
    nextStep: () =>
      "Remove this institution on Manage Institutions and add it again; transactions already imported are marked as possible duplicates.",
  },
  946: {
    title: "The account can no longer be found at the bank",
    actor: "customer",
    retry: "no",
    connectionStatus: "ACTION_REQUIRED",
    customerTitle: () => "An account can no longer be found at the bank",
    nextStep: ({ site }) =>
      `Check at the bank's site (${site}) that the account is still open. If it was closed or renumbered, remove it and add the institution again.`,
  },
};

const unknown: Entry = {
  title: "Unrecognised aggregator status",
  actor: "nobody",
  retry: "no",
  connectionStatus: "ERROR",
  customerTitle: ({ bank }) => `Something went wrong with ${bank}`,
  nextStep: () => "Try Retrieve Transactions later. If the problem stays, contact support with this code.",
};

/** Every code of the design table, in order. */
export const KNOWN_STATUS_CODES: readonly number[] = Object.keys(table)
  .map(Number)
  .sort((a, b) => a - b);

/** Failures worth retrying without the customer: the bank or provider was not reachable. */
export function isTransientCode(code: number): boolean {
  return code === 102 || (code >= 900 && code <= 910);
}

/** Codes the customer must act on; never retried in the background (banks lock accounts). */
export function needsCustomer(code: number): boolean {
  return describeStatus(code).actor === "customer";
}

export function describeStatus(code: number, options: DescribeOptions = {}): StatusDescription {
  const entry = table[code] ?? (code >= 900 && code <= 910 ? maintenance : unknown);
  const texts = {
    bank: options.institutionName?.trim() || "The bank",
    site: options.institutionUrl?.trim() || "the bank's website",
  };
  return {
    code,
    known: code in table,
    title: entry.title,
    actor: entry.actor,
    retry: entry.retry,
    connectionStatus: entry.connectionStatus,
    customerTitle: entry.customerTitle(texts),
    nextStep: entry.nextStep(texts),
  };
}
