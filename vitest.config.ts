import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["server/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    globalSetup: ["server/testing/global-setup.ts"],
    environment: "node",
    // Keep the run's output readable; tests that check logs capture their own logger.
    // No DATABASE_URL of the shell: code that sends jobs on it would reach another database.
    env: { LOG_LEVEL: process.env.LOG_LEVEL ?? "warn", DATABASE_URL: "" },
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
