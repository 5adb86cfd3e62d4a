import { z } from "zod";
import { customerDirectory } from "@/server/connections/customer-directory";
import { getDb } from "@/server/db/client";
import type { Logger } from "@/server/log";
import { HttpAggregatorClient, type HttpAggregatorClientOptions } from "./http-client";
import {
  DEFAULT_REFRESH_TIMEOUT_MS,
  MASTERCARD_PRODUCTION_URL,
  MastercardClient,
  type MastercardClientOptions,
} from "./mastercard/client";
import type { AggregatorClient, CustomerDirectory } from "./types";
import { wireLinkStyle } from "./wire";

// Chooses the aggregator client from configuration. By default (AGGREGATOR_PROVIDER=sandbox)
// that is the HTTP client against the sandbox on its usual loopback port; AGGREGATOR_URL with
// AGGREGATOR_CLIENT_ID and AGGREGATOR_CLIENT_SECRET points it at another provider speaking
// the same wire API. AGGREGATOR_PROVIDER=mastercard selects Mastercard Open Banking US with its
// partner credentials (MASTERCARD_*). A provider with its own API gets a client implementing
// AggregatorClient, built in createAggregatorClient (docs/aggregator.md).

export type { AggregatorClient } from "./types";
export * from "./types";
export { AggregatorError, isAggregatorError } from "./errors";
export { HttpAggregatorClient } from "./http-client";
export { MastercardClient } from "./mastercard/client";

/**
 * The header carrying the signature of Mastercard's Connect events,
 * unless MASTERCARD_WEBHOOK_SIGNATURE_HEADER says otherwise.
 */
export const MASTERCARD_SIGNATURE_HEADER = "x-finicity-signature";

const count = (fallback: number) => z.coerce.number().int().min(0).default(fallback);
const optional = z.preprocess((v) => (v === "" ? undefined : v), z.string().optional());

const unset = (v: unknown) => (v === "" ? undefined : v);
const MASTERCARD_CREDENTIALS = ["MASTERCARD_PARTNER_ID", "MASTERCARD_PARTNER_SECRET", "MASTERCARD_APP_KEY"] as const;

const envSchema = z
  .object({
    AGGREGATOR_PROVIDER: z.preprocess(unset, z.enum(["sandbox", "mastercard"]).default("sandbox")),
    /** Defaults to the sandbox's loopback port, or to Mastercard's production API. */
    AGGREGATOR_URL: z.preprocess(unset, z.url({ protocol: /^https?$/ }).optional()),
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
    SANDBOX_LINK_STYLE: z.preprocess(unset, wireLinkStyle.default("credentials")),
    MASTERCARD_PARTNER_ID: optional,
    MASTERCARD_PARTNER_SECRET: optional,
    MASTERCARD_APP_KEY: optional,
    MASTERCARD_TESTING: z.preprocess(unset, z.enum(["true", "false"]).default("false")),
    MASTERCARD_WEBHOOK_SIGNATURE_HEADER: z.preprocess(
      unset,
      z
        .string()
        .regex(/^[A-Za-z0-9-]{1,100}$/, "must be an HTTP header name")
        .default(MASTERCARD_SIGNATURE_HEADER)
        .transform((h) => h.toLowerCase()),
    ),
    MASTERCARD_REFRESH_TIMEOUT_MS: count(DEFAULT_REFRESH_TIMEOUT_MS),
  })
  .refine((e) => !e.AGGREGATOR_CLIENT_ID === !e.AGGREGATOR_CLIENT_SECRET, {
    path: ["AGGREGATOR_CLIENT_ID"],
    message: "set together with AGGREGATOR_CLIENT_SECRET (a provider's credentials are a pair)",
  })
  .superRefine((e, ctx) => {
    if (e.AGGREGATOR_PROVIDER !== "mastercard") return;
    for (const name of MASTERCARD_CREDENTIALS) {
      if (!e[name])
        ctx.addIssue({ code: "custom", path: [name], message: "required with AGGREGATOR_PROVIDER=mastercard" });
    }
  });

