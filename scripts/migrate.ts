import { migrate } from "@/server/db/migrate";

// `npm run db:migrate`: applies pending migrations to DATABASE_URL.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
const result = await migrate(url, { log: console.log });
console.log(result.applied.length ? `Applied ${result.applied.length} migration(s).` : "Nothing to apply.");
