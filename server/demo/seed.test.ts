import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb, type Db } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { log } from "@/server/log";
import { testAggregator } from "@/server/testing/fixtures";
import { dropDatabaseNamed, ensureDatabase, withDatabase } from "@/scripts/lib/stack";
import { demoSeedAllowed, seedDemoData } from "./seed";

// Seeds a database of its own, as `npm start` does on a first run, against the run's sandbox.

const name = `bankline_seed_${Date.now()}`;
let db: Db;

beforeAll(async () => {
  await ensureDatabase(inject("serverUrl"), name);
  const url = withDatabase(inject("serverUrl"), name);
  await migrate(url);
  db = createDb(url);
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  await dropDatabaseNamed(inject("serverUrl"), name);
});

const sandbox = () => ({ aggregator: testAggregator(), sandboxUrl: inject("aggregatorUrl"), log });

describe("demo data", () => {
  it("gives Riverside and Hillcrest real sandbox connections with a history", { timeout: 60_000 }, async () => {
    expect(await seedDemoData(db, sandbox())).toEqual({ seeded: true, connections: true });
    const byOrg = async (slug: string) =>
      db.connection.findMany({
        where: { organization: { slug } },
        include: { institution: true, accounts: { include: { _count: { select: { feedTransactions: true } } } } },
        orderBy: { createdAt: "asc" },
      });

    const riverside = await byOrg("riverside");
    const active = riverside.find((c) => c.status === "ACTIVE")!;
    expect(active.institution.name).toBe("Sandbox Bank (Business)");
    expect(active.accounts.filter((a) => a.linked).length).toBe(2);
    expect(active.accounts.reduce((n, a) => n + a._count.feedTransactions, 0)).toBeGreaterThan(50);
    expect(await db.connectionEvent.count({ where: { connectionId: active.id, trigger: "SCHEDULE", statusCode: 0 } })).toBeGreaterThan(30);

    const broken = riverside.find((c) => c.status === "ACTION_REQUIRED")!;
    expect(broken).toMatchObject({ lastStatusCode: 103 });
    const failures = await db.connectionEvent.findMany({ where: { connectionId: broken.id, statusCode: 103 }, orderBy: { startedAt: "asc" } });
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(new Set(failures.map((e) => e.startedAt.toISOString().slice(0, 10))).size).toBeGreaterThanOrEqual(4);
    expect(failures.map((e) => e.trigger)).toContain("SCHEDULE");
    expect(failures.map((e) => e.trigger)).toContain("CUSTOMER");
    expect(await db.notice.count({ where: { connectionId: broken.id, resolvedAt: null, statusCode: 103 } })).toBe(1);
    // The failure is real: the sandbox itself now refuses this login's password.
    const status = await testAggregator().getLoginStatus({ loginId: broken.providerLoginId!, institutionId: broken.institutionId });
    expect(status.statusCode).toBe(103);

    const hillcrest = await byOrg("hillcrest");
    expect(hillcrest.map((c) => c.status).sort()).toEqual(["ACTIVE", "ERROR"]);
    const retrying = hillcrest.find((c) => c.status === "ERROR")!;
    expect(retrying).toMatchObject({ lastStatusCode: 102 });
    expect(retrying.nextRetryAt).not.toBeNull();

    expect(await db.auditEntry.count({ where: { action: "connection.link", organizationId: { in: [active.organizationId, retrying.organizationId] } } })).toBe(4);
  });

  it("is written only into an empty database, and never to production unless asked", async () => {
    expect(await seedDemoData(db, sandbox())).toEqual({ seeded: false, connections: false });
    expect(demoSeedAllowed({ NODE_ENV: "production" }, { embedded: true })).toBe(false);
    expect(demoSeedAllowed({ NODE_ENV: "production", SEED_DEMO: "true" }, { embedded: false })).toBe(true);
    expect(demoSeedAllowed({ NODE_ENV: "development", SEED_DEMO: "false" }, { embedded: true })).toBe(false);
    expect(demoSeedAllowed({}, { embedded: true })).toBe(true);
    // A DATABASE_URL someone gave, without NODE_ENV: no support admin with the public password.
    expect(demoSeedAllowed({}, { embedded: false })).toBe(false);
    expect(demoSeedAllowed({ SEED_DEMO: "true" }, { embedded: false })).toBe(true);
  });
});
