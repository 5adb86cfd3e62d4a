import { aggregatorWebhookEvent } from "./aggregator-events";
import { parseDeliveryBody, receiveWebhook, type WebhookDeps, type WebhookSource } from "./receive-webhook";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "./signature";

// The sandbox's webhooks (and any aggregator speaking its wire API): Bankline's event shape
// as is, signed in X-Aggregator-Signature, with a signed sentAt checked for staleness.

export { MAX_WEBHOOK_BYTES } from "./receive-webhook";

/** How far sentAt may be from our clock, either way. */
export const MAX_WEBHOOK_SKEW_MS = 5 * 60_000;

export function aggregatorWebhookSource(secret: string | undefined): WebhookSource {
  return {
    name: "aggregator",
    configured: !!secret,
    verify: (raw, headers) => verifyWebhookSignature(raw, headers.get(SIGNATURE_HEADER), secret ?? ""),
    parse(raw, now) {
      const parsed = parseDeliveryBody(raw, aggregatorWebhookEvent);
      if (!parsed.ok) return parsed;
      const skew = Math.abs(now - Date.parse(parsed.body.sentAt));
      if (!(skew <= MAX_WEBHOOK_SKEW_MS)) return { ok: false, error: "stale timestamp" };
      return { ok: true, event: parsed.body };
    },
  };
}

export function receiveAggregatorWebhook(
  req: Request,
  deps: WebhookDeps & { secret: string | undefined },
): Promise<Response> {
  return receiveWebhook(req, aggregatorWebhookSource(deps.secret), deps);
}
