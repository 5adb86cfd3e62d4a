import { z } from "zod";
import { isTransientCode, needsCustomer } from "@/server/aggregator/status-codes";
import type { Account, Institution, InstitutionVariant, LoginStatus, Transaction } from "../types";
import { encodeLoginId } from "./login-id";

// The parts of Mastercard Open Banking's answers Bankline reads (docs/mastercard-api.yaml),
// and how they become Bankline's shapes. The parsers are lenient where the provider is
// inconsistent: ids are integers in some answers and strings in others, `moreAvailable` is a
// boolean for institutions and a string for transactions, `checkNum` a number or a string.
// Fields Bankline does not use (the full account number among them) are dropped here.

const id = z.union([z.string().min(1), z.number().int()]).transform(String);
const integer = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^-?[0-9]+$/)
    .transform(Number),
]);
/** Epoch seconds; 0 or absent means "never". */
const epoch = integer.nullish().transform((v) => (v ? v : null));
const flag = z.union([z.boolean(), z.enum(["true", "false"]).transform((v) => v === "true")]);
const text = z.string().nullish();

export const mcToken = z.object({ token: z.string().min(1) });

export const mcCreatedCustomer = z.object({ id });
export const mcCustomers = z.object({ customers: z.array(z.object({ id, username: z.string() })) });

const mcInstitution = z.object({
  id,
  name: text,
  urlHomeApp: text,
  urlLogonApp: text,
});
export type McInstitution = z.infer<typeof mcInstitution>;
export const mcInstitutionPage = z.object({ found: integer, institutions: z.array(mcInstitution) });
export const mcInstitutionEnvelope = z.object({ institution: mcInstitution });

export const mcConnectLink = z.object({ link: z.url() });

const mcAccount = z.object({
  id,
  accountNumberDisplay: text,
  realAccountNumberLast4: text,
  name: text,
  balance: z.number().nullish(),
  type: z.string(),
  aggregationStatusCode: integer.nullish(),
  customerId: id,
  institutionId: id,
  aggregationSuccessDate: epoch,
  aggregationAttemptDate: epoch,
  currency: text,
  institutionLoginId: id,
});
export type McAccount = z.infer<typeof mcAccount>;
export const mcAccounts = z.object({ accounts: z.array(mcAccount) });

const mcTransaction = z.object({
  id,
  amount: z.number(),
  status: z.string(),
  description: text,
  memo: text,
  transactionDate: epoch,
  postedDate: epoch,
  createdDate: epoch,
  checkNum: z.union([z.string(), z.number()]).nullish(),
  categorization: z.object({ category: text }).nullish(),
});
export type McTransaction = z.infer<typeof mcTransaction>;
export const mcTransactionPage = z.object({ moreAvailable: flag, transactions: z.array(mcTransaction) });

/**
 * Error answers: `{code, message}` (code a string or a number), or on a few routes
 * `{Errors: {Error: [{ReasonCode, Description}]}}`.
 */
export const mcError = z.union([
  z
    .object({ code: z.union([z.string(), z.number()]), message: text })
    .transform((e) => ({ code: Number(e.code), message: e.message ?? null })),
  z
    .object({ Errors: z.object({ Error: z.array(z.object({ ReasonCode: text, Description: text })).min(1) }) })
    .transform(
      ({
        Errors: {
          Error: [first],
        },
      }) => ({ code: Number(first?.ReasonCode), message: first?.Description ?? null }),
    ),
]);

/**
 * Aggregation status codes (103, 185, 910 …) are below 1000 and mean something for the
 * connection; the provider's API error codes (10023 expired token, 14001 not found …) are
 * five or six digits and describe the call, not the bank.
 */
export const isAggregationStatusCode = (code: number) => Number.isInteger(code) && code > 0 && code < 1000;

export const toCents = (amount: number) => Math.round(amount * 100);
export const toInstant = (seconds: number | null) => (seconds === null ? null : new Date(seconds * 1000));
export const toIsoDay = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);
/** The provider's date range is in epoch seconds: from the start of the first day to the end of the last, UTC. */
export const dayStart = (isoDay: string) => Math.floor(Date.parse(`${isoDay}T00:00:00Z`) / 1000);
export const dayEnd = (isoDay: string) => Math.floor(Date.parse(`${isoDay}T23:59:59Z`) / 1000);

// The catalog has no personal/business field; banks that split them say so in the name
// ("… (Business)", "… Commercial"). Everything else is shown as PERSONAL, the variant most
// institutions have.
const BUSINESS_NAME = /\b(business|commercial|corporate|treasury)\b/i;
export const variantOf = (name: string): InstitutionVariant => (BUSINESS_NAME.test(name) ? "BUSINESS" : "PERSONAL");

