import { afterEach, describe, expect, inject, it } from "vitest";
import { createDb, type Db } from "@/server/db/client";
import { GET } from "./route";

const globalForDb = globalThis as unknown as { banklineDb?: Db };

describe("GET /api/health", () => {
  afterEach(async () => {
    await globalForDb.banklineDb?.$disconnect();
    globalForDb.banklineDb = undefined;
  });

  it("answers 200 when the database answers", async () => {
    globalForDb.banklineDb = createDb(inject("databaseUrl"));
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "reachable" });
  });

  it("answers 503 when the database does not", async () => {
    globalForDb.banklineDb = createDb("postgresql://nobody:nothing@127.0.0.1:1/none?connect_timeout=2");
    const res = await GET();
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: "unavailable", database: "unreachable" });
  });
});
