import { describe, expect, it } from "vitest";
import { EnvError, validateEnv } from "./env.js";

describe("environment validation", () => {
  it("names every missing production secret at start", () => {
    expect(() => validateEnv({ NODE_ENV: "production", DATABASE_URL: "postgresql://db/x" }, { runtime: true })).toThrow(
      /Missing environment variables for production: NEXTAUTH_SECRET, AGGREGATOR_URL, AGGREGATOR_WEBHOOK_SECRET/,
    );
  });

  it("does not ask for runtime secrets at build time", () => {
    expect(validateEnv({ NODE_ENV: "production" }, { runtime: false }).NODE_ENV).toBe("production");
  });

  it("rejects malformed values with the variable's name", () => {
    expect(() => validateEnv({ DATABASE_URL: "not a url" })).toThrow(EnvError);
    expect(() => validateEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
    expect(() => validateEnv({ NEXTAUTH_SECRET: "short" })).toThrow(/NEXTAUTH_SECRET/);
  });

  it("accepts a complete production environment", () => {
    const env = validateEnv(
      {
        NODE_ENV: "production",
        DATABASE_URL: "postgresql://db/x",
        NEXTAUTH_SECRET: "x".repeat(32),
        AGGREGATOR_URL: "https://aggregator.example",
        AGGREGATOR_WEBHOOK_SECRET: "y".repeat(32),
      },
      { runtime: true },
    );
    expect(env.LOG_LEVEL).toBe("info");
  });
});
