import pg from "pg";
import { databaseOwner, ensureDatabase, withDatabase } from "./databases";

// The two roles Bankline's database is used with (README, "Database roles"):
// - the owner, which owns the tables and runs the migrations;
// - the runtime role the web app and the worker log in as: a member of bankline_runtime, which
//   may read and write rows (row-level security applies) and owns nothing of Bankline's.
// `npm start`, the end-to-end stack and the tests create both on their PostgreSQL with
// ensureRoles (which needs a role that may create roles); elsewhere an administrator does once.

export const RUNTIME_GROUP = "bankline_runtime";
export const OWNER_ROLE = "bankline_owner";
export const APP_ROLE = "bankline_app";
/** The local roles' password: the embedded PostgreSQL listens on 127.0.0.1 only. */
export const LOCAL_ROLE_PASSWORD = "bankline-local";

const DUPLICATE_OBJECT = "42710";
const UNIQUE_VIOLATION = "23505";

async function ignoringRace(work: () => Promise<unknown>) {
  try {
    await work();
  } catch (err) {
    // Two processes creating the same role at once (tests in parallel on one server).
    const code = (err as { code?: string }).code;
    if (code !== DUPLICATE_OBJECT && code !== UNIQUE_VIOLATION) throw err;
  }
}

/** Creates the owner and the runtime roles on a server, as a role that may create roles. */
export async function ensureRoles(serverUrl: string, password = LOCAL_ROLE_PASSWORD) {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const exists = async (role: string) =>
      (await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [role])).rowCount! > 0;
    const literal = client.escapeLiteral(password);
    if (!(await exists(OWNER_ROLE)))
      await ignoringRace(() => client.query(`CREATE ROLE ${OWNER_ROLE} LOGIN PASSWORD ${literal}`));
    if (!(await exists(RUNTIME_GROUP))) await ignoringRace(() => client.query(`CREATE ROLE ${RUNTIME_GROUP} NOLOGIN`));
    if (!(await exists(APP_ROLE))) {
      await ignoringRace(() =>
        client.query(`CREATE ROLE ${APP_ROLE} LOGIN PASSWORD ${literal} IN ROLE ${RUNTIME_GROUP}`),
      );
      // What the app creates (the job queue's tables) belongs to the group, not to one login.
      await client.query(`ALTER ROLE ${APP_ROLE} SET role = '${RUNTIME_GROUP}'`);
    }
  } finally {
    await client.end();
  }
}

/** The same server and database, logged in as another role. */
export function asRole(url: string, role: string, password = LOCAL_ROLE_PASSWORD): string {
  const u = new URL(url);
  u.username = role;
  u.password = password;
  return u.toString();
}

/**
 * Whether the role of this URL owns Bankline's tables: then neither row-level security nor the audit log's guards hold.
 */
export async function runsAsOwner(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ owner: boolean; superuser: boolean }>(
      `SELECT pg_has_role(current_user, tableowner, 'USAGE') AS owner,
         (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) AS superuser
       FROM pg_tables WHERE schemaname = 'public' AND tablename = 'AuditEntry'`,
    );
    return !!rows[0] && (rows[0].owner || rows[0].superuser);
  } finally {
    await client.end();
  }
}

/**
 * A database on the server as production runs one: both roles made if missing, the database
 * owned by the migrating role. Answers where migrations run and where the app and worker run.
 */
export async function ensureDatabaseWithRoles(
  serverUrl: string,
  name: string,
): Promise<{ migrationUrl: string; databaseUrl: string }> {
  await ensureRoles(serverUrl);
  await ensureDatabase(serverUrl, name, OWNER_ROLE);
  const onServer = withDatabase(serverUrl, name);
  // A database made before the roles existed still belongs to the server's administrator.
  const owner = await databaseOwner(serverUrl, name);
  return {
    migrationUrl: owner === OWNER_ROLE ? asRole(onServer, OWNER_ROLE) : onServer,
    databaseUrl: asRole(onServer, APP_ROLE),
  };
}
