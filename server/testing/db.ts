import { inject } from "vitest";
import { createDb, type Db } from "@/server/db/client";

let db: Db | undefined;

/** The run's migrated test database (one client per test file). */
export function testDb(): Db {
  db ??= createDb(inject("databaseUrl"));
  return db;
}
