import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { ensureConnection } from "@/server/connections/testing/access-cases";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { bankTransaction, daysAgo } from "@/server/feed/testing/books";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { createDb, Prisma, readRows, type Db } from "./client";
import { PrismaClient } from "./generated/client";
import { checkSession, startSession } from "@/server/auth/sessions";
import {
  scopeFromSettings,
  scopeSwitchCount,
  withAllOrganizations,
  withOrganization,
  withoutTenantRows,
} from "./tenancy";

// The second wall: with the runtime role, a query that forgets its organizationId finds
// nothing of another tenant. Each table a customer reaches is read with no filter at all, in
// one organization's scope, and must show that organization's rows only.

/**
 * Tables that carry organizationId but no customer reads: the outbox is read by the worker and support, the
 * progress of long work by support and /api/metrics.
 */
const NOT_CUSTOMER_DATA = new Set(["MailMessage", "WorkProgress"]);

let home: OrgFixture;
let other: OrgFixture;
let app: Db;

async function fill(org: OrgFixture) {
  const db = testDb();
  const { connectionId, bankAccountId } = await ensureConnection(db, org.org.id);
  const register = await db.register.create({
    data: { organizationId: org.org.id, name: `Books ${org.org.slug}`, kind: "checking" },
    select: { id: true },
  });
  await db.bankAccount.update({ where: { id: bankAccountId }, data: { linked: true, registerId: register.id } });
  await ingestBankTransactions(db, {
    organizationId: org.org.id,
    bankAccountId,
    transactions: [bankTransaction({ postedDate: daysAgo(2), amountCents: -500, description: "RLS" })],
  });
  const entry = await db.registerEntry.create({
    data: {
      organizationId: org.org.id,
      registerId: register.id,
      date: new Date(),
      amountCents: 100,
      description: "RLS",
      source: "MANUAL",
    },
    select: { id: true },
  });
  await db.registerEntryProviderId.create({
    data: { organizationId: org.org.id, registerEntryId: entry.id, providerTransactionId: `rls-${org.org.id}` },
  });
  await db.feedHideBatch.create({
    data: { organizationId: org.org.id, bankAccountId, kind: "HIDE_ALL", hiddenCount: 0 },
  });
  await db.connectionEvent.create({
    data: {
      organizationId: org.org.id,
      connectionId,
      institutionId: "sandbox-bank-personal",
      kind: "RETRIEVE",
      trigger: "CUSTOMER",
    },
  });
  await db.notice.create({ data: { organizationId: org.org.id, connectionId, title: "RLS", body: "RLS" } });
  await db.connectionAlert.create({ data: { organizationId: org.org.id, connectionId, statusCode: 103 } });
  await db.connectSession.create({ data: { organizationId: org.org.id, purpose: "LINK" } });
  await db.statementImport.create({
    data: {
      organizationId: org.org.id,
      bankAccountId,
      fileName: "rls.ofx",
      format: "ofx",
      fileSha256: `rls-${org.org.id}`,
      received: 0,
      added: 0,
      firstDate: new Date(),
      lastDate: new Date(),
    },
  });
  await db.aggregatorCustomer.create({
    data: { organizationId: org.org.id, provider: "rls-test", customerId: `rls-${org.org.id}` },
  });
  await db.invitation.create({
    data: {
      organizationId: org.org.id,
      email: `rls-${org.org.slug}@test.example`,
      role: "VIEWER",
      expiresAt: new Date(Date.now() + 3600_000),
    },
  });
  await db.auditEntry.createMany({
    data: { organizationId: org.org.id, action: "rls.test", objectType: "Organization" },
  });
}

beforeAll(async () => {
  home = await createOrgWithMembers(testDb(), "Wall");
  other = await createOrgWithMembers(testDb(), "Other wall");
  await fill(home);
  await fill(other);
  // The app's own client: code in no scope sees no organization.
  app = createDb(inject("databaseUrl"));
});

afterAll(async () => {
  await app.$disconnect();
});

