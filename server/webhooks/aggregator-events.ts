import { z } from "zod";

// The events the aggregator sends to /api/webhooks/aggregator. The route stores the whole
// event in WebhookEvent.payload and queues its id; the job that processes it parses the
// payload with `aggregatorWebhookEvent` and updates the connection whose providerLoginId is
// `data.loginId`, using describeStatus(data.statusCode) from server/aggregator/status-codes.

export const AGGREGATOR_EVENT_TYPES = [
  /** An aggregation (link, refresh or update login) finished, successfully or not. */
  "aggregation.completed",
  /** A security question went unanswered until its session expired (statusCode 331). */
  "login.mfa_expired",
] as const;
export type AggregatorEventType = (typeof AGGREGATOR_EVENT_TYPES)[number];

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

export const aggregatorWebhookEvent = z.object({
  /** Unique per event; a redelivery repeats it, and the receiver ignores repeats. */
  id: z.string().min(1).max(200),
  /** Known types are listed above; an unknown type is stored and left to the consumer. */
  type: z.string().min(1).max(100),
  createdAt: z.iso.datetime({ offset: true }),
  /** When this delivery attempt was signed; the receiver rejects stale ones. */
  sentAt: z.iso.datetime({ offset: true }),
  data: aggregatorEventData,
});
export type AggregatorWebhookEvent = z.infer<typeof aggregatorWebhookEvent>;

export function isKnownEventType(type: string): type is AggregatorEventType {
  return (AGGREGATOR_EVENT_TYPES as readonly string[]).includes(type);
}
