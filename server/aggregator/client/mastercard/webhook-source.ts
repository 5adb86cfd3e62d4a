import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { AggregatorWebhookEvent } from "@/server/webhooks/aggregator-events";
import {
  parseDeliveryBody,
  receiveWebhook,
  type WebhookDeps,
  type WebhookSource,
} from "@/server/webhooks/receive-webhook";
import { aggregatorConfigFromEnv, MASTERCARD_SIGNATURE_HEADER } from "../index";
import { encodeLoginId } from "./login-id";
import { isAggregationStatusCode } from "./wire";

// Mastercard's Connect events (app/api/webhooks/mastercard): the provider posts them to the
// webhook URL given with each Connect link, signed with a hex HMAC-SHA256 of the raw body
// under the partner secret. They become Bankline's connect events: a finished session
// (`added`, `done`) is connect.completed, a failed attempt on the page connect.failed with its
// status code; the others (ping, started, discovered …) are stored under a type of their own,
// which the job marks processed. The session is found by the `reference` Bankline put in
// webhookData. Only what Bankline needs is kept: never the payload's account numbers.
//
// The body carries no timestamp, so replays are refused by event id alone (the receiver
// stores each id once); an event without an id (ping) gets one from a hash of its body.

export interface MastercardWebhookSettings {
  /** The partner secret; without it deliveries are refused (503). */
  partnerSecret: string | undefined;
  /** Lower-case header name. */
  signatureHeader: string;
}

/** The settings from the environment: only when Mastercard is the configured provider. */
export function mastercardWebhookSettings(
  env: Record<string, string | undefined> = process.env,
): MastercardWebhookSettings {
  try {
    const config = aggregatorConfigFromEnv(env);
    if (config.provider === "mastercard")
      return { partnerSecret: config.partnerSecret, signatureHeader: config.webhookSignatureHeader };
  } catch {
    // Invalid settings: the start reports them; here the route just refuses deliveries.
  }
  return { partnerSecret: undefined, signatureHeader: MASTERCARD_SIGNATURE_HEADER };
}

export function signMastercardEvent(rawBody: string | Buffer, partnerSecret: string): string {
  return createHmac("sha256", partnerSecret).update(rawBody).digest("hex");
}

const HEX_SIGNATURE = /^[0-9a-f]{64}$/;

function verify(rawBody: Buffer, header: string | null, secret: string): boolean {
  const given = header?.trim().toLowerCase() ?? "";
  if (!secret || !HEX_SIGNATURE.test(given)) return false;
  return timingSafeEqual(Buffer.from(given, "hex"), createHmac("sha256", secret).update(rawBody).digest());
}

const id = z.union([z.string().min(1).max(100), z.number().int()]).transform(String);

const mcEvent = z.object({
  eventType: z.string().min(1).max(100),
  eventId: z.string().min(1).max(150).optional(),
  customerId: id.optional(),
  payload: z
    .object({
      institutionId: id.nullish(),
      accounts: z.array(z.unknown()).max(500).nullish(),
      code: z.union([z.number(), z.string()]).nullish(),
    })
    .nullish(),
  webhookData: z.object({ reference: z.string().min(1).max(200).nullish() }).nullish(),
});
type McEvent = z.infer<typeof mcEvent>;

const accountRef = z.object({ institutionLoginId: id, institutionId: id.nullish() });

type ConnectType = "connect.completed" | "connect.failed";
/** What each event type means for Bankline's session; undefined: stored and marked processed. */
const CONNECT_EVENTS: Record<string, { type: ConnectType; statusCode: (e: McEvent) => number | null }> = {
  added: { type: "connect.completed", statusCode: () => null },
  done: { type: "connect.completed", statusCode: () => null },
  invalidCredentials: { type: "connect.failed", statusCode: () => 103 },
  unableToConnect: { type: "connect.failed", statusCode: (e) => codeOf(e.payload?.code) ?? 102 },
  institutionNotSupported: { type: "connect.failed", statusCode: () => 976 },
  // A search that found nothing: no attempt at any bank, nothing to record.
  institutionNotFound: { type: "connect.failed", statusCode: () => null },
};

function codeOf(value: unknown): number | null {
  const code = typeof value === "string" ? Number(value) : value;
  return typeof code === "number" && isAggregationStatusCode(code) ? code : null;
}

/** The institution logins an event names (`added` lists the accounts it saved), as Bankline login ids. */
function loginIdsOf(e: McEvent, customerId: string): { loginIds: string[]; institutionId: string | null } {
  const loginIds = new Set<string>();
  let institutionId = e.payload?.institutionId ?? null;
  for (const account of e.payload?.accounts ?? []) {
    const parsed = accountRef.safeParse(account);
    if (!parsed.success) continue;
    loginIds.add(encodeLoginId(customerId, parsed.data.institutionLoginId));
    institutionId ??= parsed.data.institutionId ?? null;
  }
  return { loginIds: [...loginIds].slice(0, 100), institutionId };
}

export function toBanklineEvent(raw: Buffer, e: McEvent, now: number): AggregatorWebhookEvent | { error: string } {
  const at = new Date(now).toISOString();
  const eventId = e.eventId ?? `sha256-${createHash("sha256").update(raw).digest("hex")}`;
  const envelope = { id: `mastercard:${eventId}`, createdAt: at, sentAt: at };
  const reference = e.webhookData?.reference ?? null;
  const connect = CONNECT_EVENTS[e.eventType];
  if (!connect) {
    const type = /^[A-Za-z0-9_.-]{1,80}$/.test(e.eventType) ? `mastercard.${e.eventType}` : "mastercard.unknown";
    return { ...envelope, type, data: { eventType: e.eventType, customerId: e.customerId ?? null, reference } };
  }
  if (!e.customerId) return { error: "event without a customer" };
  const { loginIds, institutionId } = loginIdsOf(e, e.customerId);
  return {
    ...envelope,
    type: connect.type,
    data: {
      reference,
      customerId: e.customerId,
      customerExternalId: null,
      loginIds,
      institutionId,
      statusCode: connect.statusCode(e),
    },
  };
}

export function mastercardWebhookSource(settings: MastercardWebhookSettings): WebhookSource {
  return {
    name: "mastercard",
    configured: !!settings.partnerSecret,
    verify: (raw, headers) => verify(raw, headers.get(settings.signatureHeader), settings.partnerSecret ?? ""),
    parse(raw, now) {
      const parsed = parseDeliveryBody(raw, mcEvent);
      if (!parsed.ok) return parsed;
      const event = toBanklineEvent(raw, parsed.body, now);
      return "error" in event ? { ok: false, error: event.error } : { ok: true, event };
    },
  };
}

export function receiveMastercardWebhook(
  req: Request,
  deps: WebhookDeps & { settings: MastercardWebhookSettings },
): Promise<Response> {
  return receiveWebhook(req, mastercardWebhookSource(deps.settings), deps);
}
