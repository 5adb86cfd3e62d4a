import type { AccessCases, AccessWorld } from "@/server/testing/access-cases";
import { ingestBankTransactions } from "../ingest";
import { bankTransaction, createBooks, daysAgo } from "./books";

// A fresh bank account of `home` with one feed transaction, for every call: the procedures
// change rows, and each actor should meet one it may act on.
async function homeFeed(w: AccessWorld, organizationId = w.home.org.id) {
  const books = await createBooks(w.db, organizationId);
  const transaction = bankTransaction({
    postedDate: daysAgo(3),
    amountCents: -1_234,
    description: "ACCESS CASE VENDOR",
  });
  await ingestBankTransactions(w.db, {
    organizationId,
    bankAccountId: books.bankAccountId,
    transactions: [transaction],
  });
  const row = await w.db.feedTransaction.findFirstOrThrow({
    where: { bankAccountId: books.bankAccountId },
    select: { id: true },
  });
  return { bankAccountId: books.bankAccountId, transactionIds: [row.id] };
}

const read = { kind: "org", permission: "org.read" } as const;
const write = { kind: "org", permission: "books.write" } as const;
const settings = { kind: "org", permission: "settings.manage" } as const;

/** A Hide all batch of `home` holding its one row, for Un-hide all. */
async function homeBatch(w: AccessWorld) {
  const { bankAccountId, transactionIds } = await homeFeed(w);
  const batch = await w.db.feedHideBatch.create({
    data: {
      organizationId: w.home.org.id,
      bankAccountId,
      kind: "HIDE_ALL",
      actorUserId: w.home.users.OWNER.id,
      hiddenCount: 1,
    },
    select: { id: true },
  });
  await w.db.feedTransaction.updateMany({
    where: { id: { in: transactionIds } },
    data: { state: "HIDDEN", hiddenAt: new Date(), hideBatchId: batch.id },
  });
  return batch.id;
}

const selection = (w: AccessWorld) =>
  homeFeed(w).then(({ transactionIds }) => ({ orgSlug: w.home.org.slug, transactionIds }));
const foreignSelection = (w: AccessWorld) =>
  homeFeed(w).then(({ transactionIds }) => ({ orgSlug: w.other.org.slug, transactionIds }));
/** Home's own row and one of another organization's, in one selection. */
const mixedSelection = async (w: AccessWorld) => {
  const [own, foreign] = await Promise.all([homeFeed(w), homeFeed(w, w.other.org.id)]);
  return { orgSlug: w.home.org.slug, transactionIds: [...own.transactionIds, ...foreign.transactionIds] };
};
const account = (w: AccessWorld) =>
  homeFeed(w).then(({ bankAccountId }) => ({ orgSlug: w.home.org.slug, bankAccountId }));
const foreignAccount = (w: AccessWorld) =>
  homeFeed(w).then(({ bankAccountId }) => ({ orgSlug: w.other.org.slug, bankAccountId }));

export const feedAccessCases: AccessCases = {
  "feed.accounts": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "feed.list": { access: read, input: account, foreignIdsInput: foreignAccount },
  "feed.hide": { access: write, input: selection, foreignIdsInput: foreignSelection, mixedIdsInput: mixedSelection },
  "feed.unhide": { access: write, input: selection, foreignIdsInput: foreignSelection, mixedIdsInput: mixedSelection },
  "feed.notDuplicate": {
    access: write,
    input: selection,
    foreignIdsInput: foreignSelection,
    mixedIdsInput: mixedSelection,
  },
  "feed.import": { access: write, input: selection, foreignIdsInput: foreignSelection, mixedIdsInput: mixedSelection },
  "feed.importAllNew": { access: write, input: account, foreignIdsInput: foreignAccount },
  "feed.hideAll": {
    access: write,
    input: (w) => account(w).then((input) => ({ ...input, expectedCount: 1 })),
    foreignIdsInput: (w) => foreignAccount(w).then((input) => ({ ...input, expectedCount: 1 })),
  },
  "feed.hideBatches": { access: read, input: account, foreignIdsInput: foreignAccount },
  "feed.unhideBatch": {
    access: write,
    input: (w) => homeBatch(w).then((batchId) => ({ orgSlug: w.home.org.slug, batchId })),
    foreignIdsInput: (w) => homeBatch(w).then((batchId) => ({ orgSlug: w.other.org.slug, batchId })),
  },
  "feed.returnedDuplicates": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "feed.settings": { access: read, input: (w) => ({ orgSlug: w.home.org.slug }) },
  "feed.updateSettings": {
    access: settings,
    input: (w) => ({ orgSlug: w.home.org.slug, autoHideSureDuplicates: false }),
  },
};
