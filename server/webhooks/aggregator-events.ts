import { z } from "zod";

// The events an aggregator sends Bankline, in the shape Bankline stores and processes them.
// The sandbox sends exactly this (to /api/webhooks/aggregator); a provider's own route turns
// its events into it (Mastercard's: /api/webhooks/mastercard). The route stores the event in
// WebhookEvent.payload and queues its id; the job that processes it
// (server/jobs/aggregator-webhook.ts) parses the payload with `aggregatorWebhookEvent`.

export const AGGREGATION_EVENT_TYPES = [
  /** An aggregation (link, refresh or update login) finished, successfully or not. */
  "aggregation.completed",
  /** A security question went unanswered until its session expired (statusCode 331). */
  "login.mfa_expired",
] as const;

export const CONNECT_EVENT_TYPES = [
  /** The customer finished on the hosted Connect page: loginIds were added (link) or repaired (fix). */
  "connect.completed",
  /** An attempt on the Connect page failed with statusCode (103 …); the page may go on. */
  "connect.failed",
  /** The customer left the Connect page without finishing. */
  "connect.cancelled",
] as const;

export type AggregatorEventType = (typeof AGGREGATION_EVENT_TYPES)[number] | (typeof CONNECT_EVENT_TYPES)[number];

export const aggregatorEventData = z.object({
  loginId: z.string(),
  customerId: z.string(),
  /** What Bankline gave the aggregator as the customer's id: the organization id. */
  customerExternalId: z.string(),
  institutionId: z.string(),
  /** 0 on success, else the failure code (102, 108, 910 …); 331 for login.mfa_expired. */
  statusCode: z.number().int(),
  aggregating: z.boolean(),
  lastSuccessAt: z.iso.datetime({ offset: true }).nullable(),
  lastAttemptAt: z.iso.datetime({ offset: true }).nullable(),
  /** What started the aggregation. */
  trigger: z.enum(["link", "refresh", "update"]),
});
export type AggregatorEventData = z.infer<typeof aggregatorEventData>;

export const connectEventData = z.object({
  /** Bankline's ConnectSession id, given when the session was created; null when the provider lost it. */
  reference: z.string().min(1).max(200).nullable(),
  customerId: z.string(),
  /** The organization id, when the provider knows it (the sandbox does; Mastercard only knows its customer). */
  customerExternalId: z.string().nullable(),
  /** The logins the session added or repaired, when the provider tells. */
  loginIds: z.array(z.string()).max(100),
  /** The institution of the attempt, when the provider tells. */
  institutionId: z.string().nullable(),
  statusCode: z.number().int().nullable(),
});
export type ConnectEventData = z.infer<typeof connectEventData>;

const envelope = {
  /** Unique per event; a redelivery repeats it, and the receiver ignores repeats. */
  id: z.string().min(1).max(200),
  createdAt: z.iso.datetime({ offset: true }),
  /** When this delivery attempt was signed; the receiver rejects stale ones. */
  sentAt: z.iso.datetime({ offset: true }),
};

export const aggregatorWebhookEvent = z.union([
  z.object({ ...envelope, type: z.enum(AGGREGATION_EVENT_TYPES), data: aggregatorEventData }),
  z.object({ ...envelope, type: z.enum(CONNECT_EVENT_TYPES), data: connectEventData }),
  /** A type Bankline does not know yet: stored, and marked processed by the job with a warning. */
  z.object({ ...envelope, type: z.string().min(1).max(100), data: z.unknown() }),
]);
export type AggregatorWebhookEvent = z.infer<typeof aggregatorWebhookEvent>;

export const isAggregationEvent = (
  e: AggregatorWebhookEvent,
): e is Extract<AggregatorWebhookEvent, { data: AggregatorEventData }> =>
  (AGGREGATION_EVENT_TYPES as readonly string[]).includes(e.type);

export const isConnectEvent = (
  e: AggregatorWebhookEvent,
): e is Extract<AggregatorWebhookEvent, { data: ConnectEventData }> =>
  (CONNECT_EVENT_TYPES as readonly string[]).includes(e.type);
