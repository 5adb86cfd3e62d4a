import { describe, expect, it } from "vitest";
import { EnvError, validateEnv } from "./env.js";

describe("environment validation", () => {
  it("names every missing production secret at start", () => {
    expect(() => validateEnv({ NODE_ENV: "production", DATABASE_URL: "postgresql://db/x" }, { runtime: true })).toThrow(
      /Missing environment variables for production: NEXTAUTH_SECRET, AGGREGATOR_URL, AGGREGATOR_WEBHOOK_SECRET/,
    );
  });

  it("asks for Mastercard's partner credentials instead of the sandbox's settings when it is the provider", () => {
    const base = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://db/x",
      NEXTAUTH_SECRET: "x".repeat(32),
      AGGREGATOR_PROVIDER: "mastercard",
    };
    expect(() =>
      validateEnv({ ...base, MASTERCARD_PARTNER_SECRET: "partner-secret-value" }, { runtime: true }),
    ).toThrow(/Missing environment variables for production: MASTERCARD_PARTNER_ID, MASTERCARD_APP_KEY\./);
    expect(() =>
      validateEnv({ ...base, MASTERCARD_PARTNER_SECRET: "partner-secret-value" }, { runtime: true }),
    ).not.toThrow(/partner-secret-value/);
    const env = validateEnv(
      { ...base, MASTERCARD_PARTNER_ID: "2445583946651", MASTERCARD_PARTNER_SECRET: "s", MASTERCARD_APP_KEY: "k" },
      { runtime: true },
    );
    expect(env.AGGREGATOR_PROVIDER).toBe("mastercard");
    expect(() => validateEnv({ AGGREGATOR_PROVIDER: "plaid" })).toThrow(/AGGREGATOR_PROVIDER/);
  });

  it("does not ask for runtime secrets at build time", () => {
    expect(validateEnv({ NODE_ENV: "production" }, { runtime: false }).NODE_ENV).toBe("production");
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => validateEnv({ DATABASE_URL: "not a url" })).toThrow(EnvError);
    expect(() => validateEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET/);
    expect(() => validateEnv({ METRICS_TOKEN: "short" })).toThrow(/METRICS_TOKEN/);
    expect(() => validateEnv({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT/);
  });

  it("accepts a complete production environment", () => {
    const env = validateEnv(
      {
        NODE_ENV: "production",
        DATABASE_URL: "postgresql://db/x",
        NEXTAUTH_SECRET: "x".repeat(32),
        AGGREGATOR_URL: "https://aggregator.example",
        AGGREGATOR_WEBHOOK_SECRET: "y".repeat(32),
        AGGREGATOR_CLIENT_ID: "bankline",
        AGGREGATOR_CLIENT_SECRET: "client-secret-value",
      },
      { runtime: true },
    );
    expect(env.LOG_LEVEL).toBe("info");
  });

  it("refuses in production an aggregator reached without TLS, or a remote one without its credentials", () => {
    const base = {
      NODE_ENV: "production",
      DATABASE_URL: "postgresql://db/x",
      NEXTAUTH_SECRET: "x".repeat(32),
      AGGREGATOR_WEBHOOK_SECRET: "y".repeat(32),
    };
    const creds = { AGGREGATOR_CLIENT_ID: "bankline", AGGREGATOR_CLIENT_SECRET: "client-secret-value" };
    expect(() =>
      validateEnv({ ...base, ...creds, AGGREGATOR_URL: "http://aggregator.example" }, { runtime: true }),
    ).toThrow(/AGGREGATOR_URL must use https/);
    expect(() => validateEnv({ ...base, AGGREGATOR_URL: "https://aggregator.example" }, { runtime: true })).toThrow(
      /AGGREGATOR_CLIENT_ID and AGGREGATOR_CLIENT_SECRET are required/,
    );
    expect(
      validateEnv({ ...base, ...creds, AGGREGATOR_URL: "https://aggregator.example" }, { runtime: true }).NODE_ENV,
    ).toBe("production");
    // The sandbox that `npm start` runs on this machine.
    expect(validateEnv({ ...base, AGGREGATOR_URL: "http://127.0.0.1:4010" }, { runtime: true }).NODE_ENV).toBe(
      "production",
    );
    const mastercard = {
      ...base,
      AGGREGATOR_PROVIDER: "mastercard",
      MASTERCARD_PARTNER_ID: "1",
      MASTERCARD_PARTNER_SECRET: "s",
      MASTERCARD_APP_KEY: "k",
    };
    expect(() =>
      validateEnv({ ...mastercard, AGGREGATOR_URL: "http://api.finicity.example" }, { runtime: true }),
    ).toThrow(/https/);
    expect(validateEnv(mastercard, { runtime: true }).AGGREGATOR_PROVIDER).toBe("mastercard");
    // Development keeps its freedom.
    expect(validateEnv({ AGGREGATOR_URL: "http://aggregator.example" }, { runtime: true }).NODE_ENV).toBe(
      "development",
    );
  });
});
