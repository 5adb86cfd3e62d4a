import { z } from "zod";
import type { Logger } from "@/server/log";
import { HttpAggregatorClient, type HttpAggregatorClientOptions } from "./http-client";
import type { AggregatorClient } from "./types";

// Chooses the aggregator client from configuration. By default (AGGREGATOR_PROVIDER=sandbox)
// that is the HTTP client against the sandbox on its usual loopback port; AGGREGATOR_URL with
// AGGREGATOR_CLIENT_ID and AGGREGATOR_CLIENT_SECRET points it at another provider speaking
// the same wire API. A provider with its own API gets a client implementing AggregatorClient,
// registered in `providers` and chosen with AGGREGATOR_PROVIDER (docs/aggregator.md).

export type { AggregatorClient } from "./types";
export * from "./types";
export { AggregatorError, isAggregatorError } from "./errors";
export { HttpAggregatorClient } from "./http-client";

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const optional = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const envSchema = z
  .object({
    AGGREGATOR_PROVIDER: z.enum(["sandbox"]).default("sandbox"),
    AGGREGATOR_URL: z.preprocess((v) => (v === "" ? undefined : v), z.url({ protocol: /^https?$/ }).default("http://127.0.0.1:4010")),
    AGGREGATOR_CLIENT_ID: optional,
    AGGREGATOR_CLIENT_SECRET: optional,
    AGGREGATOR_TIMEOUT_MS: count(10_000),
    AGGREGATOR_MAX_ATTEMPTS: count(3),
    AGGREGATOR_RETRY_BASE_MS: count(250),
    AGGREGATOR_RETRY_SLOW_BASE_MS: count(2000),
    AGGREGATOR_RETRY_MAX_MS: count(10_000),
    AGGREGATOR_BREAKER_THRESHOLD: count(5),
    AGGREGATOR_BREAKER_OPEN_MS: count(30_000),
    /** The sandbox's link style for every institution (it reads the same variable). */
    SANDBOX_LINK_STYLE: z.preprocess((v) => (v === "" ? undefined : v), z.enum(["credentials", "hosted"]).default("credentials")),
  })
  .refine((e) => !e.AGGREGATOR_CLIENT_ID === !e.AGGREGATOR_CLIENT_SECRET, {
    path: ["AGGREGATOR_CLIENT_ID"],
    message: "set together with AGGREGATOR_CLIENT_SECRET (a provider's credentials are a pair)",
  });

export interface AggregatorConfig extends HttpAggregatorClientOptions {
  provider: "sandbox";
}

export function aggregatorConfigFromEnv(env: Record<string, string | undefined> = process.env): AggregatorConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`The aggregator settings are invalid: ${problems}`);
  }
  const e = parsed.data;
  return {
    provider: e.AGGREGATOR_PROVIDER,
    baseUrl: e.AGGREGATOR_URL,
    clientId: e.AGGREGATOR_CLIENT_ID ?? null,
    clientSecret: e.AGGREGATOR_CLIENT_SECRET ?? null,
    timeoutMs: e.AGGREGATOR_TIMEOUT_MS,
    retry: {
      maxAttempts: Math.max(1, e.AGGREGATOR_MAX_ATTEMPTS),
      baseDelayMs: e.AGGREGATOR_RETRY_BASE_MS,
      slowBaseDelayMs: e.AGGREGATOR_RETRY_SLOW_BASE_MS,
      maxDelayMs: e.AGGREGATOR_RETRY_MAX_MS,
    },
    breaker: { failureThreshold: Math.max(1, e.AGGREGATOR_BREAKER_THRESHOLD), openMs: e.AGGREGATOR_BREAKER_OPEN_MS },
    linkStyle: e.SANDBOX_LINK_STYLE === "hosted" ? "HOSTED" : "CREDENTIALS",
  };
}

const providers: Record<AggregatorConfig["provider"], (config: AggregatorConfig) => AggregatorClient> = {
  sandbox: (config) => new HttpAggregatorClient(config),
};

export function createAggregatorClient(config: AggregatorConfig = aggregatorConfigFromEnv(), logger?: Logger): AggregatorClient {
  return providers[config.provider]({ ...config, logger: logger ?? config.logger });
}

const globalForClient = globalThis as unknown as { banklineAggregator?: AggregatorClient };

/** The process-wide client (one set of circuit breakers per process), built from the environment on first use. */
export function getAggregatorClient(): AggregatorClient {
  globalForClient.banklineAggregator ??= createAggregatorClient();
  return globalForClient.banklineAggregator;
}
