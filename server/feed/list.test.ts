import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { ingestBankTransactions } from "./ingest";
import { bankTransaction, createBooks, relinked, type Books } from "./testing/books";

// The bank feed through its procedures: accounts with their counts, pages, filters, and what a
// flagged row says about its match.

let fx: OrgFixture;
let books: Books;
const db = () => testDb();
const viewer = () => callerFor(db(), fx.users.VIEWER);
const member = () => callerFor(db(), fx.users.MEMBER);
const org = () => ({ orgSlug: fx.org.slug });

const day = (n: number) => `2026-04-${String(n).padStart(2, "0")}`;

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Feed list");
  books = await createBooks(db(), fx.org.id, { accountName: "Main checking" });
  const transactions = Array.from({ length: 30 }, (_, at) =>
    bankTransaction({
      postedDate: day(1 + (at % 28)),
      amountCents: -(500 + at * 100),
      description: at % 2 ? `COFFEE SHOP ${at}` : `HARDWARE STORE ${at}`,
    }),
  );
  await ingestBankTransactions(db(), { organizationId: fx.org.id, bankAccountId: books.bankAccountId, transactions });
});

describe("bank feed list", () => {
  it("lists the accounts with their counts", async () => {
    const accounts = await viewer().feed.accounts(org());
    expect(accounts.find((a) => a.id === books.bankAccountId)).toMatchObject({
      name: "Main checking",
      mask: "1234",
      institutionName: "Sandbox Bank (Personal)",
      removed: false,
      register: { id: books.registerId },
      counts: { new: 30, flagged: 0, hidden: 0, imported: 0 },
    });
  });

  it("pages newest first without losing or repeating a row", async () => {
    const pages = await Promise.all(
      [1, 2, 3].map((page) => viewer().feed.list({ ...org(), bankAccountId: books.bankAccountId, page, pageSize: 10 })),
    );
    expect(pages.map((p) => p.total)).toEqual([30, 30, 30]);
    const rows = pages.flatMap((p) => p.rows);
    expect(new Set(rows.map((r) => r.id)).size).toBe(30);
    const dates = rows.map((r) => r.date);
    expect([...dates].sort().reverse()).toEqual(dates);
  });

  it("filters by date range, text, amount and state", async () => {
    const list = (filters: object) =>
      viewer().feed.list({ ...org(), bankAccountId: books.bankAccountId, pageSize: 50, ...filters });
    const ranged = await list({ from: day(3), to: day(4) });
    expect(ranged.rows.every((r) => r.date >= day(3) && r.date <= day(4))).toBe(true);
    expect(ranged.total).toBe(2);
    expect((await list({ text: "coffee" })).total).toBe(15);
    expect((await list({ text: "5.00" })).rows.map((r) => r.amountCents)).toEqual([-500]);
    expect((await list({ view: "hidden" })).total).toBe(0);
    expect((await list({ view: "imported" })).total).toBe(0);
  });

  it("each view lists exactly the rows in its states", async () => {
    const own = await createBooks(db(), fx.org.id);
    const rows = Array.from({ length: 8 }, (_, at) =>
      bankTransaction({ postedDate: day(1 + at), amountCents: -(1_000 + at * 111), description: `VIEW TEST ${at}` }),
    );
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: own.bankAccountId,
      transactions: rows,
    });
    const listed = (await viewer().feed.list({ ...org(), bankAccountId: own.bankAccountId, view: "all", pageSize: 50 }))
      .rows;
    const idOf = (at: number) => listed.find((r) => r.description === `VIEW TEST ${at}`)!.id;
    await member().feed.import({ ...org(), transactionIds: [idOf(0), idOf(1)] });
    await member().feed.hide({ ...org(), transactionIds: [idOf(2)] });
    // The bank linked again brings back an imported row (flagged), the hidden one (stays
    // hidden) and one never reviewed (new again).
    const again = await createBooks(db(), fx.org.id, { registerId: own.registerId });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: again.bankAccountId,
      transactions: [relinked(rows[1]!), relinked(rows[2]!), relinked(rows[7]!)],
    });

    const views = ["review", "new", "flagged", "imported", "hidden", "all"] as const;
    const totals = async (bankAccountId: string) =>
      Object.fromEntries(
        await Promise.all(
          views.map(async (view) => [
            view,
            (await viewer().feed.list({ ...org(), bankAccountId, view, pageSize: 50 })).total,
          ]),
        ),
      );
    expect(await totals(own.bankAccountId)).toEqual({ review: 5, new: 5, flagged: 0, imported: 2, hidden: 1, all: 8 });
    expect(await totals(again.bankAccountId)).toEqual({
      review: 2,
      new: 1,
      flagged: 1,
      imported: 0,
      hidden: 1,
      all: 3,
    });
    const flagged = await viewer().feed.list({ ...org(), bankAccountId: again.bankAccountId, view: "flagged" });
    expect(flagged.rows.map((r) => r.description)).toEqual(["VIEW TEST 1"]);
  });

  it("names the register entry a flagged row matches, why, and with what score", async () => {
    const own = await createBooks(db(), fx.org.id);
    const original = bankTransaction({ postedDate: day(10), amountCents: -4_500, description: "SHELL OIL 57444" });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: own.bankAccountId,
      transactions: [original],
    });
    await member().feed.importAllNew({ ...org(), bankAccountId: own.bankAccountId });
    const again = await createBooks(db(), fx.org.id, { registerId: own.registerId });
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: again.bankAccountId,
      transactions: [relinked(original, { postedDate: day(11) })],
    });

    const flagged = await viewer().feed.list({ ...org(), bankAccountId: again.bankAccountId, view: "flagged" });
    expect(flagged.rows).toHaveLength(1);
    expect(flagged.rows[0]!.match).toMatchObject({
      kind: "register",
      date: day(10),
      description: "SHELL OIL 57444",
      amountCents: -4_500,
    });
    expect(flagged.rows[0]!.match!.score).toBeGreaterThan(0.5);
    expect(flagged.rows[0]!.match!.reasons).toEqual(
      expect.arrayContaining(["same amount", expect.stringMatching(/1 day/)]),
    );
  });

  it("does not list another organization's account", async () => {
    const stranger = await createOrgWithMembers(db(), "Stranger");
    const caller = callerFor(db(), stranger.users.OWNER);
    await expect(
      caller.feed.list({ orgSlug: stranger.org.slug, bankAccountId: books.bankAccountId }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await caller.feed.accounts({ orgSlug: stranger.org.slug })).toEqual([]);
  });
});
