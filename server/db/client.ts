import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient, type Prisma as PrismaTypes } from "./generated/client";
import { OUTSIDE_NOBODY, TenantPool, type ScopeSetByStatement, type TenantScope } from "./tenancy";

export type Db = PrismaClient;
export { Prisma } from "./generated/client";

/** Statements with more parameters than this vary with a list's length: not worth keeping prepared. */
const MAX_PREPARED_ARGS = 32;
const statementNames = new Map<string, string>();

/**
 * A statement's name: PostgreSQL keeps a named statement per connection, so a request's
 * statements are parsed once and, after five runs, planned once (a generic plan, when it is as
 * good as the custom ones), instead of on every request: planning a portal list cost more than
 * running it (docs/performance.md). Statements with long parameter lists stay unnamed.
 */
function statementName(query: { sql: string; args: unknown[] }): string {
  if (query.args.length > MAX_PREPARED_ARGS) return undefined as unknown as string;
  let name = statementNames.get(query.sql);
  if (!name) {
    name = `s${createHash("sha256").update(query.sql).digest("base64url").slice(0, 24)}`;
    if (statementNames.size < 5_000) statementNames.set(query.sql, name);
  }
  return name;
}

/**
 * How long a connection may sit unused before the pool closes it. pg's default is 10 s, and a
 * person reading the feed pauses longer than that between clicks: each click then opened a
 * connection and PostgreSQL planned its statements again (25 ms for a register page instead of
 * 1.2 ms, then 4.5 ms for each of the next five until a plan is kept: docs/performance.md).
 */
export const IDLE_CONNECTION_MS = 10 * 60_000;

/**
 * A client whose connections carry the tenant scope of the code using it (server/db/tenancy.ts).
 * `outside`: what code in no scope sees; no organization's rows unless a caller that acts
 * across tenants by design (a script, the test fixtures) says otherwise.
 */
export function createDb(connectionString: string, { outside = OUTSIDE_NOBODY }: { outside?: TenantScope } = {}): Db {
  const pool = new TenantPool(
    // Idle connections do not keep a script alive; TCP keep-alive notices a peer gone while idle.
    { connectionString, idleTimeoutMillis: IDLE_CONNECTION_MS, allowExitOnIdle: true, keepAlive: true },
    outside,
  );
  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: statementName }),
  });
  pools.set(db, pool);
  return db;
}

// One registry per process: Next.js bundles this module into each of its server layers (route
// handlers, server components, the instrumentation hook that serves tRPC), and the process-wide
// client one copy made is used by all of them. A registry per copy sent every other copy's reads
// through Prisma and ran inTransaction's work outside a transaction.
const globalForPools = globalThis as unknown as { banklineDbPools?: WeakMap<object, TenantPool> };
const pools = (globalForPools.banklineDbPools ??= new WeakMap<object, TenantPool>());

/** A client made here, as opposed to a transaction's (whose proxy still answers to $transaction). */
export const isClient = (db: object): db is Db => pools.has(db);

/**
 * The rows of one read statement, sent straight to the client's pool: the same rows as
 * `db.$queryRaw`, without Prisma's work around each query, which costs the web process as much
 * as reading the rows (0.2–0.3 ms of CPU for a portal list's page, 0.17 ms for the session read:
 * docs/performance.md). For the statements of every request (the session) and the portal's lists.
 * The pool applies the tenant scope as it does for Prisma. In a transaction, or with a client
 * not made here, it is `db.$queryRaw`.
 */
export async function readRows<T>(db: Db | PrismaTypes.TransactionClient, query: PrismaTypes.Sql): Promise<T[]> {
  const pool = pools.get(db);
  if (!pool) return db.$queryRaw<T[]>(query);
  const result = await pool.query(preparedConfig(query));
  return result.rows as T[];
}

/**
 * `readRows` for a statement that sets its connection's tenant scope as it runs (`settingScope`, with
 * set_config in its SELECT list; `scopeSet` reads from its rows what it set). Through the pool, the
 * pool records that scope on the connection (TenantPool#querySettingScope). In a transaction, or with
 * a client not made here, nothing would record it, so `plain` runs instead: the same rows, nothing set.
 */
export async function readRowsSettingScope<T>(
  db: Db | PrismaTypes.TransactionClient,
  statements: { settingScope: PrismaTypes.Sql; plain: PrismaTypes.Sql },
  scopeSet: ScopeSetByStatement<T>,
): Promise<T[]> {
  const pool = pools.get(db);
  if (!pool) return db.$queryRaw<T[]>(statements.plain);
  return pool.querySettingScope<T>(preparedConfig(statements.settingScope), scopeSet);
}

/** A statement as the pool sends it: named (prepared once per connection), its values and columns as Prisma's. */
function preparedConfig(query: PrismaTypes.Sql): pg.QueryConfig {
  const values = query.values.map(asParameter);
  return { name: statementName({ sql: query.text, args: values }), text: query.text, values, types: PRISMA_TYPES };
}

// Parameters and columns as Prisma's PostgreSQL adapter gives them. Timestamps are stored without
// a time zone and hold UTC: a Date goes as its UTC instant and a timestamp column comes back as one.
const asParameter = (value: unknown): unknown =>
  value instanceof Date ? value.toISOString() : typeof value === "bigint" ? value.toString() : value;

const OID = { int8: 20, numeric: 1700, date: 1082, timestamp: 1114, timestamptz: 1184 } as const;
const parseTimestamptz = pg.types.getTypeParser(OID.timestamptz) as (text: string) => Date;
const PRISMA_TYPES = {
  getTypeParser(oid: number, format?: "text" | "binary") {
    switch (oid) {
      case OID.int8:
        return (text: string) => BigInt(text);
      case OID.timestamp:
        return (text: string) => parseTimestamptz(`${text}+00`);
      case OID.date:
        return (text: string) => new Date(`${text}T00:00:00Z`);
      case OID.numeric:
        return () => {
          throw new Error("readRows does not map numeric columns: cast them, or use $queryRaw");
        };
      default:
        return pg.types.getTypeParser(oid, format);
    }
  },
} as pg.CustomTypesConfig;

const globalForDb = globalThis as unknown as { banklineDb?: Db };

/** The process-wide client, created on first use from DATABASE_URL. */
export function getDb(): Db {
  if (!globalForDb.banklineDb) {
    const url = process.env.DATABASE_URL;
    if (!url) throw new Error("DATABASE_URL is not set");
    globalForDb.banklineDb = createDb(url);
  }
  return globalForDb.banklineDb;
}

/**
 * A unique constraint refused the write (Prisma's P2002). Checked by code, not by class: Next.js
 * bundles Prisma's runtime once per layer, and the process-wide client may come from either.
 */
export const isUniqueViolation = (err: unknown): boolean =>
  typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
