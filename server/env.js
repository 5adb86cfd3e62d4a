// Environment, validated once: `next.config.js` calls validateEnv at build and at start,
// scripts call it before they spawn anything. A missing production secret stops the start
// with a message that names it.
import { z } from "zod";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optionalUrl,
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  NEXTAUTH_URL: optionalUrl,
  AGGREGATOR_URL: optionalUrl,
  AGGREGATOR_CLIENT_ID: z.string().optional(),
  AGGREGATOR_CLIENT_SECRET: z.string().optional(),
  AGGREGATOR_WEBHOOK_SECRET: z.string().min(16).optional(),
  APP_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SEED_DEMO: z.enum(["true", "false"]).optional(),
  SMTP_URL: z.preprocess((v) => (v === "" ? undefined : v), z.string().regex(/^smtps?:\/\//, "must start with smtp:// or smtps://").optional()),
  MAIL_FROM: z.string().optional(),
  TRUST_PROXY_HOPS: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(0).optional()),
});

/** Variables a running production server cannot do without. */
const requiredAtRuntimeInProduction = [
  "DATABASE_URL",
  "NEXTAUTH_SECRET",
  "AGGREGATOR_URL",
  "AGGREGATOR_WEBHOOK_SECRET",
];

export class EnvError extends Error {}

/**
 * @param {Record<string, string | undefined>} source
 * @param {{ runtime: boolean }} options runtime=false at build time, when secrets are not around yet
 * @returns {z.infer<typeof schema>}
 */
export function validateEnv(source = process.env, { runtime } = { runtime: true }) {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    throw new EnvError(`Invalid environment:\n  ${problems.join("\n  ")}`);
  }
  const env = result.data;
  if (runtime && env.NODE_ENV === "production") {
    const missing = requiredAtRuntimeInProduction.filter((name) => !source[name]);
    if (missing.length > 0) {
      throw new EnvError(
        `Missing environment variable${missing.length > 1 ? "s" : ""} for production: ${missing.join(", ")}. ` +
          "Set them, or run `npm start`, which provides local values with its embedded database.",
      );
    }
  }
  return env;
}
