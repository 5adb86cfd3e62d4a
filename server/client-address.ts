// The address a request came from, as recorded in the audit log and used by the sign-in
// throttle. Behind proxies the socket's peer is the nearest proxy, so the client's address
// comes from X-Forwarded-For, where each proxy appends the address it received the request
// from. Everything left of what the trusted proxies appended was written by the client and
// can be anything, so only the entry appended by the farthest trusted proxy counts:
// TRUST_PROXY_HOPS proxies in front of Bankline (default 1, the nearest proxy's entry,
// i.e. the rightmost); 0 trusts no forwarding header at all.

export const DEFAULT_TRUST_PROXY_HOPS = 1;

export function trustProxyHops(env: Record<string, string | undefined> = process.env): number {
  const raw = env.TRUST_PROXY_HOPS?.trim();
  if (!raw) return DEFAULT_TRUST_PROXY_HOPS;
  const hops = Number(raw);
  return Number.isInteger(hops) && hops >= 0 ? hops : DEFAULT_TRUST_PROXY_HOPS;
}

type HeaderSource = Headers | Record<string, unknown> | undefined;

function header(headers: HeaderSource, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = headers[name];
  if (typeof value === "string") return value;
  // Node joins repeated headers into an array; X-Forwarded-For lines read as one list.
  if (Array.isArray(value)) return value.filter((v) => typeof v === "string").join(",");
  return undefined;
}

export function clientAddress(headers: HeaderSource, hops = trustProxyHops()): string {
  if (hops <= 0) return "unknown";
  const forwarded = header(headers, "x-forwarded-for")
    ?.split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (forwarded && forwarded.length > 0) {
    // Fewer entries than trusted hops: the chain is shorter than configured, and its
    // leftmost entry is still one a trusted proxy wrote.
    return forwarded[Math.max(0, forwarded.length - hops)]!;
  }
  // Set (not appended) by the nearest proxy, which overwrites what a client sent.
  return header(headers, "x-real-ip")?.trim() || "unknown";
}
