import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync } from "node:zlib";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { inject } from "vitest";
import { SESSION_COOKIE } from "@/server/auth/options";
import { startSession } from "@/server/auth/sessions";
import { getDb } from "@/server/db/client";
import { testConnection, testInstitution } from "@/server/support/testing/history";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { MAX_TRPC_BODY_BYTES } from "@/server/trpc/limits";
import { rawRequest, type RawAnswer } from "./testing/raw-request";
import { COMPRESS_IN_LINE_UP_TO_BYTES, compressAnswer, serveTrpc } from "./trpc-node";

// tRPC as the production web server answers it (server/http/main.js gives it /api/trpc before
// Next.js's router): over a real socket, with the session cookie next-auth writes, against the
// run's database.

const secret = "a-test-secret-that-is-at-least-32-characters-long";

let server: http.Server;
let base: string;
let home: OrgFixture;
let other: OrgFixture;
let ownerCookie: string;
let ownerSessionId: string;

beforeAll(async () => {
  vi.stubEnv("DATABASE_URL", inject("databaseUrl"));
  vi.stubEnv("NEXTAUTH_SECRET", secret);
  const db = testDb();
  home = await createOrgWithMembers(db, "Node lane");
  other = await createOrgWithMembers(db, "Node lane other");
  const institutionId = await testInstitution(db);
  for (let i = 0; i < 6; i++) await testConnection(db, { organizationId: home.org.id, institutionId });
  const { token } = await startSession(db, { userId: home.users.OWNER.id, ipAddress: "198.51.100.1", userAgent: null });
  ownerSessionId = (await db.session.findFirstOrThrow({ where: { userId: home.users.OWNER.id } })).id;
  ownerCookie = `${SESSION_COOKIE}=${await encode({ token: { sid: token, sub: home.users.OWNER.id }, secret })}`;
  server = http.createServer((req, res) => void serveTrpc(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/trpc`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await getDb().$disconnect();
  vi.unstubAllEnvs();
});

interface Answer extends RawAnswer {
  json: () => unknown;
}

async function call(
  path: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Answer> {
  const answer = await rawRequest(`${base}/${path}`, options);
  const text = () => (answer.headers["content-encoding"] === "gzip" ? gunzipSync(answer.body) : answer.body).toString();
  return { ...answer, json: () => JSON.parse(text()) };
}

const listOf = (orgSlug: string) =>
  `connections.list?batch=1&input=${encodeURIComponent(JSON.stringify({ 0: { json: { orgSlug } } }))}`;

type Batch = {
  result?: { data: { json: { connections: unknown[] } } };
  error?: { json: { data: { code: string } } };
}[];

describe("tRPC before Next.js's router", () => {
  it("answers a signed-in person's list, with the headers of every API answer", async () => {
    const res = await call(listOf(home.org.slug), { headers: { cookie: ownerCookie } });
    expect(res.status).toBe(200);
    const [answer] = res.json() as Batch;
    expect(answer!.result!.data.json).toHaveLength(6);
    expect(res.headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.headers["x-request-id"]).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers["content-type"]).toMatch(/^application\/json/);
  });

  it("tells the browser the server's time for the answer: the session read within the whole", async () => {
    const started = performance.now();
    const res = await call(listOf(home.org.slug), { headers: { cookie: ownerCookie } });
    const roundTrip = performance.now() - started;
    const timing = /^session;desc="session read";dur=(\d+\.\d{2}), total;dur=(\d+\.\d{2})$/.exec(
      String(res.headers["server-timing"]),
    );
    expect(timing).not.toBeNull();
    const [session, total] = [Number(timing![1]), Number(timing![2])];
    expect(session).toBeGreaterThan(0);
    expect(total).toBeGreaterThan(session);
    expect(total).toBeLessThan(roundTrip);
  });

  it("reads the organization from the session's memberships: another organization's list is refused", async () => {
    const res = await call(listOf(other.org.slug), { headers: { cookie: ownerCookie } });
    const [answer] = res.json() as Batch;
    expect(answer!.result).toBeUndefined();
    expect(answer!.error!.json.data.code).toBe("FORBIDDEN");
  });

  it.each([
    ["no cookie", () => ({})],
    ["a forged cookie", () => ({ cookie: `${SESSION_COOKIE}=${"x".repeat(200)}` })],
    ["the cookie under another name", () => ({ cookie: ownerCookie.replace(SESSION_COOKIE, "next-auth.other") })],
  ])("refuses %s as signed out", async (_, headers: () => Record<string, string>) => {
    const res = await call(listOf(home.org.slug), { headers: headers() });
    expect(res.status).toBe(401);
    expect((res.json() as Batch)[0]!.error!.json.data.code).toBe("UNAUTHORIZED");
  });

  it("compresses a larger answer with gzip for a browser that accepts it; decoded, it is the same answer", async () => {
    const plain = await call(listOf(home.org.slug), { headers: { cookie: ownerCookie } });
    const zipped = await call(listOf(home.org.slug), {
      headers: { cookie: ownerCookie, "accept-encoding": "gzip, deflate, br" },
    });
    expect(plain.body.length).toBeGreaterThan(1024);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(zipped.headers["content-encoding"]).toBe("gzip");
    expect(zipped.headers["vary"]).toMatch(/, Accept-Encoding$/);
    expect(zipped.body.length).toBeLessThan(plain.body.length / 2);
    expect(zipped.json()).toEqual(plain.json());
  });

  it.each([
    ["on the event loop", COMPRESS_IN_LINE_UP_TO_BYTES],
    ["in the thread pool", COMPRESS_IN_LINE_UP_TO_BYTES + 1],
  ])("compresses an answer of the largest size %s to what gunzip reads back", async (_, size) => {
    const body = Buffer.from(JSON.stringify(Array.from({ length: size }, (_, i) => i)).slice(0, size), "utf8");
    expect(body.length).toBe(size);
    const zipped = await compressAnswer(body);
    expect(zipped.length).toBeLessThan(body.length / 2);
    expect(gunzipSync(zipped).equals(body)).toBe(true);
  });

  it("records the socket's address when no proxy named one, and the nearest proxy's entry otherwise", async () => {
    const ipOfSession = async () =>
      (await testDb().session.findUniqueOrThrow({ where: { id: ownerSessionId } })).ipAddress;
    await call(listOf(home.org.slug), { headers: { cookie: ownerCookie } });
    expect(await ipOfSession()).toBe("127.0.0.1");
    await call(listOf(home.org.slug), {
      headers: { cookie: ownerCookie, "x-forwarded-for": "192.0.2.7, 203.0.113.9" },
    });
    expect(await ipOfSession()).toBe("203.0.113.9");
  });

  it("takes a mutation's body, and refuses one past the limit", async () => {
    const invite = JSON.stringify({
      0: { json: { orgSlug: home.org.slug, email: "lane@test.example", role: "MEMBER" } },
    });
    const res = await call("orgs.invite?batch=1", {
      method: "POST",
      headers: { cookie: ownerCookie, "content-type": "application/json" },
      body: invite,
    });
    expect(res.status).toBe(200);
    const invitations = await testDb().invitation.findMany({ where: { organizationId: home.org.id } });
    expect(invitations.map((i) => i.email)).toEqual(["lane@test.example"]);

    const tooLarge = await call("orgs.invite?batch=1", {
      method: "POST",
      headers: { cookie: ownerCookie, "content-type": "application/json" },
      body: Buffer.alloc(MAX_TRPC_BODY_BYTES + 1, 0x20),
    });
    expect(tooLarge.status).toBe(413);
  });
});
