import { createHash, timingSafeEqual } from "node:crypto";
import { clientAddress } from "@/server/client-address";

// Who may read /api/metrics: whoever presents METRICS_TOKEN as a bearer token, and a scraper on
// the same machine. "The same machine" is the client address as the rest of Bankline reads it
// (server/client-address.ts): right behind the trusted proxy that production needs, spoofable
// without one, where TRUST_PROXY_HOPS=0 leaves the token as the only way in.

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|::1|::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3})$/;

const digest = (value: string) => createHash("sha256").update(value).digest();

export function metricsAccess(
  headers: Headers,
  env: Record<string, string | undefined> = process.env,
): "token" | "loopback" | null {
  const token = env.METRICS_TOKEN?.trim();
  const presented = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (token && presented && timingSafeEqual(digest(token), digest(presented))) return "token";
  return LOOPBACK.test(clientAddress(headers)) ? "loopback" : null;
}
