import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

// What the product's code may not import (README, "Test code"). A module that exists only for
// tests lives in a testing/ folder of its capability or is named *.fixtures.ts; scripts/ holds
// commands, so what app/ or server/ needs of them lives in server/.
const noScripts = {
  regex: "^(@/|(\\.\\./)+)scripts/",
  message: "app/ and server/ do not import from scripts/: move what both need into server/.",
};
const noTestHelpers = {
  regex: "(^|/)(testing|e2e)(/|$)|\\.fixtures(\\.ts)?$",
  message: "Test helpers (testing/ folders, *.fixtures.ts, e2e/) are for tests; product code may not import them.",
};

const testCode = ["**/*.test.ts", "**/*.test.tsx", "**/testing/**", "**/*.fixtures.ts"];
// Scripts that run tests or benchmarks, not the product: they may use test helpers.
const testRunners = [
  "scripts/test.ts",
  "scripts/e2e-server.ts",
  "scripts/security-check.ts",
  "scripts/bench-*.ts",
  "scripts/profile-request.ts",
  "scripts/lib/bench-*.ts",
];

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      "node_modules/**",
      ".data/**",
      "server/db/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["app/**", "server/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [noScripts] }] },
  },
  {
    // The product: later in this list, so its options replace the ones above for these files.
    files: ["app/**", "server/**", "scripts/**"],
    ignores: [...testCode, ...testRunners],
    rules: { "no-restricted-imports": ["error", { patterns: [noScripts, noTestHelpers] }] },
  },
  {
    // Prettier wraps code at 120 (checked beside this in npm test's lint stage); what it cannot wrap
    // (strings, comments, class lists) is held to the same width everywhere outside tests.
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    ignores: [...testCode, "e2e/**"],
    rules: { "max-len": ["error", { code: 120, tabWidth: 2 }] },
  },
];

export default config;
