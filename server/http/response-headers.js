// Headers every response carries, static files included: next.config.js gives them to what
// Next.js serves, server/http/main.js to the compressed static files it serves itself. The
// Content-Security-Policy and frame protections are set per request by proxy.ts instead.

/**
 * @param {{ dev: boolean }} options
 * @returns {{ key: string, value: string }[]}
 */
export function headersOnEveryResponse({ dev }) {
  return [
    { key: "X-Content-Type-Options", value: "nosniff" },
    { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
    { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
    ...(dev ? [] : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
  ];
}
