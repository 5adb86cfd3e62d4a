import { randomBytes } from "node:crypto";
import { aggregatorConfigFromEnv, createAggregatorClient } from "@/server/aggregator/client";
import { memoryCustomerDirectory } from "@/server/aggregator/client/memory-customer-directory";
import { runProviderCheck } from "@/server/aggregator/provider-check";
import { createLogger } from "@/server/log";

// `npm run provider:check`: runs every method of the provider contract once against the
// provider configured by AGGREGATOR_PROVIDER, AGGREGATOR_URL and its credentials, and exits
// non-zero if any failed. PROVIDER_CHECK_CUSTOMER_ID names a provider customer that already
// has a login (linked through Connect) to check the login methods with; PROVIDER_CHECK_SEARCH
// the catalog search.

const env = process.env;
let config;
try {
  config = aggregatorConfigFromEnv(env);
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
const organizationId = `provider-check-${randomBytes(4).toString("hex")}`;
const customers = memoryCustomerDirectory();
if (env.PROVIDER_CHECK_CUSTOMER_ID) await customers.save(organizationId, env.PROVIDER_CHECK_CUSTOMER_ID);
const client = createAggregatorClient(
  config,
  createLogger({ level: env.LOG_LEVEL ?? "warn", destination: process.stderr }),
  customers,
);
const sandbox = config.provider === "sandbox";
const result = await runProviderCheck(client, {
  search: env.PROVIDER_CHECK_SEARCH || (sandbox ? "sandbox" : "finbank"),
  organizationId,
  appUrl: env.APP_URL || env.NEXTAUTH_URL || "http://localhost:3000",
  linkInstitutionId: "sandbox-bank-personal",
  linkUsername: "demo",
  linkPassword: "go",
  mfaUsername: "demo_mfa",
  mfaAnswer: "blue",
});
process.exitCode = result.failed > 0 ? 1 : 0;
