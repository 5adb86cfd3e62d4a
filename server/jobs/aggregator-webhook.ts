import { z } from "zod";
import { completeAggregation, expireSecurityQuestion, type EngineDeps } from "@/server/connections/engine";
import { aggregatorWebhookEvent } from "@/server/webhooks/aggregator-events";

export const webhookJobData = z.object({ eventId: z.string().min(1) });

/**
 * Applies one stored aggregator webhook to its connection. Idempotent: an event already
 * processed is skipped, and completing an aggregation twice does the work once.
 */
export async function processAggregatorWebhook(deps: EngineDeps, eventId: string): Promise<"processed" | "skipped"> {
  const { db, log } = deps;
  const stored = await db.webhookEvent.findUnique({ where: { id: eventId }, select: { payload: true, processedAt: true } });
  if (!stored || stored.processedAt) return "skipped";
  const parsed = aggregatorWebhookEvent.safeParse(stored.payload);
  if (!parsed.success) {
    log.warn({ eventId }, "aggregator webhook with an unexpected shape; marked processed");
    await db.webhookEvent.update({ where: { id: eventId }, data: { processedAt: new Date() } });
    return "skipped";
  }
  const event = parsed.data;
  const connection = await db.connection.findFirst({
    where: { providerLoginId: event.data.loginId, status: { not: "REMOVED" } },
    select: { id: true },
  });
  if (connection) {
    if (event.type === "aggregation.completed" && !event.data.aggregating) {
      await completeAggregation(deps, { connectionId: connection.id, statusCode: event.data.statusCode });
    } else if (event.type === "login.mfa_expired") {
      await expireSecurityQuestion(deps, connection.id);
    }
  }
  await db.webhookEvent.update({ where: { id: eventId }, data: { processedAt: new Date() } });
  return "processed";
}
