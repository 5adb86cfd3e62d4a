import { beforeAll, describe, expect, it } from "vitest";
import { ingestBankTransactions } from "@/server/feed/ingest";
import { importAllNew } from "@/server/feed/review";
import { bankTransaction, createBooks, daysAgo } from "@/server/feed/testing/books";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";

// A register's count and balance are kept by the database as entries are written (not summed on
// every read): whatever writes the entries, the register list and a page's balances must agree with
// the entries themselves.

let fx: OrgFixture;
const db = () => testDb();
const viewer = () => callerFor(db(), fx.users.VIEWER);
const member = () => callerFor(db(), fx.users.MEMBER);

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Register totals");
});

/** The register as the list shows it, beside its entries summed. */
async function shownAndSummed(registerId: string) {
  const shown = (await viewer().register.list({ orgSlug: fx.org.slug })).find((r) => r.id === registerId)!;
  const summed = await db().registerEntry.aggregate({
    where: { registerId },
    _count: true,
    _sum: { amountCents: true },
  });
  return {
    shown: { entryCount: shown.entryCount, balanceCents: shown.balanceCents },
    summed: { entryCount: summed._count, balanceCents: summed._sum.amountCents ?? 0 },
  };
}

async function expectAgreement(registerId: string, expected: { entryCount: number; balanceCents: number }) {
  const { shown, summed } = await shownAndSummed(registerId);
  expect(summed).toEqual(expected);
  expect(shown).toEqual(expected);
}

describe("register totals", () => {
  it("follow entries typed by hand, imported from the feed, changed, moved and removed", async () => {
    const books = await createBooks(db(), fx.org.id, { accountName: "Totals checking" });
    const other = await createBooks(db(), fx.org.id, { accountName: "Totals savings" });
    await expectAgreement(books.registerId, { entryCount: 0, balanceCents: 0 });

    for (const amountCents of [120_000, -4_550, -1_999]) {
      await member().register.addEntry({
        orgSlug: fx.org.slug,
        registerId: books.registerId,
        date: "2026-03-02",
        description: `Typed ${amountCents}`,
        amountCents,
      });
    }
    await expectAgreement(books.registerId, { entryCount: 3, balanceCents: 113_451 });

    // The feed's import writes many entries in one statement.
    await ingestBankTransactions(db(), {
      organizationId: fx.org.id,
      bankAccountId: books.bankAccountId,
      transactions: [
        bankTransaction({ postedDate: daysAgo(3), amountCents: -2_500, description: "Totals coffee" }),
        bankTransaction({ postedDate: daysAgo(2), amountCents: 50_000, description: "Totals grant" }),
        bankTransaction({ postedDate: daysAgo(1), amountCents: -12_345, description: "Totals rent" }),
      ],
    });
    await importAllNew(db(), {
      organizationId: fx.org.id,
      actorUserId: fx.users.MEMBER.id,
      bankAccountId: books.bankAccountId,
    });
    await expectAgreement(books.registerId, { entryCount: 6, balanceCents: 148_606 });

    // A corrected amount, and an update that changes no amount (a match's clearing).
    const typed = await db().registerEntry.findFirstOrThrow({
      where: { registerId: books.registerId, description: "Typed -4550" },
      select: { id: true },
    });
    await db().registerEntry.update({ where: { id: typed.id }, data: { amountCents: -5_450 } });
    await db().registerEntry.updateMany({ where: { registerId: books.registerId }, data: { clearedAt: new Date() } });
    await expectAgreement(books.registerId, { entryCount: 6, balanceCents: 147_706 });

    // Moved to another register: one loses it, the other gains it.
    await db().registerEntry.update({ where: { id: typed.id }, data: { registerId: other.registerId } });
    await expectAgreement(books.registerId, { entryCount: 5, balanceCents: 153_156 });
    await expectAgreement(other.registerId, { entryCount: 1, balanceCents: -5_450 });

    await db().registerEntry.deleteMany({ where: { registerId: books.registerId, amountCents: { lt: 0 } } });
    await expectAgreement(books.registerId, { entryCount: 2, balanceCents: 170_000 });

    // The page's running balance reads the same total.
    const page = await viewer().register.entries({ orgSlug: fx.org.slug, registerId: books.registerId, pageSize: 10 });
    expect(page.total).toBe(2);
    expect(page.rows[0]!.balanceCents).toBe(170_000);
    expect(page.rows.at(-1)!.balanceCents).toBe(page.rows.at(-1)!.amountCents);
  });

  it("stay right when two people write to one register at the same time", async () => {
    const books = await createBooks(db(), fx.org.id, { accountName: "Totals busy" });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        member().register.addEntry({
          orgSlug: fx.org.slug,
          registerId: books.registerId,
          date: "2026-04-01",
          description: `Busy ${i}`,
          amountCents: (i + 1) * 100,
        }),
      ),
    );
    await expectAgreement(books.registerId, { entryCount: 12, balanceCents: 7_800 });
  });
});
