import { createDb } from "@/server/db/client";
import { demoSeedAllowed, seedDemoData } from "@/server/demo/seed";

// `npm run db:seed`: writes the demo organizations and people into an empty database.
const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is not set");
  process.exit(1);
}
if (!demoSeedAllowed(process.env)) {
  console.error("Refusing to seed demo data with NODE_ENV=production; set SEED_DEMO=true to insist.");
  process.exit(1);
}
const db = createDb(url);
const { seeded } = await seedDemoData(db);
console.log(seeded ? "Seeded demo data." : "The database already has users; nothing seeded.");
await db.$disconnect();
