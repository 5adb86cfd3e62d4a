import { migrate } from "@/server/db/migrate";

// `npm run db:migrate`: applies pending migrations as the owner of the tables:
// MIGRATION_DATABASE_URL, or DATABASE_URL when the app itself runs as the owner.
const url = process.env.MIGRATION_DATABASE_URL || process.env.DATABASE_URL;
if (!url) {
  console.error("MIGRATION_DATABASE_URL (or DATABASE_URL) is not set");
  process.exit(1);
}
const result = await migrate(url, { log: console.log });
console.log(result.applied.length ? `Applied ${result.applied.length} migration(s).` : "Nothing to apply.");
