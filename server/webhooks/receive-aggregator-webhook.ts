import type { Db } from "@/server/db/client";
import { log as defaultLog, type Logger } from "@/server/log";
import { aggregatorWebhookEvent } from "./aggregator-events";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./signature";

// Receives an aggregator webhook: checks the signature over the raw body in constant time,
// refuses stale deliveries, stores the event under its id (a repeat is ignored) and queues
// it for the worker through the enqueue function its caller gives (the route handler gives
// the job queue's). Nothing is processed here, so the answer is fast and a slow or stopped
// consumer never loses an event: it waits in WebhookEvent and in the queue.

export const MAX_WEBHOOK_BYTES = 256 * 1024;
/** How far sentAt may be from our clock, either way. */
export const MAX_WEBHOOK_SKEW_MS = 5 * 60_000;

export interface WebhookDeps {
  db: Db;
  secret: string | undefined;
  /** Must be idempotent per event id: a repeated unprocessed event is queued again. */
  enqueueEvent: (eventId: string) => Promise<void>;
  now?: () => number;
  log?: Logger;
}

const json = (status: number, body: object) => Response.json(body, { status });

export async function receiveAggregatorWebhook(req: Request, deps: WebhookDeps): Promise<Response> {
  const log = (deps.log ?? defaultLog).child({ route: "webhooks/aggregator" });
  if (!deps.secret) {
    log.error("AGGREGATOR_WEBHOOK_SECRET is not set; refusing webhooks");
    return json(503, { error: "webhooks are not configured" });
  }
  if (Number(req.headers.get("content-length") ?? 0) > MAX_WEBHOOK_BYTES) return json(413, { error: "body too large" });
  const raw = await req.text();
  if (Buffer.byteLength(raw) > MAX_WEBHOOK_BYTES) return json(413, { error: "body too large" });

  if (!verifyWebhookSignature(raw, req.headers.get(SIGNATURE_HEADER), deps.secret)) {
    log.warn({ hasSignature: req.headers.has(SIGNATURE_HEADER) }, "webhook refused: bad or missing signature");
    return json(401, { error: "invalid signature" });
  }

  let parsed;
  try {
    parsed = aggregatorWebhookEvent.safeParse(JSON.parse(raw));
  } catch {
    return json(400, { error: "body is not JSON" });
  }
  if (!parsed.success) {
    log.warn({ issues: parsed.error.issues.map((i) => i.path.join(".")) }, "webhook refused: not a valid event");
    return json(400, { error: "not a valid event" });
  }
  const event = parsed.data;
  const skew = Math.abs((deps.now ?? Date.now)() - Date.parse(event.sentAt));
  if (!(skew <= MAX_WEBHOOK_SKEW_MS)) {
    log.warn({ eventId: event.id, skewMs: skew }, "webhook refused: stale timestamp");
    return json(400, { error: "stale timestamp" });
  }

  const { count } = await deps.db.webhookEvent.createMany({
    data: [{ id: event.id, type: event.type, payload: event }],
    skipDuplicates: true,
  });
  const { enqueueEvent } = deps;
  if (count === 0) {
    const existing = await deps.db.webhookEvent.findUnique({ where: { id: event.id }, select: { processedAt: true } });
    // Queued again only if never processed: the first delivery may have been stored but not queued.
    if (existing && !existing.processedAt) {
      try {
        await enqueueEvent(event.id);
      } catch (err) {
        log.error({ err, eventId: event.id }, "repeated webhook could not be queued");
        return json(503, { error: "could not queue the event" });
      }
    }
    log.info({ eventId: event.id, type: event.type }, "webhook repeated; ignored");
    return json(200, { status: "duplicate" });
  }
  try {
    await enqueueEvent(event.id);
  } catch (err) {
    // Stored but not queued: a 503 makes the aggregator deliver again, and the repeat is queued.
    log.error({ err, eventId: event.id }, "webhook stored but not queued");
    return json(503, { error: "could not queue the event" });
  }
  log.info({ eventId: event.id, type: event.type, loginId: event.data.loginId, statusCode: event.data.statusCode }, "webhook accepted");
  return json(200, { status: "accepted" });
}
