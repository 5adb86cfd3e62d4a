import { createHash } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { OUTSIDE_NOBODY, TenantPool, type TenantScope } from "./tenancy";

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
 * A client whose connections carry the tenant scope of the code using it (server/db/tenancy.ts).
 * `outside`: what code in no scope sees; no organization's rows unless a caller that acts
 * across tenants by design (a script, the test fixtures) says otherwise.
 */
export function createDb(connectionString: string, { outside = OUTSIDE_NOBODY }: { outside?: TenantScope } = {}): Db {
  const pool = new TenantPool({ connectionString }, outside);
  const db = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: true, statementNameGenerator: statementName }),
  });
  clients.add(db);
  return db;
}

const clients = new WeakSet<object>();

/** A client made here, as opposed to a transaction's (whose proxy still answers to $transaction). */
export const isClient = (db: object): db is Db => clients.has(db);

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
