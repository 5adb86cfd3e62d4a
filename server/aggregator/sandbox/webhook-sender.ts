import { randomUUID } from "node:crypto";
import type { Logger } from "@/server/log";
import type {
  AGGREGATION_EVENT_TYPES,
  AggregatorEventData,
  AggregatorEventType,
  CONNECT_EVENT_TYPES,
  ConnectEventData,
} from "@/server/webhooks/aggregator-events";
import { SIGNATURE_HEADER, signWebhookBody } from "@/server/webhooks/signature";

// Delivers webhooks in the background with a few concurrent requests. A delivery that
// fails (network error, timeout, 5xx, 408, 429) is retried with backoff under the same
// event id, re-signed with a fresh sentAt each time. Deliveries still waiting when the
// process stops are lost, as with any at-least-once sender that keeps its queue in memory.

interface Delivery {
  url: string;
  event: { id: string; type: AggregatorEventType; createdAt: string; data: AggregatorEventData | ConnectEventData };
  attempt: number;
}

export interface WebhookSenderOptions {
  secret: string | null;
  log: Logger;
  /** First retry delay; later ones grow fivefold (1 s, 5 s, 25 s, 125 s by default). */
  retryBaseMs?: number;
  maxAttempts?: number;
  timeoutMs?: number;
  concurrency?: number;
}

export class WebhookSender {
  private queue: Delivery[] = [];
  private active = 0;
  private timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private warnedNoSecret = false;
  delivered = 0;
  failed = 0;

  constructor(private readonly options: WebhookSenderOptions) {}

  /** Queues an event for the URL and returns its id (null when nothing can be sent). */
  send(url: string | null, type: (typeof AGGREGATION_EVENT_TYPES)[number], data: AggregatorEventData): string | null;
  send(url: string | null, type: (typeof CONNECT_EVENT_TYPES)[number], data: ConnectEventData): string | null;
  send(url: string | null, type: AggregatorEventType, data: AggregatorEventData | ConnectEventData): string | null {
    if (!url || this.stopped) return null;
    if (!this.options.secret) {
      if (!this.warnedNoSecret) this.options.log.warn("AGGREGATOR_WEBHOOK_SECRET is not set: webhooks are not sent");
      this.warnedNoSecret = true;
      return null;
    }
    const event = { id: `evt_${randomUUID().replaceAll("-", "")}`, type, createdAt: new Date().toISOString(), data };
    this.queue.push({ url, event, attempt: 0 });
    this.pump();
    return event.id;
  }

  get pending() {
    return this.queue.length + this.active + this.timers.size;
  }

  stop() {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue = [];
  }

  private pump() {
    while (!this.stopped && this.active < (this.options.concurrency ?? 4) && this.queue.length > 0) {
      const delivery = this.queue.shift()!;
      this.active++;
      void this.deliver(delivery).finally(() => {
        this.active--;
        this.pump();
      });
    }
  }

  private async deliver(d: Delivery) {
    d.attempt++;
    const body = JSON.stringify({ ...d.event, sentAt: new Date().toISOString() });
    let outcome: string;
    try {
      const res = await fetch(d.url, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          [SIGNATURE_HEADER]: signWebhookBody(body, this.options.secret!),
          "x-aggregator-event-id": d.event.id,
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5000),
      });
      await res.body?.cancel();
      if (res.ok) {
        this.delivered++;
        this.options.log.debug({ eventId: d.event.id, type: d.event.type, attempt: d.attempt }, "webhook delivered");
        return;
      }
      if (res.status < 500 && res.status !== 408 && res.status !== 429) {
        this.failed++;
        this.options.log.warn({ eventId: d.event.id, status: res.status }, "webhook refused; not retried");
        return;
      }
      outcome = `HTTP ${res.status}`;
    } catch (err) {
      outcome = err instanceof Error ? err.name : "error";
    }
    if (d.attempt >= (this.options.maxAttempts ?? 5) || this.stopped) {
      this.failed++;
      this.options.log.warn({ eventId: d.event.id, attempts: d.attempt, outcome }, "webhook given up");
      return;
    }
    const delay = (this.options.retryBaseMs ?? 1000) * 5 ** (d.attempt - 1);
    this.options.log.info(
      { eventId: d.event.id, attempt: d.attempt, outcome, retryInMs: delay },
      "webhook delivery failed; will retry",
    );
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.queue.push(d);
      this.pump();
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }
}
