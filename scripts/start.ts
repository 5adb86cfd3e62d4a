import path from "node:path";
import { validateEnv } from "@/server/env.js";
import { demoOrganizations, demoUsers, DEMO_PASSWORD } from "@/server/demo/seed";
import { buildIfNeeded } from "./lib/build";
import { root } from "./lib/processes";
import { demoSeedAllowed, startStack } from "./lib/stack";

// `npm start`: the whole product on this machine. Without DATABASE_URL it runs on an
// embedded PostgreSQL under .data/ and seeds demo data into an empty database.

const log = (message: string) => console.log(`[bankline] ${message}`);

async function main() {
  const usesEmbedded = !process.env.DATABASE_URL;
  // An embedded database is a laptop; only a real deployment must bring its own secrets.
  validateEnv(process.env, { runtime: !usesEmbedded });

  await buildIfNeeded(log);

  const stack = await startStack({
    webPort: Number(process.env.PORT ?? 3000),
    sandboxPort: Number(process.env.SANDBOX_PORT ?? 4010),
    dataDir: path.join(root, ".data"),
    embeddedPgPort: Number(process.env.EMBEDDED_PG_PORT ?? 54329),
    databaseUrl: process.env.DATABASE_URL,
    seedDemo: usesEmbedded ? process.env.SEED_DEMO !== "false" : demoSeedAllowed(process.env),
    log,
  });

  const orgNames = new Map(demoOrganizations.map((o) => [o.slug, o.name]));
  console.log(`
  Bankline is running at ${stack.appUrl}

  Demo sign-ins (password: ${DEMO_PASSWORD})
${demoUsers
  .map((u) => {
    const what = u.staffRole
      ? u.staffRole === "SUPPORT_ADMIN" ? "support admin" : "support"
      : (u.memberships ?? []).map((m) => `${m.role.toLowerCase()} of ${orgNames.get(m.org)}`).join(", ");
    return `    ${u.email.padEnd(32)} ${what}`;
  })
  .join("\n")}

  Sandbox aggregator: ${stack.aggregatorUrl} (test logins in README.md)
  Press Ctrl-C to stop.
`);

  let stopping = false;
  const shutdown = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping…`);
    await stack.stop();
    log("stopped");
    process.exit(0);
  };
  process.on("SIGINT", () => void shutdown("interrupted"));
  process.on("SIGTERM", () => void shutdown("terminated"));
  const name = await stack.childExited;
  if (!stopping) {
    log(`the ${name} process exited unexpectedly`);
    await stack.stop();
    process.exit(1);
  }
}

main().catch((err) => {
  console.error(`[bankline] could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
