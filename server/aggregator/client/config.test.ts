import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sandboxConfigFromEnv } from "@/server/aggregator/sandbox/config";
import { startSandbox, type Sandbox } from "@/server/aggregator/sandbox/server";
import { createLogger } from "@/server/log";
import { aggregatorConfigFromEnv, createAggregatorClient, HttpAggregatorClient, MastercardClient } from "./index";
import { memoryCustomerDirectory } from "./memory-customer-directory";

// Which aggregator the product talks to, from the environment: the sandbox on its usual
// port by default, another provider by AGGREGATOR_URL and its client credentials, Mastercard
// Open Banking by AGGREGATOR_PROVIDER=mastercard and its partner credentials, and a message
// naming the variable for a value that cannot work.

const silent = createLogger({ level: "silent" });
let provider: Sandbox;
beforeAll(async () => {
  provider = await startSandbox(
    sandboxConfigFromEnv({
      SANDBOX_PORT: "0",
      SANDBOX_CLIENT_ID: "bankline-prod",
      SANDBOX_CLIENT_SECRET: "provider-secret-5c1e",
    }),
    { log: silent },
  );
});
afterAll(() => provider.close());

describe("aggregatorConfigFromEnv", () => {
  it("defaults to the sandbox on its usual loopback port, without credentials, with retries and a breaker", () => {
    expect(aggregatorConfigFromEnv({})).toEqual({
      provider: "sandbox",
      baseUrl: "http://127.0.0.1:4010",
      clientId: null,
      clientSecret: null,
      timeoutMs: 10_000,
      retry: { maxAttempts: 3, baseDelayMs: 250, slowBaseDelayMs: 2000, maxDelayMs: 10_000 },
      breaker: { failureThreshold: 5, openMs: 30_000 },
      linkStyle: "CREDENTIALS",
    });
    expect(
      aggregatorConfigFromEnv({ AGGREGATOR_URL: "", AGGREGATOR_CLIENT_ID: "", AGGREGATOR_CLIENT_SECRET: "" }),
    ).toMatchObject({
      baseUrl: "http://127.0.0.1:4010",
      clientId: null,
    });
  });

  it("points at another provider by AGGREGATOR_URL and authenticates with its client credentials", async () => {
    const env = {
      AGGREGATOR_URL: provider.url,
      AGGREGATOR_CLIENT_ID: "bankline-prod",
      AGGREGATOR_CLIENT_SECRET: "provider-secret-5c1e",
      AGGREGATOR_MAX_ATTEMPTS: "1",
    };
    const config = aggregatorConfigFromEnv(env);
    expect(config).toMatchObject({
      baseUrl: provider.url,
      clientId: "bankline-prod",
      clientSecret: "provider-secret-5c1e",
      retry: { maxAttempts: 1 },
    });
    const client = createAggregatorClient(config, silent);
    expect(client).toBeInstanceOf(HttpAggregatorClient);
    expect((await client.searchInstitutions({ text: "sandbox" })).total).toBeGreaterThanOrEqual(3);

    const wrong = createAggregatorClient(
      aggregatorConfigFromEnv({ ...env, AGGREGATOR_CLIENT_SECRET: "not-the-secret" }),
      silent,
    );
    await expect(wrong.searchInstitutions()).rejects.toMatchObject({ httpStatus: 401, retryable: false });
  });

  it("declares the sandbox's capabilities, its link style following SANDBOX_LINK_STYLE as the sandbox does", () => {
    expect(createAggregatorClient(aggregatorConfigFromEnv({}), silent).capabilities).toEqual({
      linkStyle: "CREDENTIALS",
      refreshPolicy: "client-scheduled",
      historyDays: 90,
      pendingTransactions: true,
      connectInFrame: true,
    });
    const hosted = createAggregatorClient(aggregatorConfigFromEnv({ SANDBOX_LINK_STYLE: "hosted" }), silent);
    expect(hosted.capabilities.linkStyle).toBe("HOSTED");
    expect(hosted.credentialLinking).not.toBeNull();
    expect(hosted.hostedLinking).not.toBeNull();
  });

  it("reads the timing settings", () => {
    const config = aggregatorConfigFromEnv({
      AGGREGATOR_TIMEOUT_MS: "2500",
      AGGREGATOR_MAX_ATTEMPTS: "0",
      AGGREGATOR_BREAKER_THRESHOLD: "9",
      AGGREGATOR_BREAKER_OPEN_MS: "1000",
    });
    expect(config).toMatchObject({
      timeoutMs: 2500,
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 9, openMs: 1000 },
    });
  });

  it.each([
    [{ AGGREGATOR_URL: "aggregator.example.com" }, /AGGREGATOR_URL/],
    [{ AGGREGATOR_URL: "ftp://aggregator.example.com" }, /AGGREGATOR_URL/],
    [{ AGGREGATOR_PROVIDER: "plaid" }, /AGGREGATOR_PROVIDER/],
    [{ SANDBOX_LINK_STYLE: "popup" }, /SANDBOX_LINK_STYLE/],
    [{ AGGREGATOR_TIMEOUT_MS: "soon" }, /AGGREGATOR_TIMEOUT_MS/],
    [{ AGGREGATOR_MAX_ATTEMPTS: "-1" }, /AGGREGATOR_MAX_ATTEMPTS/],
    [{ AGGREGATOR_CLIENT_ID: "bankline-prod" }, /AGGREGATOR_CLIENT_ID: set together with AGGREGATOR_CLIENT_SECRET/],
    [
      { AGGREGATOR_CLIENT_SECRET: "provider-secret-5c1e" },
      /AGGREGATOR_CLIENT_ID: set together with AGGREGATOR_CLIENT_SECRET/,
    ],
  ])("refuses %o with a message naming the variable", (env, message) => {
    expect(() => aggregatorConfigFromEnv(env)).toThrow(/^The aggregator settings are invalid: /);
    expect(() => aggregatorConfigFromEnv(env)).toThrow(message);
  });

  it("never puts the client secret in its message", () => {
    expect(() => aggregatorConfigFromEnv({ AGGREGATOR_CLIENT_SECRET: "provider-secret-5c1e" })).not.toThrow(
      /provider-secret/,
    );
  });
});

