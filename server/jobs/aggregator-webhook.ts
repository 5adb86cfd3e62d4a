import { z } from "zod";
import { withOrganization } from "@/server/db/tenancy";
import { aggregatorSawNewAttempt } from "@/server/connections/aggregator-clock";
import { completeAggregation, expireSecurityQuestion, type EngineDeps } from "@/server/connections/engine";
import { settleConnectEvent, type ConnectEnding } from "@/server/connections/hosted";
import {
  aggregatorWebhookEvent,
  isAggregationEvent,
  isConnectEvent,
  type CONNECT_EVENT_TYPES,
} from "@/server/webhooks/aggregator-events";
import { enqueue, QUEUES, stableJobId } from "./queue";

export const webhookJobData = z.object({ eventId: z.string().min(1) });

const CONNECT_ENDINGS: Record<(typeof CONNECT_EVENT_TYPES)[number], ConnectEnding> = {
  "connect.completed": "completed",
  "connect.failed": "failed",
  "connect.cancelled": "cancelled",
};

/** The job of a stored event: queueing the same event twice inserts one job. */
export const webhookJobId = (eventId: string) => stableJobId("aggregator-webhook", eventId);

/** Queues a stored aggregator webhook for the worker (the webhook routes are given this). */
export async function enqueueWebhookEvent(eventId: string): Promise<void> {
  await enqueue(QUEUES.aggregatorWebhook, { eventId }, { id: webhookJobId(eventId) });
}

/**
 * Applies one stored aggregator webhook to its connection. Idempotent: an event already
 * processed is skipped, and completing an aggregation twice does the work once.
 */
export async function processAggregatorWebhook(deps: EngineDeps, eventId: string): Promise<"processed" | "skipped"> {
  const { db, log } = deps;
  const stored = await db.webhookEvent.findUnique({
    where: { id: eventId },
    select: { payload: true, processedAt: true },
  });
  if (!stored || stored.processedAt) return "skipped";
  const parsed = aggregatorWebhookEvent.safeParse(stored.payload);
  if (!parsed.success) {
    log.warn({ eventId }, "aggregator webhook with an unexpected shape; marked processed");
    await db.webhookEvent.update({ where: { id: eventId }, data: { processedAt: new Date() } });
    return "skipped";
  }
  const event = parsed.data;
  if (isConnectEvent(event)) {
    await settleConnectEvent(deps, CONNECT_ENDINGS[event.type], event.data);
  } else if (isAggregationEvent(event)) {
    const connection = await db.connection.findFirst({
      where: { providerLoginId: event.data.loginId, status: { not: "REMOVED" } },
      select: {
        id: true,
        organizationId: true,
        status: true,
        lastAttemptAt: true,
        providerAttemptAt: true,
        activeEventId: true,
        aggregationStartedAt: true,
      },
    });
    if (connection && connection.organizationId !== event.data.customerExternalId) {
      log.warn({ eventId }, "aggregator webhook about a login of another organization's customer; ignored");
    } else if (connection) {
      // The event is about one organization's login: its work sees that organization's rows only.
      await withOrganization(connection.organizationId, null, async () => {
        if (event.type === "aggregation.completed" && !event.data.aggregating) {
          if (await reportsNewAggregation(deps, connection, event.data.lastAttemptAt)) {
            const reportedAttemptAt = event.data.lastAttemptAt ? new Date(event.data.lastAttemptAt) : null;
            await completeAggregation(deps, {
              connectionId: connection.id,
              statusCode: event.data.statusCode,
              reportedAttemptAt,
            });
          } else {
            log.debug({ eventId }, "webhook about an aggregation settled or being settled; nothing to do");
          }
        } else if (event.type === "login.mfa_expired") {
          await expireSecurityQuestion(deps, connection.id);
        }
      });
    }
  } else {
    log.warn({ eventId, type: event.type }, "aggregator webhook of an unknown type; marked processed");
  }
  await db.webhookEvent.update({ where: { id: eventId }, data: { processedAt: new Date() } });
  return "processed";
}

/**
 * Whether the webhook tells something Bankline does not know yet. Most aggregations finish
 * within the request that started them and are settled then; their webhook arrives after
 * and must not retrieve again. While an attempt is under way, a webhook about an earlier
 * aggregation must not settle it either, nor one another process is completing (it released
 * the attempt and is reading accounts and transactions; one it never finishes is the
 * sweeper's). A webhook newer than everything Bankline saw (the aggregator's own refresh, a
 * completion that came only this way) is applied.
 */
async function reportsNewAggregation(
  deps: EngineDeps,
  connection: {
    status: string;
    lastAttemptAt: Date | null;
    providerAttemptAt: Date | null;
    activeEventId: string | null;
    aggregationStartedAt: Date | null;
  },
  lastAttemptAtIso: string | null,
): Promise<boolean> {
  const attemptAt = lastAttemptAtIso ? new Date(lastAttemptAtIso) : null;
  if (connection.status === "AGGREGATING") {
    if (connection.activeEventId === null) return false;
    if (!attemptAt) return true;
    const event = await deps.db.connectionEvent.findUnique({
      where: { id: connection.activeEventId },
      select: { startedAt: true },
    });
    const startedAt = event?.startedAt ?? connection.aggregationStartedAt;
    return aggregatorSawNewAttempt(attemptAt, { providerAttemptAt: connection.providerAttemptAt, startedAt });
  }
  // Settled attempts compare on the aggregator's clock when Bankline kept its time of them.
  const settledUpTo = connection.providerAttemptAt ?? connection.lastAttemptAt;
  return !attemptAt || !settledUpTo || attemptAt > settledUpTo;
}
