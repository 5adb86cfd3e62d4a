import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { createDb, type Db } from "@/server/db/client";
import { migrate } from "@/server/db/migrate";
import { log } from "@/server/log";
import { testAggregator } from "@/server/testing/fixtures";
import { dropDatabaseNamed, ensureDatabase, withDatabase } from "@/server/db/databases";
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
    expect(
      await db.connectionEvent.count({ where: { connectionId: active.id, trigger: "SCHEDULE", statusCode: 0 } }),
    ).toBeGreaterThan(30);

    const broken = riverside.find((c) => c.status === "ACTION_REQUIRED")!;
    expect(broken).toMatchObject({ lastStatusCode: 103 });
    const failures = await db.connectionEvent.findMany({
      where: { connectionId: broken.id, statusCode: 103 },
      orderBy: { startedAt: "asc" },
    });
    expect(failures.length).toBeGreaterThanOrEqual(4);
    expect(new Set(failures.map((e) => e.startedAt.toISOString().slice(0, 10))).size).toBeGreaterThanOrEqual(4);
    expect(failures.map((e) => e.trigger)).toContain("SCHEDULE");
    expect(failures.map((e) => e.trigger)).toContain("CUSTOMER");
    expect(await db.notice.count({ where: { connectionId: broken.id, resolvedAt: null, statusCode: 103 } })).toBe(1);
    // The notice, the history and the last success tell one story: it broke at the first refusal.
    const notice = await db.notice.findFirstOrThrow({ where: { connectionId: broken.id, resolvedAt: null } });
    expect(notice.createdAt).toEqual(failures[0]!.startedAt);
    expect(broken.lastSuccessAt!.getTime()).toBeLessThan(failures[0]!.startedAt.getTime());
    // The failure is real: the sandbox itself now refuses this login's password.
    const status = await testAggregator().getLoginStatus({
      loginId: broken.providerLoginId!,
      institutionId: broken.institutionId,
    });
    expect(status.statusCode).toBe(103);

    const hillcrest = await byOrg("hillcrest");
    expect(hillcrest.map((c) => c.status).sort()).toEqual(["ACTIVE", "ERROR"]);
    const retrying = hillcrest.find((c) => c.status === "ERROR")!;
    expect(retrying).toMatchObject({ lastStatusCode: 102 });
    expect(retrying.nextRetryAt).not.toBeNull();

    expect(
      await db.auditEntry.count({
        where: { action: "connection.link", organizationId: { in: [active.organizationId, retrying.organizationId] } },
      }),
    ).toBe(4);
  });

  it("gives Riverside a bank removed and added again a week ago, its feed full of what the books already have", async () => {
    const connections = await db.connection.findMany({
      where: { organization: { slug: "riverside" }, institutionId: "sandbox-credit-union" },
      orderBy: { createdAt: "asc" },
    });
    expect(connections.map((c) => c.status)).toEqual(["REMOVED", "ACTIVE"]);
    const [removed, relinked] = connections as [(typeof connections)[number], (typeof connections)[number]];
    expect(Date.now() - relinked.createdAt.getTime()).toBeGreaterThan(6.9 * 86_400_000);
    expect(removed.removedAt!.getTime()).toBeLessThan(relinked.createdAt.getTime());
    const feed = await db.feedTransaction.findMany({
      where: { bankAccount: { connectionId: relinked.id } },
      select: {
        state: true,
        amountCents: true,
        description: true,
        date: true,
        matchRegisterEntryId: true,
        matchReasons: true,
        hideBatchId: true,
      },
    });
    const entries = new Map(
      (
        await db.registerEntry.findMany({
          where: { id: { in: feed.flatMap((f) => (f.matchRegisterEntryId ? [f.matchRegisterEntryId] : [])) } },
        })
      ).map((e) => [e.id, e]),
    );
    const flagged = feed.filter((f) => f.state === "DUPLICATE" || f.state === "POSSIBLE_DUPLICATE");
    const matchOf = (f: (typeof feed)[number]) => entries.get(f.matchRegisterEntryId ?? "");
    // Most of the history came back flagged, against what the books have; the last week is new.
    expect(flagged.length).toBeGreaterThan(100);
    expect(feed.filter((f) => f.state === "NEW").length).toBeGreaterThan(5);
    // With the sandbox's re-link changes: dates shifted, descriptions rewritten.
    expect(flagged.filter((f) => matchOf(f) && matchOf(f)!.date.getTime() !== f.date.getTime()).length).toBeGreaterThan(
      0,
    );
    expect(
      flagged.filter((f) => matchOf(f) && matchOf(f)!.source === "IMPORT" && matchOf(f)!.description !== f.description)
        .length,
    ).toBeGreaterThan(0);
    // Entries the bookkeeper typed by hand, matched by their bank rows (the rent check by its number).
    const byHand = feed.filter((f) => matchOf(f)?.source === "MANUAL");
    expect(byHand.length, "typed by hand").toBeGreaterThanOrEqual(2);
    expect(byHand.map((f) => matchOf(f)!.description)).toContain("Rent");
    // Identical twins: two bank rows of one day and amount, each matching an entry of its own.
    const twins = flagged.filter((f) =>
      flagged.some((g) => g !== f && g.date.getTime() === f.date.getTime() && g.amountCents === f.amountCents),
    );
    expect(twins.length, "identical twins").toBeGreaterThanOrEqual(2);
    expect(new Set(twins.map((f) => f.matchRegisterEntryId)).size).toBe(twins.length);
    // A few rows hidden together with one Hide all, listed under Show hidden.
    const hidden = feed.filter((f) => f.state === "HIDDEN");
    expect(hidden.length).toBeGreaterThan(0);
    const batches = await db.feedHideBatch.findMany({
      where: { id: { in: hidden.flatMap((f) => (f.hideBatchId ? [f.hideBatchId] : [])) } },
    });
    expect(batches.map((b) => b.kind)).toEqual(["HIDE_ALL"]);
    // Purchases imported while pending came back posted, caught through their pending ids.
    const postedOfPending = flagged.filter(
      (f) => Array.isArray(f.matchReasons) && f.matchReasons.includes("posted version of a pending transaction"),
    );
    expect(postedOfPending.length).toBeGreaterThan(0);
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
