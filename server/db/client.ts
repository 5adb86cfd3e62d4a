import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client";
import { OUTSIDE_NOBODY, TenantPool, type TenantScope } from "./tenancy";

export type Db = PrismaClient;
export { Prisma } from "./generated/client";

/**
 * A client whose connections carry the tenant scope of the code using it (server/db/tenancy.ts).
 * `outside`: what code in no scope sees; no organization's rows unless a caller that acts
 * across tenants by design (a script, the test fixtures) says otherwise.
 */
export function createDb(connectionString: string, { outside = OUTSIDE_NOBODY }: { outside?: TenantScope } = {}): Db {
  const pool = new TenantPool({ connectionString }, outside);
  const db = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
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
