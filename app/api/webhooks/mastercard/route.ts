import {
  mastercardWebhookSettings,
  receiveMastercardWebhook,
} from "@/server/aggregator/client/mastercard/webhook-source";
import { getDb } from "@/server/db/client";
import { enqueueWebhookEvent } from "@/server/jobs/aggregator-webhook";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

/** Mastercard Open Banking's Connect events: verified, stored and queued; processed by the worker. */
export async function POST(req: Request) {
  return receiveMastercardWebhook(req, {
    db: getDb(),
    settings: mastercardWebhookSettings(),
    enqueueEvent: enqueueWebhookEvent,
  });
}
