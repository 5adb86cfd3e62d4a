import { z } from "zod";

// The aggregator wire API (docs/aggregator-api.yaml) as zod schemas. The HTTP client parses
// every response with them, and the sandbox types its answers with the same shapes, so the
// two sides cannot drift apart. Amounts on the wire are decimal dollars, as the large US
// aggregators send them; the client turns them into integer cents.

const isoDateTime = z.iso.datetime({ offset: true });
const isoDate = z.iso.date();

export const wireVariant = z.enum(["personal", "business"]);
/** credentials: the customer's credentials come through the client; hosted: through the Connect page. */
export const wireLinkStyle = z.enum(["credentials", "hosted"]);
export type WireVariant = z.infer<typeof wireVariant>;
export type WireLinkStyle = z.infer<typeof wireLinkStyle>;

export const wireInstitution = z.object({
  id: z.string(),
  name: z.string(),
  variant: wireVariant,
  loginUrl: z.string(),
  homeUrl: z.string().nullable().optional(),
  status: z.enum(["online", "outage"]),
  /** Sandbox only: the page of the sandbox bank's own site for this institution. */
  sandboxSiteUrl: z.string().nullable().optional(),
  linkStyle: wireLinkStyle,
});
export type WireInstitution = z.infer<typeof wireInstitution>;

export const wireInstitutionPage = z.object({
  institutions: z.array(wireInstitution),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
});

export const wireCustomer = z.object({
  id: z.string(),
  externalId: z.string(),
  name: z.string().nullable(),
  webhookUrl: z.string().nullable(),
  createdAt: isoDateTime,
});
export type WireCustomer = z.infer<typeof wireCustomer>;

export const wireConnectSession = z.object({
  id: z.string(),
  /** The hosted Connect page for this session. */
  url: z.string(),
  expiresAt: isoDateTime,
});

export const wireLogin = z.object({
  id: z.string(),
  customerId: z.string(),
  institutionId: z.string(),
  aggregationStatusCode: z.number().int(),
  aggregating: z.boolean(),
  lastSuccessAt: isoDateTime.nullable(),
  lastAttemptAt: isoDateTime.nullable(),
  createdAt: isoDateTime,
});
export type WireLogin = z.infer<typeof wireLogin>;

export const wireMfaQuestion = z.discriminatedUnion("type", [
  z.object({ id: z.string(), type: z.literal("text"), text: z.string() }),
  z.object({ id: z.string(), type: z.literal("choice"), text: z.string(), choices: z.array(z.string()).min(2) }),
]);
export type WireMfaQuestion = z.infer<typeof wireMfaQuestion>;

export const wireLoginOutcome = z.discriminatedUnion("status", [
  z.object({ status: z.literal("ok"), code: z.number().int(), login: wireLogin }),
  z.object({
    status: z.literal("mfa_required"),
    code: z.union([z.literal(185), z.literal(187)]),
    login: wireLogin,
    mfa: z.object({
      session: z.string().min(16),
      question: wireMfaQuestion,
      expiresAt: isoDateTime,
      /** Where this question stands among the ones the bank asks, when the aggregator knows. */
      progress: z
        .object({ current: z.number().int().min(1), total: z.number().int().min(1) })
        .nullable()
        .optional(),
    }),
  }),
]);
export type WireLoginOutcome = z.infer<typeof wireLoginOutcome>;

export const wireAccount = z.object({
  id: z.string(),
  loginId: z.string(),
  institutionId: z.string(),
  name: z.string(),
  type: z.enum(["checking", "savings", "creditCard"]),
  mask: z.string(),
  balance: z.number().nullable(),
  currency: z.string().length(3),
  aggregationStatusCode: z.number().int(),
  lastSuccessAt: isoDateTime.nullable(),
  lastAttemptAt: isoDateTime.nullable(),
});
export type WireAccount = z.infer<typeof wireAccount>;

export const wireTransaction = z.object({
  id: z.string(),
  accountId: z.string(),
  /** Decimal dollars; negative is money leaving the account. */
  amount: z.number(),
  postedDate: isoDate,
  transactionDate: isoDate,
  description: z.string(),
  checkNumber: z.string().nullable(),
  status: z.enum(["pending", "posted"]),
  /** On a posted transaction: the id of the pending transaction it replaces. */
  pendingTransactionId: z.string().nullable(),
  category: z.string().nullable(),
});
export type WireTransaction = z.infer<typeof wireTransaction>;

export const wireTransactionPage = z.object({
  transactions: z.array(wireTransaction),
  total: z.number().int(),
  offset: z.number().int(),
  limit: z.number().int(),
  hasMore: z.boolean(),
});
export type WireTransactionPage = z.infer<typeof wireTransactionPage>;

export const wireError = z.object({
  error: z.object({
    /** An aggregation status code (103, 325, 910 …) or null for a plain HTTP error. */
    code: z.number().int().nullable(),
    type: z.enum(["aggregation", "invalid_request", "not_found", "unauthorized", "rate_limited", "internal"]),
    message: z.string(),
  }),
});
export type WireError = z.infer<typeof wireError>;

export const TRANSACTION_PAGE_LIMIT = 1000;

// Request bodies, validated by the sandbox at its boundary.
export const wireCredentials = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(200),
});
export const createCustomerBody = z.object({
  externalId: z.string().min(1).max(200),
  name: z.string().max(200).optional(),
  webhookUrl: z.url().nullable().optional(),
});
export const linkBody = z.object({ institutionId: z.string().min(1).max(100), credentials: wireCredentials });
export const updateLoginBody = z.object({ credentials: wireCredentials });
export const mfaAnswerBody = z.object({ session: z.string().min(16).max(200), answer: z.string().max(500) });
export const transactionsQuery = z.object({
  fromDate: isoDate,
  toDate: isoDate,
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(TRANSACTION_PAGE_LIMIT).default(500),
});
export const institutionsQuery = z.object({
  search: z.string().max(200).optional(),
  variant: wireVariant.optional(),
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});
