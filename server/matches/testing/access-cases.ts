import { ingestBankTransactions } from "@/server/feed/ingest";
import { bankTransaction, createBooks, daysAgo } from "@/server/feed/testing/books";
import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";

const write = { kind: "org", permission: "books.write" } as const;

// A fresh bank row of `home` and an entry typed by hand in the register its account posts to, for every call.
async function homeRowAndEntry(w: AccessWorld) {
  const books = await createBooks(w.db, w.home.org.id);
  await ingestBankTransactions(w.db, {
    organizationId: w.home.org.id,
    bankAccountId: books.bankAccountId,
    transactions: [bankTransaction({ postedDate: daysAgo(2), amountCents: -7_777, description: "ACCESS CASE PAYEE" })],
  });
  const row = await w.db.feedTransaction.findFirstOrThrow({
    where: { bankAccountId: books.bankAccountId },
    select: { id: true },
  });
  const entry = await w.db.registerEntry.create({
    data: {
      organizationId: w.home.org.id,
      registerId: books.registerId,
      date: new Date(`${daysAgo(4)}T00:00:00Z`),
      amountCents: -7_777,
      description: "Typed",
      source: "MANUAL",
    },
    select: { id: true },
  });
  return { transactionId: row.id, entryId: entry.id };
}

export const matchesAccessCases: AccessCases = {
  "matches.link": {
    access: write,
    input: async (w) => ({ orgSlug: w.home.org.slug, ...(await homeRowAndEntry(w)), byHand: true }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, ...(await homeRowAndEntry(w)), byHand: true }),
  },
  "matches.search": {
    access: write,
    input: async (w) => ({ orgSlug: w.home.org.slug, transactionId: (await homeRowAndEntry(w)).transactionId }),
    foreignIdsInput: async (w) => ({
      orgSlug: w.other.org.slug,
      transactionId: (await homeRowAndEntry(w)).transactionId,
    }),
  },
  "matches.undo": {
    access: write,
    input: async (w) => ({ orgSlug: w.home.org.slug, entryId: (await homeRowAndEntry(w)).entryId }),
    foreignIdsInput: async (w) => ({ orgSlug: w.other.org.slug, entryId: (await homeRowAndEntry(w)).entryId }),
  },
};
