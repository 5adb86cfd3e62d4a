import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { migrate } from "@/server/db/migrate";
import { dropDatabaseNamed, ensureDatabase, withDatabase } from "@/scripts/lib/stack";
import { freePort } from "./free-port";

// One throwaway database per test run, migrated once, on TEST_DATABASE_URL's server or on
// an embedded PostgreSQL started for the run. Tests keep apart by creating their own
// organizations; nothing is shared between runs.

declare module "vitest" {
  export interface ProvidedContext {
    databaseUrl: string;
    serverUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    tempDir = await mkdtemp(path.join(tmpdir(), "bankline-test-"));
    await chmod(tempDir, 0o755); // the postgres user must reach its data directory inside
    embedded = await startEmbeddedPostgres({ dataDir: path.join(tempDir, "pg"), port: await freePort(), persistent: false });
    serverUrl = embedded.url();
  }
  const name = `bankline_test_${Date.now()}_${Math.random().toString(36).slice(2, 8)}`;
  await ensureDatabase(serverUrl, name);
  const databaseUrl = withDatabase(serverUrl, name);
  await migrate(databaseUrl);
  project.provide("databaseUrl", databaseUrl);
  project.provide("serverUrl", serverUrl);

  return async () => {
    await dropDatabaseNamed(serverUrl, name).catch(() => {});
    if (embedded) await embedded.stop();
    if (tempDir) await rm(tempDir, { recursive: true, force: true });
  };
}
