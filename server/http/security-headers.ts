// The Content-Security-Policy of every page (built per request by proxy.ts with its nonce).
// Scripts run only with the request's nonce ('strict-dynamic' lets those load Next.js's
// chunks); eval only in development (React's dev tools). Frames: the sandbox aggregator's
// hosted Connect page runs on a loopback port (a real provider's page opens in a window of
// its own, not a frame); /connect/return runs inside Bankline's own frame.

export function contentSecurityPolicy({
  nonce,
  frameAncestors,
  dev,
}: {
  nonce: string;
  frameAncestors: "'none'" | "'self'";
  dev: boolean;
}): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "frame-src 'self' http://127.0.0.1:* http://localhost:*",
    `frame-ancestors ${frameAncestors}`,
    "form-action 'self'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join("; ");
}
