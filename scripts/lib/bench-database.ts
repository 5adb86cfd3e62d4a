import { chmod, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { dropDatabaseNamed, ensureDatabase, withDatabase } from "@/server/db/databases";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { freePort } from "@/server/testing/free-port";

export interface ThrowawayDatabase {
  /** The new database's URL, empty and not migrated. */
  url: string;
  /** Drops the database, and stops the PostgreSQL this started (its files go with it). */
  dispose(): Promise<void>;
}

/**
 * A database of its own for a benchmark or a profile: on `serverUrl` when one is given, otherwise
 * on an embedded PostgreSQL started for it in a temporary folder (or in `dir`, which the caller
 * keeps and removes).
 */
export async function throwawayDatabase(options: {
  name: string;
  serverUrl?: string;
  dir?: string;
  say?: (message: string) => void;
}): Promise<ThrowawayDatabase> {
  let embedded: EmbeddedDatabase | undefined;
  let tempDir: string | undefined;
  let serverUrl = options.serverUrl;
  if (!serverUrl) {
    let dir = options.dir;
    if (!dir) {
      dir = tempDir = await mkdtemp(path.join(tmpdir(), `${options.name}-`));
      await chmod(tempDir, 0o755);
    }
    options.say?.("starting embedded PostgreSQL…");
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(dir, "pg"),
      port: await freePort(),
      persistent: false,
    });
    serverUrl = embedded.url();
  }
  const server = serverUrl;
  const name = `${options.name.replaceAll("-", "_")}_${Date.now()}`;
  await ensureDatabase(server, name);
  return {
    url: withDatabase(server, name),
    async dispose() {
      await dropDatabaseNamed(server, name).catch(() => {});
      if (embedded) await embedded.stop();
      if (tempDir) await rm(tempDir, { recursive: true, force: true });
    },
  };
}
