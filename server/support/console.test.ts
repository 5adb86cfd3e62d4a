import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session";
import { testDb } from "@/server/testing/db";
import {
  callerFor,
  createOrgWithMembers,
  createUser,
  testAddressOf,
  uniqueSuffix,
  type OrgFixture,
} from "@/server/testing/fixtures";
import { addHistory, daysAgo, minutesAgo, testConnection, testInstitution } from "./testing/history";

// The console's reads: search, organization, a connection's history with its filters and
// chart, institution health and the audit log, through the router as support staff.

let fx: OrgFixture;
let support: SessionUser;
let institutionId: string;
let connection: { id: string; organizationId: string; institutionId: string };

beforeAll(async () => {
  const db = testDb();
  fx = await createOrgWithMembers(db, "Console Pantry");
  support = await createUser(db, { staffRole: "SUPPORT" });
  institutionId = await testInstitution(db, "Console Savings");
  connection = await testConnection(db, { organizationId: fx.org.id, institutionId, status: "ACTION_REQUIRED" });
  await testDb().connection.update({ where: { id: connection.id }, data: { lastStatusCode: 103 } });
  await addHistory(db, connection, [
    { kind: "LINK", trigger: "CUSTOMER", statusCode: 0, at: daysAgo(40), actorUserId: fx.users.OWNER.id },
    ...Array.from({ length: 30 }, (_, i) => ({ statusCode: 0, at: daysAgo(35 - i), transactionCount: 4 })),
    { statusCode: 102, at: daysAgo(4) },
    { statusCode: 103, at: daysAgo(3) },
    { kind: "RETRIEVE", trigger: "CUSTOMER", statusCode: 103, at: daysAgo(2), actorUserId: fx.users.MEMBER.id },
    { kind: "UPDATE_LOGIN", trigger: "CUSTOMER", statusCode: 103, at: daysAgo(1), actorUserId: fx.users.OWNER.id },
  ]);
});

const staff = () => callerFor(testDb(), support).support;

describe("support search", () => {
  it("finds an organization by name, slug, member email, institution name and connection id", async () => {
    const name = fx.org.name.split(" ").slice(0, 2).join(" ");
    for (const text of [
      name.toLowerCase(),
      fx.org.slug,
      fx.users.VIEWER.email.toUpperCase(),
      "console savings",
      connection.id,
    ]) {
      const found = await staff().search({ text });
      expect(
        found.map((o) => o.slug),
        `searching “${text}”`,
      ).toContain(fx.org.slug);
    }
    const byEmail = (await staff().search({ text: fx.users.VIEWER.email })).find((o) => o.slug === fx.org.slug)!;
    expect(byEmail.matchedOn).toContain(`member ${fx.users.VIEWER.email}`);
    expect(byEmail).toMatchObject({ memberCount: 4, connectionCount: 1, connectionsNeedingAttention: 1 });
    expect(await staff().search({ text: `nothing-like-${uniqueSuffix()}` })).toEqual([]);
  });

  it("shows an organization with its members, connections and open notices", async () => {
    await testDb().notice.create({
      data: {
        organizationId: fx.org.id,
        connectionId: connection.id,
        statusCode: 103,
        title: "Error 103",
        body: "Update Login",
      },
    });
    const org = await staff().organization({ slug: fx.org.slug });
    expect(org.members.map((m) => m.role).sort()).toEqual(["ADMIN", "MEMBER", "OWNER", "VIEWER"]);
    expect(org.connections).toEqual([
      expect.objectContaining({
        id: connection.id,
        status: "ACTION_REQUIRED",
        lastStatusCode: 103,
        lastStatusTitle: "Invalid credentials",
        openNotices: 1,
      }),
    ]);
    expect(org.notices.map((n) => n.statusCode)).toEqual([103]);
  });
});

