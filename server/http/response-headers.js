// Headers of Bankline's responses: next.config.js gives them to what Next.js serves, and the web
// server (server/http/main.js) to what it answers itself, the compressed static files and tRPC.
// A page's Content-Security-Policy and frame protections are set per request by proxy.ts.

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

/**
 * API answers are data, never pages: nothing in them may run or be framed.
 * @returns {{ key: string, value: string }[]}
 */
export function headersOnApiResponses() {
  return [
    { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
    { key: "X-Frame-Options", value: "DENY" },
  ];
}

/**
 * @param {{ key: string, value: string }[]} headers
 * @returns {Record<string, string>}
 */
export function headerRecord(headers) {
  return Object.fromEntries(headers.map(({ key, value }) => [key, value]));
}