/** Every table with an organizationId column, from the database itself. */
async function tenantTables(): Promise<string[]> {
  const client = new pg.Client({ connectionString: inject("ownerDatabaseUrl") });
  await client.connect();
  try {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'organizationId' ORDER BY table_name`,
    );
    return rows.map((r) => r.table_name).filter((t) => !NOT_CUSTOMER_DATA.has(t));
  } finally {
    await client.end();
  }
}

const delegate = (db: Db, table: string) =>
  (db as unknown as Record<string, { findMany(args?: object): Promise<{ organizationId: string | null }[]> }>)[
    table[0]!.toLowerCase() + table.slice(1)
  ]!;

describe("row-level security", () => {
  it("shows a query with no organization filter only the rows of the organization set for it, on every table a customer reaches", async () => {
    const tables = await tenantTables();
    expect(tables.length).toBeGreaterThanOrEqual(14);
    for (const table of tables) {
      const everyone = await withAllOrganizations("test", () => delegate(app, table).findMany());
      const seen = new Set(everyone.map((r) => r.organizationId));
      expect([seen.has(home.org.id), seen.has(other.org.id)], `${table} has rows of both organizations`).toEqual([
        true,
        true,
      ]);

      // Deliberately unscoped: no where at all.
      const rows = await withOrganization(home.org.id, null, () => delegate(app, table).findMany());
      expect(rows.length, `${table} in home's scope`).toBeGreaterThan(0);
      expect(
        rows.filter((r) => r.organizationId !== home.org.id),
        `${table} rows of another organization`,
      ).toEqual([]);

      expect(await delegate(app, table).findMany(), `${table} outside any scope`).toEqual([]);
    }
  });

  it("reads a session on a connection as another organization left it: no switch, and the person's own memberships only", async () => {
    const { token } = await startSession(testDb(), {
      userId: home.users.MEMBER.id,
      ipAddress: "203.0.113.30",
      userAgent: null,
    });
    // A fresh pool whose every connection was left in the other organization's scope, or bypassing.
    const fresh = createDb(inject("databaseUrl"));
    await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        i % 2
          ? withOrganization(other.org.id, null, () => fresh.$queryRaw`SELECT pg_sleep(0.02)::text`)
          : withAllOrganizations("test", () => fresh.$queryRaw`SELECT pg_sleep(0.02)::text`),
      ),
    );
    const switchesBefore = scopeSwitchCount();
    for (let i = 0; i < 4; i++) {
      const state = await withoutTenantRows(() => checkSession(fresh, token, { ipAddress: "203.0.113.30" }));
      expect(state.kind === "active" && state.memberships.map((m) => m.organization.id)).toEqual([home.org.id]);
    }
    expect(scopeSwitchCount() - switchesBefore).toBe(0);
    // Outside it, the same read in no scope pays its switch.
    await checkSession(fresh, token, { ipAddress: "203.0.113.30" });
    expect(scopeSwitchCount() - switchesBefore).toBe(1);
    await fresh.$disconnect();
  });

  it("leaves the session read's connection set to the person's only organization, which the pool then tells from any other", async () => {
    const { token } = await startSession(testDb(), { userId: home.users.MEMBER.id, ipAddress: null, userAgent: null });
    const fresh = createDb(inject("databaseUrl"));
    const organizationsOf = (rows: { organizationId: string }[]) => [...new Set(rows.map((r) => r.organizationId))];
    const accounts = Prisma.sql`SELECT "organizationId" FROM "BankAccount"`;
    // One connection, one request at a time: left in the other organization's scope.
    await withOrganization(other.org.id, null, () => readRows<{ organizationId: string }>(fresh, accounts));
    const switchesBefore = scopeSwitchCount();

    const state = await withoutTenantRows(() => checkSession(fresh, token));
    expect(state.kind === "active" && state.memberships.map((m) => m.organization.id)).toEqual([home.org.id]);
    const own = await withOrganization(home.org.id, home.users.MEMBER.id, () =>
      readRows<{ organizationId: string }>(fresh, accounts),
    );
    expect(organizationsOf(own)).toEqual([home.org.id]);
    expect(scopeSwitchCount() - switchesBefore).toBe(0);

    // The same connection asked for in any other scope is switched, and shows that scope's rows only.
    const theirs = await withOrganization(other.org.id, null, () =>
      readRows<{ organizationId: string }>(fresh, accounts),
    );
    expect(organizationsOf(theirs)).toEqual([other.org.id]);
    expect(await withoutTenantRows(() => checkSession(fresh, token))).toMatchObject({ kind: "active" });
    expect(
      await withOrganization(home.org.id, home.users.OWNER.id, () =>
        readRows<{ organizationId: string }>(fresh, accounts),
      ),
    ).not.toEqual([]);
    expect(await readRows<{ organizationId: string }>(fresh, accounts)).toEqual([]);
    expect(scopeSwitchCount() - switchesBefore).toBe(3);
    await fresh.$disconnect();
  });

  it("sets nothing for a person of two organizations, nor for a token no session has", async () => {
    const person = home.users.VIEWER.id;
    await testDb().membership.create({ data: { userId: person, organizationId: other.org.id, role: "VIEWER" } });
    const fresh = createDb(inject("databaseUrl"));
    const setting = Prisma.sql`
      SELECT current_setting('app.organization_id', true) AS "organizationId", current_setting('app.user_id', true) AS "userId"`;
    try {
      const { token } = await startSession(testDb(), { userId: person, ipAddress: null, userAgent: null });
      await withOrganization(home.org.id, null, () => readRows(fresh, setting));
      const state = await withoutTenantRows(() => checkSession(fresh, token));
      expect(state.kind === "active" && state.memberships).toHaveLength(2);
      expect(await withoutTenantRows(() => readRows(fresh, setting))).toEqual([
        { organizationId: home.org.id, userId: "" },
      ]);
      const switchesBefore = scopeSwitchCount();
      await withOrganization(home.org.id, person, () => readRows(fresh, setting));
      expect(scopeSwitchCount() - switchesBefore).toBe(1);

      expect(await withoutTenantRows(() => checkSession(fresh, "no-such-token"))).toEqual({ kind: "none" });
      expect(await withoutTenantRows(() => readRows(fresh, setting))).toEqual([
        { organizationId: home.org.id, userId: person },
      ]);
    } finally {
      await testDb().membership.deleteMany({ where: { userId: person, organizationId: other.org.id } });
      await fresh.$disconnect();
    }
  });

  it("refuses a statement that set part of a scope, which leaves its connection in no scope the pool could name", () => {
    expect(scopeFromSettings({ organizationId: null, userId: null, bypass: null })).toBeNull();
    expect(scopeFromSettings({ organizationId: "o", userId: "u", bypass: "off" })).toEqual({
      organizationId: "o",
      userId: "u",
      bypass: null,
    });
    expect(() => scopeFromSettings({ organizationId: "o", userId: null, bypass: "off" })).toThrow(/part of/);
    expect(() => scopeFromSettings({ organizationId: "o", userId: "u", bypass: "on" })).toThrow(/part of/);
  });

  it("refuses to write a row into another organization from this one's scope", async () => {
    await expect(
      withOrganization(home.org.id, null, () =>
        app.register.create({ data: { organizationId: other.org.id, name: "Planted", kind: "checking" } }),
      ),
    ).rejects.toThrow(/row-level security/);
    const updated = await withOrganization(home.org.id, null, () =>
      app.connection.updateMany({ data: { status: "REMOVED" } }),
    );
    expect(updated.count).toBe(await testDb().connection.count({ where: { organizationId: home.org.id } }));
    expect(await testDb().connection.count({ where: { organizationId: other.org.id, status: "REMOVED" } })).toBe(0);
    await testDb().connection.updateMany({ where: { organizationId: home.org.id }, data: { status: "ACTIVE" } });
  });

  it("lets the runtime role neither change nor empty the audit log, nor drop its guards, and the owner not truncate it either", async () => {
    const runtime = new pg.Client({ connectionString: inject("databaseUrl") });
    await runtime.connect();
    try {
      await runtime.query("SELECT set_config('app.tenant_bypass', 'on', false)");
      for (const sql of [
        `TRUNCATE "AuditEntry"`,
        `DELETE FROM "AuditEntry"`,
        `UPDATE "AuditEntry" SET action = 'x'`,
        `DROP TRIGGER "AuditEntry_append_only" ON "AuditEntry"`,
        `ALTER TABLE "Connection" DISABLE ROW LEVEL SECURITY`,
        `ALTER TABLE "Connection" NO FORCE ROW LEVEL SECURITY`,
        `DROP POLICY "Connection_tenant" ON "Connection"`,
        `SELECT * FROM "_prisma_migrations"`,
      ]) {
        await expect(runtime.query(sql), sql).rejects.toThrow(/permission denied|must be owner/);
      }
    } finally {
      await runtime.end();
    }
    const owner = new pg.Client({ connectionString: inject("ownerDatabaseUrl") });
    await owner.connect();
    try {
      await expect(owner.query(`TRUNCATE "AuditEntry"`)).rejects.toThrow(/cannot be truncated/);
    } finally {
      await owner.end();
    }
    expect(await testDb().auditEntry.count({ where: { organizationId: home.org.id } })).toBeGreaterThan(0);
  });

  it("costs a request well under a millisecond at the median", async () => {
    // The same procedures through the app's client (runtime role, scope set per request,
    // policies applied) and through a plain client as the owner (no scope, no policies), one
    // after the other, organizations alternating; the cost is the median of the differences.
    const plain = new PrismaClient({
      adapter: new PrismaPg({ connectionString: inject("ownerDatabaseUrl") }),
    }) as unknown as Db;
    const orgs = [home, other];
    const request = async (db: Db, i: number) => {
      const org = orgs[i % 2]!;
      const caller = callerFor(db, org.users.VIEWER);
      const started = performance.now();
      await caller.connections.list({ orgSlug: org.org.slug });
      await caller.connections.notices({ orgSlug: org.org.slug });
      return performance.now() - started;
    };
    // A web process under load holds a full pool: warm both to it.
    for (let round = 0; round < 3; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => request(app, i)));
      await Promise.all(Array.from({ length: 8 }, (_, i) => request(plain, i)));
    }
    const differences: number[] = [];
    const walled: number[] = [];
    const switchesBefore = scopeSwitchCount();
    const rounds = 120;
    for (let i = 0; i < rounds; i++) {
      const first = i % 2 === 0;
      const a = first ? await request(app, i) : 0;
      const b = await request(plain, i);
      const c = first ? a : await request(app, i);
      walled.push(c);
      differences.push(c - b);
    }
    const switches = (scopeSwitchCount() - switchesBefore) / rounds;
    await plain.$disconnect();
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const cost = median(differences);
    console.log(
      `row-level security: a request (connections.list and .notices) takes ${median(walled).toFixed(2)} ms at the median; ` +
        `the wall costs ${cost.toFixed(2)} ms of it; ${switches.toFixed(2)} connection scope switches per request`,
    );
    expect(cost).toBeLessThan(1);
  });
});
