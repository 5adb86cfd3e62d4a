import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { ensureDatabaseWithRoles } from "@/server/db/roles";
import { dropDatabaseNamed } from "@/server/db/databases";
import { freePort } from "./free-port";
import { startTestSandbox, type TestSandbox } from "./sandbox";

// One throwaway database per test run, migrated once, on TEST_DATABASE_URL's server or on
// an embedded PostgreSQL started for the run. Tests keep apart by creating their own
// organizations; nothing is shared between runs.

declare module "vitest" {
  export interface ProvidedContext {
    /** As the runtime role the app uses (bankline_app). */
    databaseUrl: string;
    /** The same database as its owner (migrations, schema checks). */
    ownerDatabaseUrl: string;
    serverUrl: string;
    /** The sandbox aggregator (AGGREGATOR_URL, or one started for the run). */
    aggregatorUrl: string;
    /** The secret the sandbox signs webhooks with ("" when AGGREGATOR_URL is external). */
    aggregatorWebhookSecret: string;
    /** The started sandbox's log and state files (null when AGGREGATOR_URL is external). */
    aggregatorLogFile: string | null;
    aggregatorStateFile: string | null;
  }
}

export default async function setup(project: TestProject) {
  // The real sandbox aggregator over HTTP, unless AGGREGATOR_URL points at one already
  // running; it starts while the database does.
  let sandbox: TestSandbox | undefined;
  const sandboxDir = process.env.AGGREGATOR_URL ? undefined : await mkdtemp(path.join(tmpdir(), "bankline-sandbox-"));
  const sandboxStarting = sandboxDir ? startTestSandbox(sandboxDir) : undefined;
  sandboxStarting?.catch(() => {});

  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    tempDir = await mkdtemp(path.join(tmpdir(), "bankline-test-"));
    await chmod(tempDir, 0o755); // the postgres user must reach its data directory inside
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(tempDir, "pg"),
      port: await freePort(),
      persistent: false,
    });
    serverUrl = embedded.url();
  }
  const name = `bankline_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  // The app's two roles: the owner migrates, the tests exercise the app as the runtime role.
  const { migrationUrl: ownerDatabaseUrl, databaseUrl } = await ensureDatabaseWithRoles(serverUrl, name);
  await migrate(ownerDatabaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("ownerDatabaseUrl", ownerDatabaseUrl);
  project.provide("serverUrl", serverUrl);

  if (process.env.AGGREGATOR_URL) {
    project.provide("aggregatorUrl", process.env.AGGREGATOR_URL);
    project.provide("aggregatorWebhookSecret", process.env.AGGREGATOR_WEBHOOK_SECRET ?? "");
    project.provide("aggregatorLogFile", null);
    project.provide("aggregatorStateFile", null);
  } else {
    sandbox = await sandboxStarting!;
    project.provide("aggregatorUrl", sandbox.url);
    project.provide("aggregatorWebhookSecret", sandbox.webhookSecret);
    project.provide("aggregatorLogFile", sandbox.logFile);
    project.provide("aggregatorStateFile", sandbox.stateFile);
  }

  return async () => {
    if (sandbox) await sandbox.stop();
    if (sandboxDir) await rm(sandboxDir, { recursive: true, force: true });
    await dropDatabaseNamed(serverUrl, name).catch(() => {});
    if (embedded) await embedded.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}