export function toInstitution(i: McInstitution): Institution {
  const name = i.name?.trim() || `Institution ${i.id}`;
  return {
    id: i.id,
    name,
    variant: variantOf(name),
    loginUrl: i.urlLogonApp || i.urlHomeApp || "",
    homeUrl: i.urlHomeApp || null,
    status: "online",
    sandboxSiteUrl: null,
    linkStyle: "HOSTED",
  };
}

// Bankline's books take deposit and card accounts. Investment, retirement, loan and mortgage
// accounts at the same login are left out of the accounts a customer can link.
const KINDS: Record<string, Account["kind"]> = {
  checking: "checking",
  savings: "savings",
  moneyMarket: "savings",
  cd: "savings",
  creditCard: "credit_card",
  // Revolving credit: purchases and payments post like a card's.
  lineOfCredit: "credit_card",
};

const lastFour = (value: string | null | undefined) => {
  const digits = (value ?? "").replace(/[^0-9A-Za-z]/g, "");
  return digits ? digits.slice(-4) : null;
};

export function toAccount(a: McAccount): Account | null {
  const kind = KINDS[a.type];
  if (!kind) return null;
  return {
    id: a.id,
    loginId: encodeLoginId(a.customerId, a.institutionLoginId),
    institutionId: a.institutionId,
    name: a.name?.trim() || "Account",
    kind,
    mask: lastFour(a.realAccountNumberLast4) ?? lastFour(a.accountNumberDisplay) ?? "",
    balanceCents: a.balance === null || a.balance === undefined ? null : toCents(a.balance),
    currency: a.currency || "USD",
    statusCode: a.aggregationStatusCode ?? 0,
    lastSuccessAt: toInstant(a.aggregationSuccessDate),
    lastAttemptAt: toInstant(a.aggregationAttemptDate),
  };
}

/**
 * The code a login stands at, from its accounts' codes: 0 when all aggregate, else the
 * worst non-zero one — a code the customer must act on before one that is not understood,
 * before one that clears by itself; among equals, the first account's.
 */
export function worstCode(codes: readonly number[]): number {
  const rank = (code: number) => (needsCustomer(code) ? 3 : isTransientCode(code) ? 1 : 2);
  let worst = 0;
  for (const code of codes) if (code !== 0 && (worst === 0 || rank(code) > rank(worst))) worst = code;
  return worst;
}

const latest = (dates: (number | null)[]) => {
  const known = dates.filter((d): d is number => d !== null);
  return known.length ? Math.max(...known) : null;
};

/** A login's status from the accounts the provider keeps under it (it has no login resource of its own). */
export function loginStatusOf(
  customerId: string,
  institutionLoginId: string,
  accounts: readonly McAccount[],
  fallbackInstitutionId: string,
): LoginStatus {
  return {
    loginId: encodeLoginId(customerId, institutionLoginId),
    customerId,
    institutionId: accounts[0]?.institutionId ?? fallbackInstitutionId,
    statusCode: worstCode(accounts.map((a) => a.aggregationStatusCode ?? 0)),
    // The provider does not say whether it is aggregating; a refresh answers when it is done.
    aggregating: false,
    lastSuccessAt: toInstant(latest(accounts.map((a) => a.aggregationSuccessDate))),
    lastAttemptAt: toInstant(latest(accounts.map((a) => a.aggregationAttemptDate))),
  };
}

/** Every login of a customer, from its accounts grouped by institution login. */
export function loginsOf(customerId: string, accounts: readonly McAccount[]): LoginStatus[] {
  const byLogin = new Map<string, McAccount[]>();
  for (const a of accounts) byLogin.set(a.institutionLoginId, [...(byLogin.get(a.institutionLoginId) ?? []), a]);
  return [...byLogin].map(([institutionLoginId, group]) => loginStatusOf(customerId, institutionLoginId, group, ""));
}

const PENDING_STATUSES = new Set(["pending", "shadow"]);

export function toTransaction(t: McTransaction, accountId: string): Transaction {
  // A pending transaction may have no posted date yet: it stands on the day it happened.
  const posted = t.postedDate ?? t.transactionDate ?? t.createdDate ?? 0;
  const checkNumber = t.checkNum === null || t.checkNum === undefined ? "" : String(t.checkNum).trim();
  return {
    id: t.id,
    accountId,
    amountCents: toCents(t.amount),
    postedDate: toIsoDay(posted),
    transactionDate: toIsoDay(t.transactionDate ?? posted),
    description: t.description?.trim() || t.memo?.trim() || "",
    checkNumber: checkNumber || null,
    pending: PENDING_STATUSES.has(t.status),
    // The provider does not link a posted transaction to the pending one it replaces: the
    // posted one comes under its own id, and the bank feed's matcher pairs them.
    pendingTransactionId: null,
    category: t.categorization?.category?.trim() || null,
  };
}
