import { inject } from "vitest";
import { createDb, type Db } from "@/server/db/client";
import { outsideAll } from "@/server/db/tenancy";

let db: Db | undefined;

/**
 * The run's migrated test database (one client per test file), as the runtime role the app
 * uses, so a missing grant fails a test. Fixtures and direct reads see every organization;
 * procedures called through it narrow to theirs, as in the app.
 */
export function testDb(): Db {
  db ??= createDb(inject("databaseUrl"), { outside: outsideAll("test fixtures") });
  return db;
}
