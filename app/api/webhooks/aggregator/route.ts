import { getDb } from "@/server/db/client";
import { enqueueWebhookEvent } from "@/server/jobs/aggregator-webhook";
import { receiveAggregatorWebhook } from "@/server/webhooks/receive-aggregator-webhook";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Aggregator webhooks: verified, stored and queued; processed by the worker. */
export async function POST(req: Request) {
  return receiveAggregatorWebhook(req, {
    db: getDb(),
    secret: process.env.AGGREGATOR_WEBHOOK_SECRET,
    enqueueEvent: enqueueWebhookEvent,
  });
}
