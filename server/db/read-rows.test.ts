import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { checkSession, startSession } from "@/server/auth/sessions";
import { listConnections } from "@/server/connections/service";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { listFeed, listFeedAccounts } from "@/server/feed/list";
import { importTransactions } from "@/server/feed/review";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "@/server/feed/testing/books";
import { addEntry, listEntries, listRegisters } from "@/server/register/service";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { Prisma, readRows, type Db } from "./client";

// readRows sends the hot read statements (the session, the portal's lists) straight to the pool;
// whatever it reads must be what Prisma's $queryRaw reads, in whatever time zone the process runs.

const zone = process.env.TZ;
afterEach(() => {
  if (zone === undefined) delete process.env.TZ;
  else process.env.TZ = zone;
});

/** Runs `read` with the pool (readRows' own path) and in a transaction (Prisma's $queryRaw). */
async function bothWays<T>(read: (db: Db) => Promise<T>): Promise<{ direct: T; prisma: T }> {
  const db = testDb();
  const direct = await read(db);
  const prisma = await db.$transaction((tx) => read(tx as unknown as Db));
  return { direct, prisma };
}

describe("readRows", () => {
  it("reads each kind of column as Prisma does, timestamps as UTC instants even where the process is not in UTC", async () => {
    process.env.TZ = "America/New_York";
    const sent = new Date(Date.UTC(2026, 2, 8, 6, 30, 0, 123));
    const query = Prisma.sql`
      SELECT 'text' AS text, 7::int AS int, 9007199254740993::bigint AS big, true AS yes, NULL::text AS nothing,
        '2026-03-08 01:30:00.123'::timestamp(3) AS stamp, '2026-03-08 01:30:00.123+00'::timestamptz AS stampz,
        '2026-03-08'::date AS day, ${sent}::timestamp(3) AS "sentBack",
        json_build_object('a', 1, 'b', 'two', 'c', NULL) AS json, '[1, "x"]'::jsonb AS jsonb,
        ARRAY['a', 'b'] AS list, 'ADMIN'::"OrgRole" AS role`;
    const { direct, prisma } = await bothWays((db) => readRows<Record<string, unknown>>(db, query));
    expect(direct).toEqual(prisma);
    expect(direct[0]).toMatchObject({
      big: 9007199254740993n,
      stamp: new Date(Date.UTC(2026, 2, 8, 1, 30, 0, 123)),
      stampz: new Date(Date.UTC(2026, 2, 8, 1, 30, 0, 123)),
      day: new Date(Date.UTC(2026, 2, 8)),
      sentBack: sent,
      json: { a: 1, b: "two", c: null },
      role: "ADMIN",
    });
  });

  it("refuses a numeric column rather than read it differently from Prisma", async () => {
    await expect(readRows(testDb(), Prisma.sql`SELECT 1.5::numeric AS n`)).rejects.toThrow(/numeric/);
  });

  it("reads inside the caller's transaction when given one, and outside it otherwise", async () => {
    const db = testDb();
    const slug = `read-rows-${Date.now()}`;
    const seen = await db.$transaction(async (tx) => {
      await tx.organization.create({ data: { slug, name: "Inside a transaction" } });
      const find = Prisma.sql`SELECT slug FROM "Organization" WHERE slug = ${slug}`;
      return { inside: await readRows(tx, find), outside: await readRows(db, find) };
    });
    expect(seen).toEqual({ inside: [{ slug }], outside: [] });
    await db.organization.delete({ where: { slug } });
  });
});

describe("the statements read through readRows", () => {
  let home: OrgFixture;
  let books: Books;

  beforeAll(async () => {
    const db = testDb();
    home = await createOrgWithMembers(db, "Read rows");
    books = await createBooks(db, home.org.id);
    const owner = home.users.OWNER.id;
    const coffee = bankTransaction({ postedDate: daysAgo(3), amountCents: -450, description: "COFFEE ROASTERS" });
    const rent = bankTransaction({ postedDate: daysAgo(5), amountCents: -120_000, description: "RENT MARCH" });
    const gift = bankTransaction({ postedDate: daysAgo(6), amountCents: 25_000, description: "GIFT" });
    await ingestBankTransactions(db, {
      organizationId: home.org.id,
      bankAccountId: books.bankAccountId,
      transactions: [coffee, rent, gift],
    });
    const rows = await db.feedTransaction.findMany({
      where: { bankAccountId: books.bankAccountId, description: { in: ["COFFEE ROASTERS", "RENT MARCH"] } },
      select: { id: true },
    });
    await importTransactions(db, {
      organizationId: home.org.id,
      actorUserId: owner,
      transactionIds: rows.map((r) => r.id),
    });
    await addEntry(db, {
      organizationId: home.org.id,
      actorUserId: owner,
      registerId: books.registerId,
      date: daysAgo(6),
      description: "Gift from a donor",
      amountCents: 25_000,
    });
    // The bank removed and added again: the same coffee comes back as a possible duplicate.
    await ingestBankTransactions(db, {
      organizationId: home.org.id,
      bankAccountId: books.bankAccountId,
      transactions: [relinked(coffee)],
    });
  });

  it("gives every portal list the same answer as Prisma's $queryRaw", async () => {
    const org = home.org.id;
    const feed = { bankAccountId: books.bankAccountId, page: 1, pageSize: 50 };
    const reads: Record<string, (db: Db) => Promise<unknown>> = {
      "feed.accounts": (db) => listFeedAccounts(db, org),
      "feed.list review": (db) => listFeed(db, org, { ...feed, view: "review" }),
      "feed.list all": (db) => listFeed(db, org, { ...feed, view: "all" }),
      "register.list": (db) => listRegisters(db, org),
      "register.entries": (db) => listEntries(db, org, { registerId: books.registerId, page: 1, pageSize: 50 }),
      "connections.list": (db) => listConnections(db, org),
    };
    for (const [name, read] of Object.entries(reads)) {
      const { direct, prisma } = await bothWays(read);
      expect(direct, name).toEqual(prisma);
    }
    const all = await listFeed(testDb(), org, { ...feed, view: "all" });
    expect(all.rows.length, "the feed holds the three retrieved and the returned coffee").toBe(4);
    const entries = await listEntries(testDb(), org, { registerId: books.registerId, page: 1, pageSize: 50 });
    expect(entries.rows.map((row) => row.balanceCents)).toEqual([-95_450, -95_000, 25_000]);
  });

  it("reads a session, its person and memberships as Prisma does", async () => {
    const db = testDb();
    const { token } = await startSession(db, { userId: home.users.ADMIN.id, ipAddress: "127.0.0.1", userAgent: null });
    const { direct, prisma } = await bothWays((client) => checkSession(client, token));
    expect(direct).toEqual(prisma);
    expect(direct).toMatchObject({
      kind: "active",
      user: { id: home.users.ADMIN.id },
      memberships: [{ role: "ADMIN", organization: { id: home.org.id } }],
    });
  });
});
