// Environment, validated once: `next.config.js` calls validateEnv at build and at start,
// scripts call it before they spawn anything. A missing production secret stops the start
// with a message that names it.
import { z } from "zod";

const optionalUrl = z.preprocess((v) => (v === "" ? undefined : v), z.url().optional());

const schema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  DATABASE_URL: optionalUrl,
  MIGRATION_DATABASE_URL: optionalUrl,
  NEXTAUTH_SECRET: z.string().min(32).optional(),
  NEXTAUTH_URL: optionalUrl,
  AGGREGATOR_PROVIDER: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(["sandbox", "mastercard"]).default("sandbox"),
  ),
  AGGREGATOR_URL: optionalUrl,
  AGGREGATOR_CLIENT_ID: z.string().optional(),
  AGGREGATOR_CLIENT_SECRET: z.string().optional(),
  AGGREGATOR_WEBHOOK_SECRET: z.string().min(16).optional(),
  MASTERCARD_PARTNER_ID: z.string().optional(),
  MASTERCARD_PARTNER_SECRET: z.string().optional(),
  MASTERCARD_APP_KEY: z.string().optional(),
  MASTERCARD_TESTING: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["true", "false"]).optional()),
  APP_URL: optionalUrl,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  SEED_DEMO: z.enum(["true", "false"]).optional(),
  SMTP_URL: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z
      .string()
      .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
      .optional(),
  ),
  MAIL_FROM: z.string().optional(),
  TRUST_PROXY_HOPS: z.preprocess((v) => (v === "" ? undefined : v), z.coerce.number().int().min(0).optional()),
  METRICS_TOKEN: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.string().min(16, "must be at least 16 characters").optional(),
  ),
  LOG_FORMAT: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["pretty", "json"]).optional()),
});

/** Variables a running production server cannot do without, by aggregator provider. */
const requiredAtRuntimeInProduction = {
  // The sandbox's wire API has no default production URL; its webhooks are signed with the shared secret.
  sandbox: ["DATABASE_URL", "NEXTAUTH_SECRET", "AGGREGATOR_URL", "AGGREGATOR_WEBHOOK_SECRET"],
  // Mastercard's URL defaults to its production API; its events are signed with the partner secret.
  mastercard: [
    "DATABASE_URL",
    "NEXTAUTH_SECRET",
    "MASTERCARD_PARTNER_ID",
    "MASTERCARD_PARTNER_SECRET",
    "MASTERCARD_APP_KEY",
  ],
};

export class EnvError extends Error {}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** @param {string} url */
export function isLoopbackUrl(url) {
  const host = new URL(url).hostname;
  return LOOPBACK_HOSTS.has(host) || host.startsWith("127.");
}

/**
 * Bank passwords and answers travel to the aggregator: in production only over TLS, except to
 * a sandbox on this machine, and a remote aggregator speaking the sandbox's wire API must be
 * given its credentials.
 * @param {z.infer<typeof schema>} env
 * @returns {string[]}
 */
function aggregatorProblems(env) {
  const url = env.AGGREGATOR_URL;
  if (!url || isLoopbackUrl(url)) return [];
  const problems = [];
  if (new URL(url).protocol !== "https:")
    problems.push(`AGGREGATOR_URL must use https:// (only a loopback sandbox may use http): ${new URL(url).origin}`);
  if (env.AGGREGATOR_PROVIDER === "sandbox" && (!env.AGGREGATOR_CLIENT_ID || !env.AGGREGATOR_CLIENT_SECRET)) {
    problems.push(
      "AGGREGATOR_CLIENT_ID and AGGREGATOR_CLIENT_SECRET are required for an aggregator that is not on this machine",
    );
  }
  return problems;
}

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
    const missing = requiredAtRuntimeInProduction[env.AGGREGATOR_PROVIDER].filter((name) => !source[name]);
    if (missing.length > 0) {
      throw new EnvError(
        `Missing environment variable${missing.length > 1 ? "s" : ""} for production: ${missing.join(", ")}. ` +
          "Set them, or run `npm start`, which provides local values with its embedded database.",
      );
    }
    const problems = aggregatorProblems(env);
    if (problems.length > 0)
      throw new EnvError(`Unsafe aggregator settings for production:\n  ${problems.join("\n  ")}`);
  }
  return env;
}
