import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/server/auth/session";
import { linkAtSandbox } from "@/server/jobs/testing/helpers";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import {
  callerFor,
  createOrgWithMembers,
  createUser,
  testAddressOf,
  testAggregator,
  type OrgFixture,
} from "@/server/testing/fixtures";
import { forceRefresh, FORCED_REFRESH_WINDOW_MS } from "./force-refresh";

let fx: OrgFixture;
let admin: SessionUser;
let agent: SessionUser;

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Forced");
  admin = await createUser(testDb(), { staffRole: "SUPPORT_ADMIN" });
  agent = await createUser(testDb(), { staffRole: "SUPPORT" });
});

const reason = "customer says yesterday's deposits are missing";
const force = (connectionId: string) => callerFor(testDb(), admin).support.forceRefresh({ connectionId, reason });

async function codeOf(promise: Promise<unknown>) {
  try {
    await promise;
    return "ok";
  } catch (err) {
    if (err instanceof TRPCError) return err.code;
    throw err;
  }
}

describe("forced refresh", () => {
  it("starts an aggregation now, records it in the history and the audit log", async () => {
    const connectionId = await linkAtSandbox(fx, "frontiercard");
    const result = await force(connectionId);
    expect(result).toMatchObject({ kind: "connected", statusCode: 0 });
    const event = await testDb().connectionEvent.findUniqueOrThrow({ where: { id: result.eventId! } });
    expect(event).toMatchObject({ kind: "FORCED_REFRESH", trigger: "SUPPORT", actorUserId: admin.id, statusCode: 0 });
    const audit = await testDb().auditEntry.findFirstOrThrow({
      where: { objectId: connectionId, action: "connection.forceRefresh" },
    });
    expect(audit).toMatchObject({
      actorEmail: admin.email,
      ipAddress: testAddressOf(admin),
      reason,
      organizationId: fx.org.id,
    });
  });

  it("allows three an hour per connection, then explains when the next is possible", async () => {
    const connectionId = await linkAtSandbox(fx, "frontiercard");
    const other = await linkAtSandbox(fx, "frontiercard");
    for (let i = 0; i < 3; i++) expect(await codeOf(force(connectionId))).toBe("ok");
    await expect(force(connectionId)).rejects.toThrow(/3 times in the last hour.*Next possible at \d\d:\d\d UTC/);
    expect(await codeOf(force(other))).toBe("ok");

    const detail = await callerFor(testDb(), admin).support.connection({ connectionId });
    expect(detail.forceRefresh).toMatchObject({ allowed: false, usedInWindow: 3, limit: 3 });
    expect(detail.forceRefresh.nextAllowedAt!.getTime()).toBeGreaterThan(
      Date.now() + FORCED_REFRESH_WINDOW_MS - 60_000,
    );

    const later = new Date(Date.now() + FORCED_REFRESH_WINDOW_MS + 1000);
    const deps = { db: testDb(), aggregator: testAggregator(), log };
    const actor = { userId: admin.id, email: admin.email, ipAddress: "203.0.113.9" };
    expect((await forceRefresh(deps, { connectionId, reason, actor, now: later })).kind).toBe("connected");
  });

  it("lets only one of two admins clicking at once past the limit", async () => {
    const connectionId = await linkAtSandbox(fx, "frontiercard");
    for (let i = 0; i < 2; i++) await force(connectionId);
    const codes = await Promise.all([codeOf(force(connectionId)), codeOf(force(connectionId))]);
    expect(codes.filter((c) => c === "ok")).toHaveLength(1);
    expect(
      await testDb().auditEntry.count({ where: { objectId: connectionId, action: "connection.forceRefresh" } }),
    ).toBe(3);
  });

  it("is refused while an aggregation runs (325), without touching the limit", async () => {
    const connectionId = await linkAtSandbox(fx, "frontiercard");
    await testDb().connection.update({
      where: { id: connectionId },
      data: { status: "AGGREGATING", aggregationStartedAt: new Date() },
    });
    await expect(force(connectionId)).rejects.toThrow(/already running \(325/);
    expect(await codeOf(force(connectionId))).toBe("CONFLICT");
    expect(
      await testDb().auditEntry.count({ where: { objectId: connectionId, action: "connection.forceRefresh" } }),
    ).toBe(0);
    expect(await testDb().connectionEvent.count({ where: { connectionId, kind: "FORCED_REFRESH" } })).toBe(0);
  });

  it("needs a reason, and is only for support admins", async () => {
    const connectionId = await linkAtSandbox(fx, "frontiercard");
    expect(await codeOf(callerFor(testDb(), admin).support.forceRefresh({ connectionId, reason: " " }))).toBe(
      "BAD_REQUEST",
    );
    expect(await codeOf(callerFor(testDb(), agent).support.forceRefresh({ connectionId, reason }))).toBe("FORBIDDEN");
    const seenByAgent = await callerFor(testDb(), agent).support.connection({ connectionId });
    expect(seenByAgent.forceRefresh).toMatchObject({
      allowed: false,
      reason: "Only support admins may force a refresh.",
    });
    const seenByAdmin = await callerFor(testDb(), admin).support.connection({ connectionId });
    expect(seenByAdmin.forceRefresh).toMatchObject({ allowed: true, reason: null, usedInWindow: 0 });
  });
});