describe("aggregatorConfigFromEnv with AGGREGATOR_PROVIDER=mastercard", () => {
  const credentials = {
    AGGREGATOR_PROVIDER: "mastercard",
    MASTERCARD_PARTNER_ID: "2445583946651",
    MASTERCARD_PARTNER_SECRET: "mc-partner-secret-81f2",
    MASTERCARD_APP_KEY: "mc-app-key-44d0",
  };

  it("defaults to the provider's production API, active customers, the x-finicity-signature header and a two-minute refresh", () => {
    expect(aggregatorConfigFromEnv(credentials)).toEqual({
      provider: "mastercard",
      baseUrl: "https://api.finicity.com",
      partnerId: "2445583946651",
      partnerSecret: "mc-partner-secret-81f2",
      appKey: "mc-app-key-44d0",
      testing: false,
      timeoutMs: 10_000,
      refreshTimeoutMs: 120_000,
      retry: { maxAttempts: 3, baseDelayMs: 250, slowBaseDelayMs: 2000, maxDelayMs: 10_000 },
      breaker: { failureThreshold: 5, openMs: 30_000 },
      webhookSignatureHeader: "x-finicity-signature",
    });
  });

  it("reads the URL, testing customers, the signature header and the refresh timeout", () => {
    const config = aggregatorConfigFromEnv({
      ...credentials,
      AGGREGATOR_URL: "http://127.0.0.1:4791",
      MASTERCARD_TESTING: "true",
      MASTERCARD_WEBHOOK_SIGNATURE_HEADER: "X-Signature",
      MASTERCARD_REFRESH_TIMEOUT_MS: "300000",
    });
    expect(config).toMatchObject({
      baseUrl: "http://127.0.0.1:4791",
      testing: true,
      webhookSignatureHeader: "x-signature",
      refreshTimeoutMs: 300_000,
    });
  });

  it("builds the Mastercard client, hosted and provider-refreshed, with the customer directory it is given", () => {
    const client = createAggregatorClient(aggregatorConfigFromEnv(credentials), silent, memoryCustomerDirectory());
    expect(client).toBeInstanceOf(MastercardClient);
    expect(client.provider).toBe("mastercard");
    expect(client.capabilities).toEqual({
      linkStyle: "HOSTED",
      refreshPolicy: "provider-nightly",
      historyDays: 180,
      pendingTransactions: true,
      connectInFrame: false,
    });
    expect(client.credentialLinking).toBeNull();
    expect(client.hostedLinking).toBe(client);
    expect(() => createAggregatorClient(aggregatorConfigFromEnv(credentials), silent)).toThrow(/customer directory/);
  });

  it("names every missing partner credential, and never a secret", () => {
    const attempt = () =>
      aggregatorConfigFromEnv({
        AGGREGATOR_PROVIDER: "mastercard",
        MASTERCARD_PARTNER_SECRET: "mc-partner-secret-81f2",
      });
    expect(attempt).toThrow(/^The aggregator settings are invalid: /);
    expect(attempt).toThrow(
      /MASTERCARD_PARTNER_ID: required with AGGREGATOR_PROVIDER=mastercard; MASTERCARD_APP_KEY: required with AGGREGATOR_PROVIDER=mastercard$/,
    );
    expect(attempt).not.toThrow(/mc-partner-secret/);
    expect(() => aggregatorConfigFromEnv({ ...credentials, MASTERCARD_APP_KEY: "" })).toThrow(
      /MASTERCARD_APP_KEY: required/,
    );
  });

  it.each([
    [{ MASTERCARD_TESTING: "yes" }, /MASTERCARD_TESTING/],
    [
      { MASTERCARD_WEBHOOK_SIGNATURE_HEADER: "x signature" },
      /MASTERCARD_WEBHOOK_SIGNATURE_HEADER: must be an HTTP header name/,
    ],
    [{ MASTERCARD_REFRESH_TIMEOUT_MS: "2 minutes" }, /MASTERCARD_REFRESH_TIMEOUT_MS/],
    [{ AGGREGATOR_URL: "api.finicity.com" }, /AGGREGATOR_URL/],
  ])("refuses %o with a message naming the variable", (env, message) => {
    expect(() => aggregatorConfigFromEnv({ ...credentials, ...env })).toThrow(message);
  });
});
