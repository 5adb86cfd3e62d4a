import type { z } from "zod";
import type { Db } from "@/server/db/client";
import { BodyTooLarge, readBodyWithin } from "@/server/http/read-body";
import { log as defaultLog, type Logger } from "@/server/log";
import type { AggregatorWebhookEvent } from "./aggregator-events";

// Receives an aggregator's webhook: reads the body within a size limit, checks its signature
// in constant time over the raw bytes, turns it into Bankline's event shape, stores it under
// its id (a repeat is ignored) and queues it through the enqueue function its caller gives
// (the route handler gives the job queue's). Nothing is processed here, so the answer is
// fast and a slow or stopped consumer never loses an event: it waits in WebhookEvent and in
// the queue. Each aggregator is a WebhookSource: how its deliveries are verified and read.

export const MAX_WEBHOOK_BYTES = 256 * 1024;

export type ParsedDelivery = { ok: true; event: AggregatorWebhookEvent } | { ok: false; error: string };

export interface WebhookSource {
  /** For logs: "aggregator", "mastercard" … */
  name: string;
  /** False until its secret is configured: deliveries are refused with 503. */
  configured: boolean;
  /** The delivery's signature is right (constant-time comparison over the raw body). */
  verify(rawBody: Buffer, headers: Headers): boolean;
  /** The delivery as Bankline's event, or why it is not a valid one (stale, malformed …). */
  parse(rawBody: Buffer, now: number): ParsedDelivery;
}

/** A delivery's body as JSON of the source's own shape, or why it is not one; the source then reads it. */
export function parseDeliveryBody<Schema extends z.ZodType>(
  rawBody: Buffer,
  schema: Schema,
): { ok: true; body: z.output<Schema> } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString("utf8"));
  } catch {
    return { ok: false, error: "body is not JSON" };
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? { ok: true, body: parsed.data } : { ok: false, error: "not a valid event" };
}

export interface WebhookDeps {
  db: Db;
  /** Must be idempotent per event id: a repeated unprocessed event is queued again. */
  enqueueEvent: (eventId: string) => Promise<void>;
  now?: () => number;
  log?: Logger;
}

const json = (status: number, body: object) => Response.json(body, { status });

export async function receiveWebhook(req: Request, source: WebhookSource, deps: WebhookDeps): Promise<Response> {
  const log = (deps.log ?? defaultLog).child({ route: `webhooks/${source.name}` });
  if (!source.configured) {
    log.error("the webhook secret is not set; refusing webhooks");
    return json(503, { error: "webhooks are not configured" });
  }
  let raw: Buffer;
  try {
    raw = await readBodyWithin(req, MAX_WEBHOOK_BYTES);
  } catch (err) {
    if (err instanceof BodyTooLarge) return json(413, { error: "body too large" });
    throw err;
  }
  if (!source.verify(raw, req.headers)) {
    log.warn("webhook refused: bad or missing signature");
    return json(401, { error: "invalid signature" });
  }
  const parsed = source.parse(raw, (deps.now ?? Date.now)());
  if (!parsed.ok) {
    log.warn({ reason: parsed.error }, "webhook refused");
    return json(400, { error: parsed.error });
  }
  const { event } = parsed;
  const { count } = await deps.db.webhookEvent.createMany({
    data: [{ id: event.id, type: event.type, payload: JSON.parse(JSON.stringify(event)) }],
    skipDuplicates: true,
  });
  const repeated = count === 0;
  const stored = repeated
    ? await deps.db.webhookEvent.findUnique({ where: { id: event.id }, select: { processedAt: true } })
    : null;
  // A repeat is queued again only if never processed: the first delivery may have been stored but not queued.
  if (!repeated || (stored && !stored.processedAt)) {
    try {
      await deps.enqueueEvent(event.id);
    } catch (err) {
      // Stored but not queued: a 503 makes the aggregator deliver again, and the repeat is queued.
      const what = repeated ? "repeated webhook could not be queued" : "webhook stored but not queued";
      log.error({ err, eventId: event.id }, what);
      return json(503, { error: "could not queue the event" });
    }
  }
  log.info({ eventId: event.id, type: event.type }, repeated ? "webhook repeated; ignored" : "webhook accepted");
  return json(200, { status: repeated ? "duplicate" : "accepted" });
}
