import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { createInnerContext } from "@/server/trpc/context";
import { createCaller } from "@/server/trpc/router";
import { createOrgWithMembers, testAggregator } from "@/server/testing/fixtures";
import { readSessionToken } from "./session-token";
import { checkSession, startSession } from "./sessions";

// What every request does first: the session token out of next-auth's cookie, then one query for
// the session, its person and their memberships, which the organization procedures use.

const secret = "a-test-secret-that-is-at-least-32-characters-long";

describe("reading the session cookie", () => {
  it("reads what next-auth wrote, and nothing forged, expired or sealed under another secret", async () => {
    const cookie = await encode({ token: { sid: "token-1", sub: "u1" }, secret });
    expect(await readSessionToken(cookie, secret)).toBe("token-1");
    // Read again from the cache: still the same answer.
    expect(await readSessionToken(cookie, secret)).toBe("token-1");
    expect(await readSessionToken(`${cookie.slice(0, -4)}AAAA`, secret)).toBeNull();
    expect(await readSessionToken(cookie, "another-secret-that-is-at-least-32-characters")).toBeNull();
    const shortLived = await encode({ token: { sid: "token-2" }, secret, maxAge: 60 });
    expect(await readSessionToken(shortLived, secret)).toBe("token-2");
    expect(await readSessionToken(shortLived, secret, Date.now() / 1000 + 60 + 16)).toBeNull();
    expect(await readSessionToken("not a token", secret)).toBeNull();
  });
});

describe("the session with its memberships", () => {
  it("opens the person's organizations from the session read, and a role change or removal counts from the next request", async () => {
    const db = testDb();
    const fx = await createOrgWithMembers(db, "Session read");
    const other = await createOrgWithMembers(db, "Session read other");
    const { token } = await startSession(db, {
      userId: fx.users.MEMBER.id,
      ipAddress: "203.0.113.20",
      userAgent: null,
    });
    const request = async () => {
      const state = await checkSession(db, token);
      if (state.kind !== "active") throw new Error(`session is ${state.kind}`);
      return {
        state,
        caller: createCaller(
          createInnerContext({
            db,
            user: state.user,
            memberships: state.memberships,
            ipAddress: "203.0.113.20",
            aggregator: testAggregator(),
          }),
        ),
      };
    };

    const first = await request();
    expect(first.state.memberships).toEqual([
      {
        role: "MEMBER",
        organization: { id: fx.org.id, slug: fx.org.slug, name: fx.org.name, requireTwoFactor: false },
      },
    ]);
    expect(await first.caller.connections.list({ orgSlug: fx.org.slug })).toEqual([]);
    await expect(first.caller.connections.list({ orgSlug: other.org.slug })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      first.caller.orgs.invite({ orgSlug: fx.org.slug, email: "x@session-read.example", role: "VIEWER" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });

    await db.membership.updateMany({
      where: { userId: fx.users.MEMBER.id, organizationId: fx.org.id },
      data: { role: "VIEWER" },
    });
    const second = await request();
    await expect(second.caller.feed.hide({ orgSlug: fx.org.slug, transactionIds: ["none"] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });

    await db.organization.update({ where: { id: fx.org.id }, data: { requireTwoFactor: true } });
    await expect((await request()).caller.connections.list({ orgSlug: fx.org.slug })).rejects.toThrow(
      /requires two-factor sign-in/,
    );

    await db.membership.deleteMany({ where: { userId: fx.users.MEMBER.id, organizationId: fx.org.id } });
    const removed = await request();
    expect(removed.state.memberships).toEqual([]);
    await expect(removed.caller.connections.list({ orgSlug: fx.org.slug })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
