import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { importAllNew } from "@/server/feed/review";
import { bankTransaction, createBooks } from "@/server/feed/testing/books";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";

// The register through its procedures: running balance across pages and filters, the source of
// imported entries, and entries added by hand with their validation.

let fx: OrgFixture;
const db = () => testDb();
const member = () => callerFor(db(), fx.users.MEMBER);
const viewer = () => callerFor(db(), fx.users.VIEWER);
const org = () => ({ orgSlug: fx.org.slug });

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Register");
});

async function registerWith(amounts: number[]) {
  const books = await createBooks(db(), fx.org.id, { accountName: "Operating checking" });
  for (const [at, amountCents] of amounts.entries()) {
    const day = String(1 + at).padStart(2, "0");
    await member().register.addEntry({
      ...org(),
      registerId: books.registerId,
      date: `2026-03-${day}`,
      description: `Entry ${at + 1}`,
      amountCents,
    });
  }
  return books;
}

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  return promise.then(
    () => null,
    (err: unknown) => (err instanceof TRPCError ? err.code : String(err)),
  );
}

describe("register entries", () => {
  it("shows the balance after each entry, newest first", async () => {
    const amounts = [100_000, -2_500, -7_250, 30_000, -1_999, -50_000, 12_345];
    const books = await registerWith(amounts);
    const all = await viewer().register.entries({ ...org(), registerId: books.registerId, pageSize: 10 });
    expect(all.total).toBe(7);
    expect(all.rows.map((r) => r.description)).toEqual([
      "Entry 7",
      "Entry 6",
      "Entry 5",
      "Entry 4",
      "Entry 3",
      "Entry 2",
      "Entry 1",
    ]);
    let running = 0;
    const expected = amounts.map((a) => (running += a)).reverse();
    expect(all.rows.map((r) => r.balanceCents)).toEqual(expected);

    const paged = await viewer().register.entries({ ...org(), registerId: books.registerId, page: 2, pageSize: 10 });
    expect(paged.rows).toEqual([]);
  });

  it("pages of ten in a larger register continue the balance from the previous page", async () => {
    const amounts = Array.from({ length: 23 }, (_, at) => (at % 3 === 0 ? 5_000 : -1_000 - at));
    const books = await registerWith(amounts);
    const first = await viewer().register.entries({ ...org(), registerId: books.registerId, page: 1, pageSize: 10 });
    const second = await viewer().register.entries({ ...org(), registerId: books.registerId, page: 2, pageSize: 10 });
    const third = await viewer().register.entries({ ...org(), registerId: books.registerId, page: 3, pageSize: 10 });
    const rows = [...first.rows, ...second.rows, ...third.rows];
    expect(rows).toHaveLength(23);
    for (let at = 0; at < rows.length - 1; at++) {
      expect(rows[at]!.balanceCents - rows[at]!.amountCents).toBe(rows[at + 1]!.balanceCents);
    }
    expect(rows[rows.length - 1]!.balanceCents).toBe(amounts[0]);
    expect(rows[0]!.balanceCents).toBe(amounts.reduce((a, b) => a + b, 0));
  });

  it("keeps the balances of one day's entries in their order, from the top page to the pages after it", async () => {
    const books = await createBooks(db(), fx.org.id, { accountName: "Operating checking" });
    const amounts = Array.from({ length: 24 }, (_, at) => (at % 4 === 0 ? 10_000 + at : -(250 + at * 7)));
    for (const [at, amountCents] of amounts.entries()) {
      await member().register.addEntry({
        ...org(),
        registerId: books.registerId,
        date: "2026-04-15",
        description: `Same day ${at + 1}`,
        amountCents,
      });
    }
    const input = { ...org(), registerId: books.registerId, pageSize: 10 };
    const top = await viewer().register.entries({ ...input, page: 1 });
    const second = await viewer().register.entries({ ...input, page: 2, after: top.nextCursor });
    const third = await viewer().register.entries({ ...input, page: 3, after: second.nextCursor });
    const rows = [...top.rows, ...second.rows, ...third.rows];
    expect(rows.map((r) => r.description)).toEqual(amounts.map((_, at) => `Same day ${at + 1}`).reverse());
    let running = 0;
    expect(rows.map((r) => r.balanceCents)).toEqual(amounts.map((a) => (running += a)).reverse());
    expect((await viewer().register.entries({ ...input, page: 2 })).rows).toEqual(second.rows);
  });

  it("filters by date and text without changing the running balance", async () => {
    const books = await registerWith([100_000, -2_500, -7_250, 30_000]);
    const byDate = await viewer().register.entries({
      ...org(),
      registerId: books.registerId,
      from: "2026-03-02",
      to: "2026-03-03",
    });
    expect(byDate.rows.map((r) => [r.description, r.balanceCents])).toEqual([
      ["Entry 3", 90_250],
      ["Entry 2", 97_500],
    ]);
    const byText = await viewer().register.entries({ ...org(), registerId: books.registerId, text: "entry 4" });
    expect(byText.rows.map((r) => [r.description, r.balanceCents])).toEqual([["Entry 4", 120_250]]);
    const byAmount = await viewer().register.entries({ ...org(), registerId: books.registerId, text: "72.50" });
    expect(byAmount.rows.map((r) => r.description)).toEqual(["Entry 3"]);
    expect((await viewer().register.entries({ ...org(), registerId: books.registerId, text: "100%" })).total).toBe(0);
  });

  it("shows where imported entries came from and who added the others", async () => {
    const books = await registerWith([4_200]);
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: books.bankAccountId,
      transactions: [bankTransaction({ postedDate: "2026-03-05", amountCents: -999, description: "ZOOM.US" })],
    });
    await importAllNew(db(), {
      organizationId: fx.org.id,
      actorUserId: fx.users.MEMBER.id,
      bankAccountId: books.bankAccountId,
    });
    const { rows } = await viewer().register.entries({ ...org(), registerId: books.registerId });
    expect(rows[0]).toMatchObject({
      description: "ZOOM.US",
      source: "IMPORT",
      importedFrom: {
        accountName: "Operating checking",
        accountMask: "1234",
        institutionName: "Sandbox Bank (Personal)",
      },
    });
    expect(rows[1]).toMatchObject({ source: "MANUAL", importedFrom: null, createdByName: fx.users.MEMBER.name });
    const registers = await viewer().register.list(org());
    expect(registers.find((r) => r.id === books.registerId)).toMatchObject({ entryCount: 2, balanceCents: 3_201 });
  });
});