describe("a connection's history", () => {
  it("lists every attempt newest first with who did it and what the code means", async () => {
    const page = await staff().events({ connectionId: connection.id, limit: 5 });
    expect(page.total).toBe(35);
    expect(page.events.map((e) => [e.kind, e.trigger, e.statusCode])).toEqual([
      ["UPDATE_LOGIN", "CUSTOMER", 103],
      ["RETRIEVE", "CUSTOMER", 103],
      ["REFRESH", "SCHEDULE", 103],
      ["REFRESH", "SCHEDULE", 102],
      ["REFRESH", "SCHEDULE", 0],
    ]);
    expect(page.events[0]).toMatchObject({
      statusTitle: "Invalid credentials",
      category: "customer",
      actor: { email: fx.users.OWNER.email, staff: false },
    });
    expect(page.events[3]).toMatchObject({ statusTitle: "The bank's site did not answer", category: "provider" });
  });

  it("filters by code, kind and date, and pages through the rest without repeats", async () => {
    const only103 = await staff().events({ connectionId: connection.id, codes: [103] });
    expect(only103.events.map((e) => e.statusCode)).toEqual([103, 103, 103]);
    const customer = await staff().events({ connectionId: connection.id, kinds: ["RETRIEVE", "UPDATE_LOGIN"] });
    expect(customer.events.map((e) => e.kind)).toEqual(["UPDATE_LOGIN", "RETRIEVE"]);
    const window = await staff().events({ connectionId: connection.id, from: daysAgo(4.5), to: daysAgo(1.5) });
    expect(window.events.map((e) => e.statusCode)).toEqual([103, 103, 102]);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await staff().events({ connectionId: connection.id, limit: 8, cursor });
      seen.push(...page.events.map((e) => e.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toHaveLength(35);
    expect(new Set(seen).size).toBe(35);
  });

  it("charts outcomes per day", async () => {
    const days = await staff().outcomes({ connectionId: connection.id, from: daysAgo(7), to: new Date() });
    expect(days.length).toBeGreaterThanOrEqual(7);
    const totals = days.reduce(
      (t, d) => ({
        success: t.success + d.success,
        provider: t.provider + d.provider,
        customer: t.customer + d.customer,
      }),
      { success: 0, provider: 0, customer: 0 },
    );
    expect(totals).toEqual({ success: 2, provider: 1, customer: 3 });
  });

  it("shows what the customer sees, read-only", async () => {
    const detail = await staff().connection({ connectionId: connection.id });
    expect(detail.customerView?.problem).toMatchObject({ code: 103, actor: "customer" });
    expect(detail.customerView?.problem?.nextStep).toContain("Update Login");
    expect(detail.codesSeen).toEqual([0, 102, 103]);
    expect(detail.forceRefresh).toMatchObject({ allowed: false, reason: "Only support admins may force a refresh." });
  });
});

describe("institution health", () => {
  it("counts attempts and failures by code per institution over 24 hours and 7 days", async () => {
    const other = await testInstitution(testDb(), "Health Bank");
    const c = await testConnection(testDb(), { organizationId: fx.org.id, institutionId: other });
    await addHistory(testDb(), c, [
      { statusCode: 0, at: minutesAgo(30) },
      { statusCode: 910, at: minutesAgo(20) },
      { statusCode: 910, at: minutesAgo(10) },
      { statusCode: 103, at: daysAgo(3) },
      { statusCode: 0, at: daysAgo(10) },
    ]);
    const day = (await staff().institutionHealth({ window: "24h" })).institutions.find((i) => i.id === other)!;
    expect(day).toMatchObject({
      attempts: 3,
      failures: 2,
      organizationsFailing: 1,
      byCategory: { success: 1, provider: 2, customer: 0, other: 0 },
    });
    expect(day.failuresByCode).toEqual([
      { code: 910, title: "The provider's connection to this bank is down", count: 2 },
    ]);
    const week = (await staff().institutionHealth({ window: "7d" })).institutions.find((i) => i.id === other)!;
    expect(week).toMatchObject({ attempts: 4, failures: 3 });
    expect(week.failuresByCode.map((f) => f.code)).toEqual([910, 103]);
  });
});

describe("the audit log", () => {
  it("records customers' changes and support's actions, filterable, with nothing to edit or delete them", async () => {
    const orgFx = await createOrgWithMembers(testDb(), "Audit Pantry");
    const admin = await createUser(testDb(), { staffRole: "SUPPORT_ADMIN" });
    await callerFor(testDb(), orgFx.users.OWNER).connections.link({
      orgSlug: orgFx.org.slug,
      institutionId: "sandbox-credit-union",
      credentials: { username: "demo", password: "wrong" },
    });
    const target = await testConnection(testDb(), { organizationId: orgFx.org.id, institutionId });
    await callerFor(testDb(), admin).support.forceRefresh({
      connectionId: target.id,
      reason: "customer asked on the phone",
    });

    const all = await staff().audit({ organization: orgFx.org.slug });
    expect(all.entries.map((e) => e.action)).toEqual(["connection.forceRefresh", "connection.link"]);
    expect(all.entries[0]).toMatchObject({
      actorEmail: admin.email,
      ipAddress: testAddressOf(admin),
      reason: "customer asked on the phone",
      objectId: target.id,
    });
    expect(
      (await staff().audit({ organization: orgFx.org.slug, actorKind: "staff" })).entries.map((e) => e.action),
    ).toEqual(["connection.forceRefresh"]);
    expect(
      (await staff().audit({ organization: orgFx.org.slug, actorKind: "customer" })).entries.map((e) => e.actorEmail),
    ).toEqual([orgFx.users.OWNER.email]);
    expect((await staff().audit({ actor: admin.email.slice(0, 12), action: "connection.forceRefresh" })).total).toBe(1);
    expect((await staff().audit({ organization: orgFx.org.slug, to: minutesAgo(60) })).total).toBe(0);
    expect(await staff().auditActions()).toEqual(
      expect.arrayContaining(["connection.forceRefresh", "connection.link"]),
    );

    const procedures = Object.keys(callerFor(testDb(), admin).support);
    expect(procedures.filter((p) => /delete|remove|edit|update/i.test(p) && /audit/i.test(p))).toEqual([]);
  });

  it("never lets a customer read it", async () => {
    await expect(callerFor(testDb(), fx.users.OWNER).support.audit({})).rejects.toBeInstanceOf(TRPCError);
  });
});
