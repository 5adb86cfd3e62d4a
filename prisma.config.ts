import { defineConfig } from "prisma/config";

// Used by the Prisma CLI only (generate, and migrate deploy where the engine is available).
// At run time the app connects through @prisma/adapter-pg (server/db/client.ts).
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost:5432/bankline" },
});
