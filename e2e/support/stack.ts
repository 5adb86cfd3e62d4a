import { readFileSync } from "node:fs";
import path from "node:path";
import { createDb, type Db } from "@/server/db/client";
import { outsideAll } from "@/server/db/tenancy";

// What scripts/e2e-server.ts wrote when it started: lets a spec prepare data that no page
// creates (a person in two organizations, say) in the same throwaway database.
export function e2eStack(): { databaseUrl: string; serverUrl: string; aggregatorUrl: string; mailUrl: string } {
  return JSON.parse(readFileSync(path.join(process.cwd(), ".data/e2e/stack.json"), "utf8"));
}

let db: Db | undefined;
export function e2eDb(): Db {
  // Specs prepare data of any organization, as the runtime role the app uses.
  db ??= createDb(e2eStack().databaseUrl, { outside: outsideAll("end-to-end fixtures") });
  return db;
}