describe("adding an entry by hand", () => {
  it("stores date, description, amount and check number", async () => {
    const books = await createBooks(db(), fx.org.id);
    const entry = await member().register.addEntry({
      ...org(),
      registerId: books.registerId,
      date: "2026-02-28",
      description: "  Joe's Plumbing  ",
      amountCents: -15_000,
      checkNumber: "1044",
    });
    expect(entry).toMatchObject({
      date: "2026-02-28",
      description: "Joe's Plumbing",
      amountCents: -15_000,
      checkNumber: "1044",
    });
    const stored = await db().registerEntry.findUniqueOrThrow({ where: { id: entry.id } });
    expect(stored).toMatchObject({ source: "MANUAL", createdById: fx.users.MEMBER.id, registerId: books.registerId });
  });

  it.each([
    ["a date that does not exist", { date: "2026-02-30" }],
    ["a date far in the future", { date: "2999-01-01" }],
    ["an empty description", { description: "   " }],
    ["an amount of zero", { amountCents: 0 }],
    ["fractions of a cent", { amountCents: 10.5 }],
    ["an amount too large for the books", { amountCents: 1_000_000_000 }],
    ["a check number with letters", { checkNumber: "12a" }],
  ])("refuses %s", async (_name, change) => {
    const books = await createBooks(db(), fx.org.id);
    const valid = {
      ...org(),
      registerId: books.registerId,
      date: "2026-03-01",
      description: "Deposit",
      amountCents: 1_000,
      checkNumber: null,
    };
    expect(await codeOf(member().register.addEntry({ ...valid, ...change }))).toBe("BAD_REQUEST");
    expect(await db().registerEntry.count({ where: { registerId: books.registerId } })).toBe(0);
  });

  it("is not open to viewers, nor to another organization's register", async () => {
    const books = await createBooks(db(), fx.org.id);
    const valid = {
      ...org(),
      registerId: books.registerId,
      date: "2026-03-01",
      description: "Deposit",
      amountCents: 1_000,
    };
    expect(await codeOf(viewer().register.addEntry(valid))).toBe("FORBIDDEN");
    const stranger = await createOrgWithMembers(db(), "Stranger");
    expect(
      await codeOf(callerFor(db(), stranger.users.OWNER).register.addEntry({ ...valid, orgSlug: stranger.org.slug })),
    ).toBe("NOT_FOUND");
  });
});
