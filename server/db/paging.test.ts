import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { bankTransaction, createBooks, type Books } from "@/server/feed/testing/books";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { MAX_OFFSET_ROWS } from "./paging";

// Long lists are read from the key of the page before, deep pages by number alone are
// refused, and a text search means its % and _ literally.

let fx: OrgFixture;
let books: Books;
const viewer = () => callerFor(testDb(), fx.users.VIEWER);
const member = () => callerFor(testDb(), fx.users.MEMBER);

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Paging");
  books = await createBooks(testDb(), fx.org.id);
  const transactions = Array.from({ length: 45 }, (_, i) =>
    bankTransaction({
      amountCents: -(100 + i),
      postedDate: `2026-02-${String(1 + (i % 20)).padStart(2, "0")}`,
      description: i === 7 ? "Dues 10% off" : i === 8 ? "Dues 10 and more" : `Shop_${i}`,
    }),
  );
  await ingestBankTransactions(testDb(), {
    organizationId: fx.org.id,
    bankAccountId: books.bankAccountId,
    transactions,
  });
  for (let i = 0; i < 25; i++) {
    await member().register.addEntry({
      orgSlug: fx.org.slug,
      registerId: books.registerId,
      date: `2026-03-${String(1 + (i % 5)).padStart(2, "0")}`,
      description: i === 3 ? "Grant_2026" : `Grant ${i}`,
      amountCents: 1000 + i,
    });
  }
});

async function codeOf(promise: Promise<unknown>) {
  return promise.then(
    () => null,
    (err: unknown) => (err instanceof TRPCError ? err.code : String(err)),
  );
}

describe("paging long lists", () => {
  it("reads the feed page after page from the key of the page before, the same rows an offset would give", async () => {
    const input = { orgSlug: fx.org.slug, bankAccountId: books.bankAccountId, view: "all" as const, pageSize: 10 };
    const byOffset: string[] = [];
    for (let page = 1; page <= 5; page++)
      byOffset.push(...(await viewer().feed.list({ ...input, page })).rows.map((r) => r.id));
    const byKey: string[] = [];
    let after: string | null = null;
    for (let page = 1; page <= 5; page++) {
      const result: Awaited<ReturnType<ReturnType<typeof viewer>["feed"]["list"]>> = await viewer().feed.list({
        ...input,
        page,
        after,
      });
      byKey.push(...result.rows.map((r) => r.id));
      after = result.nextCursor;
      if (page === 5) expect(after).toBeNull();
    }
    expect(byKey).toHaveLength(45);
    expect(byKey).toEqual(byOffset);
  });

  it("reads the register from the key of the page before, balances included", async () => {
    const input = { orgSlug: fx.org.slug, registerId: books.registerId, pageSize: 10 };
    const first = await viewer().register.entries({ ...input, page: 1 });
    const second = await viewer().register.entries({ ...input, page: 2, after: first.nextCursor });
    expect(second.rows).toEqual((await viewer().register.entries({ ...input, page: 2 })).rows);
    const third = await viewer().register.entries({ ...input, page: 3, after: second.nextCursor });
    expect(third.rows).toHaveLength(5);
    expect(third.nextCursor).toBeNull();
  });

  it("refuses a deep page asked by number alone, and a key that is not one", async () => {
    const deep = Math.floor(MAX_OFFSET_ROWS / 200) + 2;
    expect(
      await codeOf(
        viewer().feed.list({ orgSlug: fx.org.slug, bankAccountId: books.bankAccountId, page: deep, pageSize: 200 }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        viewer().register.entries({ orgSlug: fx.org.slug, registerId: books.registerId, page: deep, pageSize: 200 }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        viewer().feed.list({ orgSlug: fx.org.slug, bankAccountId: books.bankAccountId, page: 2, after: "x' OR 1=1" }),
      ),
    ).toBe("BAD_REQUEST");
    expect(
      await codeOf(
        viewer().register.entries({
          orgSlug: fx.org.slug,
          registerId: books.registerId,
          page: 2,
          after: "2026-01-01_nope",
        }),
      ),
    ).toBe("BAD_REQUEST");
  });

  it("searches for % and _ literally", async () => {
    const feed = await viewer().feed.list({
      orgSlug: fx.org.slug,
      bankAccountId: books.bankAccountId,
      view: "all",
      text: "10%",
    });
    expect(feed.rows.map((r) => r.description)).toEqual(["Dues 10% off"]);
    // Unescaped, "es_1" would find "Dues 10% off" and "t_2" every "Grant 2…".
    const underscore = await viewer().feed.list({
      orgSlug: fx.org.slug,
      bankAccountId: books.bankAccountId,
      view: "all",
      text: "es_1",
    });
    expect(underscore.rows).toEqual([]);
    const register = await viewer().register.entries({
      orgSlug: fx.org.slug,
      registerId: books.registerId,
      text: "t_2",
    });
    expect(register.rows.map((r) => r.description)).toEqual(["Grant_2026"]);
  });
});
