import { afterAll, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { checkSession, startSession } from "@/server/auth/sessions";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import * as first from "./client";
import * as firstScopes from "./tenancy";

// Next.js bundles the server's modules once per layer (route handlers, server components, the
// instrumentation hook that serves tRPC), so one process holds several copies of this folder's
// modules, and the process-wide client made by one copy is used by the others. vi.resetModules()
// gives a second copy, as a second layer has.

type Client = typeof import("./client");
type Scopes = typeof import("./tenancy");
type Transactions = typeof import("./transaction");

let home: OrgFixture;
let db: first.Db;
let second: { client: Client; scopes: Scopes; transactions: Transactions };

beforeAll(async () => {
  home = await createOrgWithMembers(testDb(), "Module copies");
  db = first.createDb(inject("databaseUrl"));
  vi.resetModules();
  second = {
    client: await import("./client"),
    scopes: await import("./tenancy"),
    transactions: await import("./transaction"),
  };
  expect(second.client.readRows).not.toBe(first.readRows);
});

afterAll(async () => {
  await db.$disconnect();
});

describe("a second copy of the database modules, with the client the first made", () => {
  it("knows the client as a client: its work runs in one transaction", async () => {
    expect(second.client.isClient(db)).toBe(true);
    const [a, b] = await second.transactions.inTransaction(db, async (tx) => {
      const [x] = await tx.$queryRaw<{ id: string }[]>`SELECT pg_current_xact_id()::text AS id`;
      const [y] = await tx.$queryRaw<{ id: string }[]>`SELECT pg_current_xact_id()::text AS id`;
      return [x!.id, y!.id];
    });
    expect(b).toBe(a);
  });

  it("reads rows through the client's pool, not through Prisma", async () => {
    // The pool's own path refuses a numeric column (Prisma would read it as a Decimal).
    await expect(
      second.scopes.withAllOrganizations("test", () =>
        second.client.readRows(db, first.Prisma.sql`SELECT 1.5::numeric AS n`),
      ),
    ).rejects.toThrow(/does not map numeric columns/);
  });

  it("reads a session on a connection as an organization left it, without switching it", async () => {
    const { token } = await startSession(testDb(), {
      userId: home.users.OWNER.id,
      ipAddress: "203.0.113.40",
      userAgent: null,
    });
    await firstScopes.withOrganization(home.org.id, null, () => first.readRows(db, first.Prisma.sql`SELECT 1 AS one`));
    const switchesBefore = firstScopes.scopeSwitchCount();
    const state = await second.scopes.withoutTenantRows(() => checkSession(db, token, { ipAddress: "203.0.113.40" }));
    expect(state.kind === "active" && state.memberships.map((m) => m.organization.id)).toEqual([home.org.id]);
    expect(firstScopes.scopeSwitchCount() - switchesBefore).toBe(0);
  });
});
