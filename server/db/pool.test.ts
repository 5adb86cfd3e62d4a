import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { createDb, IDLE_CONNECTION_MS, Prisma, readRows } from "./client";
import { withAllOrganizations } from "./tenancy";

// A person pauses between clicks longer than pg's default idle limit (10 s): the pool keeps its
// connections through such a pause, so the next click neither connects nor has its statements
// planned again.

afterEach(() => {
  vi.useRealTimers();
});

const backendOf = async (db: ReturnType<typeof createDb>) => {
  const [row] = await withAllOrganizations("test", () =>
    readRows<{ pid: number }>(db, Prisma.sql`SELECT pg_backend_pid() AS pid`),
  );
  return row!.pid;
};

describe("the database pool", () => {
  it("keeps an idle connection through a reader's pause, and closes it after the idle limit", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    const db = createDb(inject("databaseUrl"));
    try {
      const first = await backendOf(db);
      vi.advanceTimersByTime(60_000);
      expect(await backendOf(db)).toBe(first);
      vi.advanceTimersByTime(IDLE_CONNECTION_MS + 1);
      await vi.waitFor(async () => expect(await backendOf(db)).not.toBe(first));
    } finally {
      await db.$disconnect();
    }
  });
});
