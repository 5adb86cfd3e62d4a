import { createHmac, timingSafeEqual } from "node:crypto";

// Aggregator webhooks carry `X-Aggregator-Signature: sha256=<hex>`, the HMAC-SHA256 of the
// raw request body under the shared secret (AGGREGATOR_WEBHOOK_SECRET). The body holds the
// event's `sentAt`, so the timestamp the receiver checks for staleness is signed too.

export const SIGNATURE_HEADER = "x-aggregator-signature";
const PREFIX = "sha256=";

export function signWebhookBody(rawBody: string | Buffer, secret: string): string {
  return PREFIX + createHmac("sha256", secret).update(rawBody).digest("hex");
}

/** Constant-time check; false for a missing, malformed or wrong signature. */
export function verifyWebhookSignature(
  rawBody: string | Buffer,
  header: string | null | undefined,
  secret: string,
): boolean {
  if (!header || !secret) return false;
  const expected = Buffer.from(signWebhookBody(rawBody, secret), "utf8");
  const given = Buffer.from(header.trim(), "utf8");
  // The expected length is public (a fixed-size hex digest), so checking it first leaks nothing.
  if (given.length !== expected.length) return false;
  return timingSafeEqual(given, expected);
}
