import pg from "pg";

// Databases on a PostgreSQL server, by name: `npm start`'s own, the end-to-end stack's and the
// test runs' throwaway ones. `serverUrl` is any URL of the server as a role that may create
// databases; its own database part is ignored.

/** The same server and credentials, another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;

async function onServer<T>(serverUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database unless it exists, owned by `owner` when given. */
export async function ensureDatabase(serverUrl: string, name: string, owner?: string) {
  await onServer(serverUrl, async (client) => {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${quoted(name)}${owner ? ` OWNER ${owner}` : ""}`);
  });
}

/** The role that owns the database, or null when there is none of that name. */
export async function databaseOwner(serverUrl: string, name: string): Promise<string | null> {
  return onServer(serverUrl, async (client) => {
    const sql = "SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = $1";
    const { rows } = await client.query<{ owner: string }>(sql, [name]);
    return rows[0]?.owner ?? null;
  });
}

/** Drops the database even while sessions are connected to it. */
export async function dropDatabaseNamed(serverUrl: string, name: string) {
  await onServer(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoted(name)} WITH (FORCE)`));
}
