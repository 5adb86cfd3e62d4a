import { aggregatorConfigFromEnv, createAggregatorClient } from "@/server/aggregator/client";
import { createDb } from "@/server/db/client";
import { outsideAll } from "@/server/db/tenancy";
import { demoSeedAllowed, isSandbox, seedDemoData } from "@/server/demo/seed";
import { log } from "@/server/log";

// `npm run db:seed`: writes the demo organizations and people into an empty database, and
// their bank connections when the sandbox aggregator answers at AGGREGATOR_URL.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
// Asked for by name, so a development database is fine; production still has to insist.
if (!demoSeedAllowed(process.env, { embedded: true })) {
  console.error("Refusing to seed demo data with NODE_ENV=production; set SEED_DEMO=true to insist.");
  process.exit(1);
}
// Demo organizations are many tenants at once: a named bypass of row-level security.
const db = createDb(url, { outside: outsideAll("npm run db:seed") });
const sandboxUrl = process.env.AGGREGATOR_URL || "http://127.0.0.1:4010";
// Demo connections are sandbox logins; with a real provider only the people are seeded.
const usesSandbox = aggregatorConfigFromEnv().provider === "sandbox" && (await isSandbox(sandboxUrl));
const sandbox = usesSandbox ? { aggregator: createAggregatorClient(), sandboxUrl, log } : undefined;
const { seeded, connections } = await seedDemoData(db, sandbox);
console.log(
  !seeded
    ? "The database already has users; nothing seeded."
    : connections
      ? "Seeded demo data with bank connections at the sandbox."
      : `Seeded demo people; no sandbox answered at ${sandboxUrl}, so no bank connections.`,
);
await db.$disconnect();
