import { z } from "zod";
import { wireLinkStyle } from "@/server/aggregator/client/wire";
import type { LinkStyle } from "./engine";
import { faultsFromEnv, type FaultSettings } from "./faults";

// The sandbox's settings, read once from the environment (docs/aggregator.md lists them).

const int = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const optional = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const schema = z.object({
  SANDBOX_PORT: int(4010),
  SANDBOX_HOST: z.string().default("127.0.0.1"),
  SANDBOX_STATE_FILE: optional,
  SANDBOX_SLOW_MS: int(15_000),
  SANDBOX_MFA_TIMEOUT_MS: int(5 * 60_000),
  SANDBOX_OUTAGE: optional,
  SANDBOX_LINK_STYLE: z.preprocess((v) => (v === "" ? undefined : v), wireLinkStyle.default("credentials")),
  SANDBOX_CONNECT_TTL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(30 * 60_000),
  SANDBOX_RATE_LIMIT_PER_SEC: int(1000),
  SANDBOX_RATE_LIMIT_BURST: int(2000),
  SANDBOX_WEBHOOK_URL: optional,
  SANDBOX_WEBHOOK_RETRY_MS: int(1000),
  SANDBOX_PUBLIC_URL: optional,
  SANDBOX_CLIENT_ID: optional,
  SANDBOX_CLIENT_SECRET: optional,
  AGGREGATOR_WEBHOOK_SECRET: optional,
  APP_URL: optional,
});

export interface SandboxConfig {
  port: number;
  host: string;
  stateFile: string | null;
  slowMs: number;
  mfaTimeoutMs: number;
  outages: string[];
  /** Every institution's link style unless switched per institution by the admin endpoint. */
  linkStyle: LinkStyle;
  /** How long a Connect page session lasts. */
  connectTtlMs: number;
  rateLimit: { perSecond: number; burst: number };
  webhookUrl: string | null;
  webhookSecret: string | null;
  webhookRetryMs: number;
  publicUrl: string | null;
  /** When set, API calls must authenticate with HTTP Basic client id and secret. */
  clientCredentials: { id: string; secret: string } | null;
  faults: FaultSettings;
}

/** SANDBOX_STATE_FILE's value for a sandbox that keeps its state in memory only. */
export const IN_MEMORY_STATE = "memory";

/**
 * defaultStateFile: where the state goes when SANDBOX_STATE_FILE is unset (`npm run sandbox`
 * passes the file `npm start` uses, so a restart keeps every linked login); none: memory only.
 */
export function sandboxConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
  options: { defaultStateFile?: string } = {},
): SandboxConfig {
  const e = schema.parse(env);
  const stateFile = e.SANDBOX_STATE_FILE ?? options.defaultStateFile ?? null;
  const appUrl = e.APP_URL?.replace(/\/+$/, "");
  return {
    port: e.SANDBOX_PORT,
    host: e.SANDBOX_HOST,
    stateFile: stateFile === IN_MEMORY_STATE ? null : stateFile,
    slowMs: e.SANDBOX_SLOW_MS,
    mfaTimeoutMs: e.SANDBOX_MFA_TIMEOUT_MS,
    outages: (e.SANDBOX_OUTAGE ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    linkStyle: e.SANDBOX_LINK_STYLE,
    connectTtlMs: e.SANDBOX_CONNECT_TTL_MS,
    rateLimit: { perSecond: e.SANDBOX_RATE_LIMIT_PER_SEC, burst: e.SANDBOX_RATE_LIMIT_BURST },
    webhookUrl: e.SANDBOX_WEBHOOK_URL ?? (appUrl ? `${appUrl}/api/webhooks/aggregator` : null),
    webhookSecret: e.AGGREGATOR_WEBHOOK_SECRET ?? null,
    webhookRetryMs: e.SANDBOX_WEBHOOK_RETRY_MS,
    publicUrl: e.SANDBOX_PUBLIC_URL?.replace(/\/+$/, "") ?? null,
    clientCredentials:
      e.SANDBOX_CLIENT_ID && e.SANDBOX_CLIENT_SECRET
        ? { id: e.SANDBOX_CLIENT_ID, secret: e.SANDBOX_CLIENT_SECRET }
        : null,
    faults: faultsFromEnv(env),
  };
}