export interface SandboxConfig extends HttpAggregatorClientOptions {
  provider: "sandbox";
}

export interface MastercardConfig extends Omit<MastercardClientOptions, "customers"> {
  provider: "mastercard";
  /** Read by the webhook route, not the client. */
  webhookSignatureHeader: string;
}

export type AggregatorConfig = SandboxConfig | MastercardConfig;

export function aggregatorConfigFromEnv(env: Record<string, string | undefined> = process.env): AggregatorConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`The aggregator settings are invalid: ${problems}`);
  }
  const e = parsed.data;
  const retry = {
    maxAttempts: Math.max(1, e.AGGREGATOR_MAX_ATTEMPTS),
    baseDelayMs: e.AGGREGATOR_RETRY_BASE_MS,
    slowBaseDelayMs: e.AGGREGATOR_RETRY_SLOW_BASE_MS,
    maxDelayMs: e.AGGREGATOR_RETRY_MAX_MS,
  };
  const breaker = {
    failureThreshold: Math.max(1, e.AGGREGATOR_BREAKER_THRESHOLD),
    openMs: e.AGGREGATOR_BREAKER_OPEN_MS,
  };
  if (e.AGGREGATOR_PROVIDER === "mastercard") {
    return {
      provider: "mastercard",
      baseUrl: e.AGGREGATOR_URL ?? MASTERCARD_PRODUCTION_URL,
      partnerId: e.MASTERCARD_PARTNER_ID!,
      partnerSecret: e.MASTERCARD_PARTNER_SECRET!,
      appKey: e.MASTERCARD_APP_KEY!,
      testing: e.MASTERCARD_TESTING === "true",
      timeoutMs: e.AGGREGATOR_TIMEOUT_MS,
      refreshTimeoutMs: e.MASTERCARD_REFRESH_TIMEOUT_MS,
      retry,
      breaker,
      webhookSignatureHeader: e.MASTERCARD_WEBHOOK_SIGNATURE_HEADER,
    };
  }
  return {
    provider: "sandbox",
    baseUrl: e.AGGREGATOR_URL ?? "http://127.0.0.1:4010",
    clientId: e.AGGREGATOR_CLIENT_ID ?? null,
    clientSecret: e.AGGREGATOR_CLIENT_SECRET ?? null,
    timeoutMs: e.AGGREGATOR_TIMEOUT_MS,
    retry,
    breaker,
    linkStyle: e.SANDBOX_LINK_STYLE === "hosted" ? "HOSTED" : "CREDENTIALS",
  };
}

/**
 * Builds the configured provider's client. Mastercard keeps each organization's customer id
 * in `customers` (the composition root gives the AggregatorCustomer table; tests and
 * provider:check an in-memory one).
 */
export function createAggregatorClient(
  config: AggregatorConfig = aggregatorConfigFromEnv(),
  logger?: Logger,
  customers?: CustomerDirectory,
): AggregatorClient {
  switch (config.provider) {
    case "sandbox":
      return new HttpAggregatorClient({ ...config, logger: logger ?? config.logger });
    case "mastercard": {
      if (!customers)
        throw new Error(
          "The Mastercard client needs a customer directory (where each organization's customer id is kept)",
        );
      const { provider: _provider, webhookSignatureHeader: _header, ...options } = config;
      return new MastercardClient({ ...options, customers, logger: logger ?? config.logger });
    }
  }
}

const globalForClient = globalThis as unknown as { banklineAggregator?: AggregatorClient };

/** The process-wide client (one set of circuit breakers per process), built from the environment on first use. */
export function getAggregatorClient(): AggregatorClient {
  if (!globalForClient.banklineAggregator) {
    const config = aggregatorConfigFromEnv();
    globalForClient.banklineAggregator = createAggregatorClient(
      config,
      undefined,
      customerDirectory(getDb(), config.provider),
    );
  }
  return globalForClient.banklineAggregator;
}
