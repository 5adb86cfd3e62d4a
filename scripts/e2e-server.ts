import { mkdirSync, writeFileSync } from "node:fs";
import { mkdtemp, rm, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { buildIfNeeded } from "./lib/build";
import { root } from "./lib/processes";
import { onShutdownSignal, startStack } from "./lib/stack";
import { freePort } from "@/server/testing/free-port";

// The stack the Playwright suite runs against: the production build, a throwaway database
// (on TEST_DATABASE_URL's server, or an embedded PostgreSQL of its own) with demo data,
// the sandbox aggregator and a worker. Playwright starts it (webServer) and stops it.

export const e2eStateDir = path.join(root, ".data/e2e");

const log = (message: string) => console.log(`[e2e] ${message}`);

async function main() {
  await buildIfNeeded(log);
  const dataDir = await mkdtemp(path.join(tmpdir(), "bankline-e2e-"));
  // Suites read connection emails at once instead of after the usual quiet while.
  process.env.CONNECTION_EMAIL_DELAY_SECONDS ??= "0";
  await chmod(dataDir, 0o755);
  const stack = await startStack({
    webPort: Number(process.env.E2E_PORT ?? 3100),
    sandboxPort: Number(process.env.E2E_SANDBOX_PORT ?? (await freePort())),
    dataDir,
    embeddedPgPort: await freePort(),
    databaseUrl: process.env.TEST_DATABASE_URL,
    throwawayDatabase: true,
    seedDemo: true,
    log,
    mailCatcher: { smtpPort: await freePort(), webPort: await freePort() },
    extraEnv: {
      CONNECTION_EMAIL_DELAY_SECONDS: process.env.CONNECTION_EMAIL_DELAY_SECONDS,
      SANDBOX_SLOW_MS: process.env.SANDBOX_SLOW_MS ?? "5000",
      LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
    },
  });
  mkdirSync(e2eStateDir, { recursive: true });
  writeFileSync(
    path.join(e2eStateDir, "stack.json"),
    JSON.stringify({
      databaseUrl: stack.databaseUrl,
      serverUrl: stack.serverUrl,
      aggregatorUrl: stack.aggregatorUrl,
      mailUrl: stack.mailUrl,
    }),
  );
  log(`ready at ${stack.appUrl}`);

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await rm(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  onShutdownSignal(() => void shutdown());
  const name = await stack.childExited;
  if (!stopping) {
    log(`the ${name} process exited unexpectedly`);
    await shutdown();
  }
}

main().catch((err) => {
  console.error(`[e2e] could not start: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
