import { TRPCError } from "@trpc/server";
import { beforeAll, describe, expect, it } from "vitest";
import type { Transaction } from "@/server/aggregator/client";
import { removeConnection } from "@/server/connections/engine";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import {
  callerFor,
  createOrgWithMembers,
  testAddressOf,
  testAggregator,
  type OrgFixture,
} from "@/server/testing/fixtures";
import { ingestBankTransactions } from "./ingest";
import { importAllNew, importTransactions } from "./review";
import { bankTransaction, createBooks, daysAgo, relinked, type Books } from "./testing/books";

// Reviewing after a re-link on a real database and through the procedures: Hide all possible
// duplicates (every page, the filters respected, one audited batch), Un-hide all of exactly
// that batch, Import that asks first, the organization's automatic hiding of sure duplicates,
// and the count Manage Institutions shows.

let fx: OrgFixture;
let other: OrgFixture;
const db = () => testDb();
const as = (role: keyof OrgFixture["users"]) => callerFor(db(), fx.users[role]);
const orgSlug = () => fx.org.slug;

beforeAll(async () => {
  fx = await createOrgWithMembers(db(), "Feed hide all");
  other = await createOrgWithMembers(db(), "Feed hide all other");
});

/** `count` distinct transactions, one every day back from yesterday. */
function history(count: number): Transaction[] {
  return Array.from({ length: count }, (_, at) =>
    bankTransaction({
      postedDate: daysAgo(1 + at),
      amountCents: -(1_000 + at * 113),
      description: `VENDOR ${String.fromCharCode(65 + (at % 26))}${at} SUPPLIES`,
    }),
  );
}

async function relink(books: Books): Promise<Books> {
  await removeConnection(
    { db: db(), aggregator: testAggregator(), log },
    { organizationId: fx.org.id, connectionId: books.connectionId, actorUserId: fx.users.OWNER.id },
  );
  return createBooks(db(), fx.org.id, { registerId: books.registerId });
}

/**
 * An account whose history of `count` transactions is in the books, removed and linked again:
 * every transaction comes back flagged (a few five to seven days later, so both tiers), plus `fresh`
 * transactions the books do not have.
 */
async function afterRelink(count: number, fresh = 3) {
  const first = await createBooks(db(), fx.org.id);
  const transactions = history(count);
  await ingestBankTransactions(db(), { organizationId: fx.org.id, bankAccountId: first.bankAccountId, transactions });
  await importAllNew(db(), {
    organizationId: fx.org.id,
    actorUserId: fx.users.MEMBER.id,
    bankAccountId: first.bankAccountId,
  });
  const books = await relink(first);
  const back = transactions.map((t, at) =>
    relinked(t, at % 13 === 6 ? { postedDate: daysAgo(6 + at + (at % 3)) } : {}),
  );
  const news = Array.from({ length: fresh }, (_, at) =>
    bankTransaction({ postedDate: daysAgo(2 + at), amountCents: -(77_700 + at), description: `BRAND NEW ${at}` }),
  );
  await ingestBankTransactions(db(), {
    organizationId: fx.org.id,
    bankAccountId: books.bankAccountId,
    transactions: [...back, ...news],
  });
  return books;
}

const statesOf = async (books: Books) =>
  new Map(
    (
      await db().feedTransaction.findMany({
        where: { bankAccountId: books.bankAccountId },
        select: { id: true, state: true },
      })
    ).map((r) => [r.id, r.state]),
  );

const countStates = (states: Map<string, string>) => {
  const counts: Record<string, number> = {};
  for (const state of states.values()) counts[state] = (counts[state] ?? 0) + 1;
  return counts;
};

async function errorOf(promise: Promise<unknown>) {
  const error = await promise.then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("Hide all possible duplicates", () => {
  it("hides every flagged row on every page that the filters let through, as one audited batch; Un-hide all brings exactly that batch back", async () => {
    const books = await afterRelink(130);
    const account = { orgSlug: orgSlug(), bankAccountId: books.bankAccountId };
    const before = await statesOf(books);
    const counts = countStates(before);
    expect(counts).toMatchObject({ NEW: 3 });
    expect(counts.DUPLICATE! + counts.POSSIBLE_DUPLICATE!).toBe(130);
    expect(counts.POSSIBLE_DUPLICATE).toBeGreaterThan(0);
    const neighbour = await afterRelink(5, 0);

    // The last 60 days only: what the list counts with that filter, over its two pages.
    const recent = { from: daysAgo(60), to: daysAgo(0) };
    const listed = await as("MEMBER").feed.list({ ...account, ...recent, view: "review", pageSize: 50 });
    expect(listed.flaggedMatching).toBeGreaterThan(50);
    expect(listed.flaggedMatching).toBeLessThan(130);

    const stale = await errorOf(
      as("MEMBER").feed.hideAll({ ...account, ...recent, expectedCount: listed.flaggedMatching + 1 }),
    );
    expect(stale.code).toBe("CONFLICT");
    expect(stale.message).toContain(
      `${listed.flaggedMatching} possible duplicates match now, not ${listed.flaggedMatching + 1}`,
    );
    expect(await statesOf(books)).toEqual(before);

    const first = await as("MEMBER").feed.hideAll({ ...account, ...recent, expectedCount: listed.flaggedMatching });
    expect(first.hidden).toBe(listed.flaggedMatching);
    const rows = await db().feedTransaction.findMany({ where: { bankAccountId: books.bankAccountId } });
    for (const row of rows) {
      const inRange = row.date.toISOString().slice(0, 10) >= recent.from;
      const wasFlagged = before.get(row.id) !== "NEW";
      expect(row.state, row.description).toBe(inRange && wasFlagged ? "HIDDEN" : before.get(row.id));
      if (row.state === "HIDDEN")
        expect(row).toMatchObject({ hideBatchId: first.batchId, hiddenById: fx.users.MEMBER.id });
    }
    expect(countStates(await statesOf(neighbour))).toEqual({ DUPLICATE: 5 });

    // The rest, with a text filter that reads as an amount: one row.
    const oneAmount = rows.find((row) => row.state !== "HIDDEN" && row.state !== "NEW")!;
    const byAmount = await as("MEMBER").feed.hideAll({
      ...account,
      text: (Math.abs(oneAmount.amountCents) / 100).toFixed(2),
      expectedCount: 1,
    });
    expect(byAmount.hidden).toBe(1);
    const rest = await as("ADMIN").feed.hideAll({ ...account, expectedCount: 130 - first.hidden - 1 });
    expect(countStates(await statesOf(books))).toEqual({ HIDDEN: 130, NEW: 3 });
    // Nothing left: a repeated click changes nothing.
    expect(await as("ADMIN").feed.hideAll({ ...account, expectedCount: 7 })).toEqual({ hidden: 0, batchId: null });

    const audit = await db().auditEntry.findMany({
      where: {
        organizationId: fx.org.id,
        action: "feed.hideAll",
        objectId: { in: [first.batchId!, byAmount.batchId!, rest.batchId!] },
      },
    });
    expect(audit).toHaveLength(3);
    expect(audit.find((e) => e.objectId === first.batchId)).toMatchObject({
      actorUserId: fx.users.MEMBER.id,
      objectType: "FeedHideBatch",
      ipAddress: testAddressOf(fx.users.MEMBER),
      details: { bankAccountId: books.bankAccountId, hidden: first.hidden, filters: { ...recent, text: null } },
    });

    const batches = await as("VIEWER").feed.hideBatches(account);
    expect(batches.map((b) => [b.id, b.kind, b.stillHidden, b.actorName])).toEqual([
      [rest.batchId, "HIDE_ALL", rest.hidden, fx.users.ADMIN.name],
      [byAmount.batchId, "HIDE_ALL", 1, fx.users.MEMBER.name],
      [first.batchId, "HIDE_ALL", first.hidden, fx.users.MEMBER.name],
    ]);

    // One row of the first batch un-hidden on its own and hidden again on its own leaves the batch.
    const leaver = rows.find((row) => row.hideBatchId === first.batchId)!;
    await as("MEMBER").feed.unhide({ orgSlug: orgSlug(), transactionIds: [leaver.id] });
    await as("MEMBER").feed.hide({ orgSlug: orgSlug(), transactionIds: [leaver.id] });

    expect(await as("MEMBER").feed.unhideBatch({ orgSlug: orgSlug(), batchId: first.batchId! })).toEqual({
      unhidden: first.hidden - 1,
    });
    const after = await statesOf(books);
    for (const row of rows) {
      // The first batch as it was before; the leaver and the other batches still hidden; new rows new.
      const restored = row.hideBatchId === first.batchId && row.id !== leaver.id;
      expect(after.get(row.id), row.description).toBe(
        restored || before.get(row.id) === "NEW" ? before.get(row.id) : "HIDDEN",
      );
    }
    expect(await as("MEMBER").feed.unhideBatch({ orgSlug: orgSlug(), batchId: first.batchId! })).toEqual({
      unhidden: 0,
    });
    expect((await as("VIEWER").feed.hideBatches(account)).map((b) => b.id)).toEqual([rest.batchId, byAmount.batchId]);
    expect(await db().feedHideBatch.findUniqueOrThrow({ where: { id: first.batchId! } })).toMatchObject({
      restoredById: fx.users.MEMBER.id,
      hiddenCount: first.hidden,
    });
    expect(await db().auditEntry.count({ where: { action: "feed.unhideBatch", objectId: first.batchId } })).toBe(2);
  });

  it("never reaches another organization's account or batch", async () => {
    const books = await afterRelink(4, 0);
    const hidden = await as("MEMBER").feed.hideAll({
      orgSlug: orgSlug(),
      bankAccountId: books.bankAccountId,
      expectedCount: 4,
    });
    const outsider = callerFor(db(), other.users.OWNER);
    expect(
      (
        await errorOf(
          outsider.feed.hideAll({ orgSlug: other.org.slug, bankAccountId: books.bankAccountId, expectedCount: 4 }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect((await errorOf(outsider.feed.unhideBatch({ orgSlug: other.org.slug, batchId: hidden.batchId! }))).code).toBe(
      "NOT_FOUND",
    );
    expect(
      (await errorOf(outsider.feed.hideBatches({ orgSlug: other.org.slug, bankAccountId: books.bankAccountId }))).code,
    ).toBe("NOT_FOUND");
    expect(countStates(await statesOf(books))).toEqual({ HIDDEN: 4 });
  });
});

describe("Import of a flagged row", () => {
  it("asks first: without the person's yes nothing is imported; with it the row is booked", async () => {
    const books = await afterRelink(2, 1);
    const rows = await db().feedTransaction.findMany({
      where: { bankAccountId: books.bankAccountId },
      orderBy: { amountCents: "asc" },
    });
    const flagged = rows.filter((row) => row.state !== "NEW");
    const fresh = rows.find((row) => row.state === "NEW")!;
    const entries = () => db().registerEntry.count({ where: { registerId: books.registerId } });
    const booked = await entries();

    const error = await errorOf(
      as("MEMBER").feed.import({ orgSlug: orgSlug(), transactionIds: [fresh.id, flagged[0]!.id] }),
    );
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe(
      "1 selected transaction looks like an entry already in the register; confirm to import anyway. Nothing was imported.",
    );
    expect(await entries()).toBe(booked);

    const result = await importTransactions(db(), {
      organizationId: fx.org.id,
      actorUserId: fx.users.MEMBER.id,
      transactionIds: [fresh.id, flagged[0]!.id],
      confirmFlagged: true,
    });
    expect(result).toEqual({ imported: 2, alreadyImported: 0 });
    expect(await entries()).toBe(booked + 2);
  });

  it("Import all new leaves the possible duplicates and says how many", async () => {
    const books = await afterRelink(6, 2);
    expect(await as("MEMBER").feed.importAllNew({ orgSlug: orgSlug(), bankAccountId: books.bankAccountId })).toEqual({
      imported: 2,
      alreadyImported: 0,
      flaggedLeft: 6,
    });
  });
});

describe("hide sure duplicates automatically", () => {
  it("is off by default; owners and admins turn it on, audited", async () => {
    const org = await createOrgWithMembers(db(), "Feed settings");
    const caller = (role: keyof OrgFixture["users"]) => callerFor(db(), org.users[role]);
    expect(await caller("VIEWER").feed.settings({ orgSlug: org.org.slug })).toEqual({ autoHideSureDuplicates: false });
    expect(
      (await errorOf(caller("MEMBER").feed.updateSettings({ orgSlug: org.org.slug, autoHideSureDuplicates: true })))
        .code,
    ).toBe("FORBIDDEN");
    expect(await caller("ADMIN").feed.updateSettings({ orgSlug: org.org.slug, autoHideSureDuplicates: true })).toEqual({
      autoHideSureDuplicates: true,
    });
    expect(await caller("VIEWER").feed.settings({ orgSlug: org.org.slug })).toEqual({ autoHideSureDuplicates: true });
    const audit = await db().auditEntry.findFirstOrThrow({
      where: { organizationId: org.org.id, action: "feed.updateSettings" },
    });
    expect(audit).toMatchObject({
      actorUserId: org.users.ADMIN.id,
      details: { autoHideSureDuplicates: true, before: false },
    });
  });

  it("hides only the duplicate tier, each with its match, reason and batch; Un-hide brings one back and no retrieval hides it again", async () => {
    await as("OWNER").feed.updateSettings({ orgSlug: orgSlug(), autoHideSureDuplicates: true });
    try {
      const first = await createBooks(db(), fx.org.id);
      const transactions = history(10);
      await ingestBankTransactions(db(), {
        organizationId: fx.org.id,
        bankAccountId: first.bankAccountId,
        transactions,
      });
      await importAllNew(db(), {
        organizationId: fx.org.id,
        actorUserId: fx.users.MEMBER.id,
        bankAccountId: first.bankAccountId,
      });
      const books = await relink(first);
      // Eight come back under new ids (two of them dated days later: possible), two under the
      // provider ids seen before, and one is new.
      const back = [
        ...transactions.slice(0, 8).map((t, at) => relinked(t, at < 2 ? { postedDate: daysAgo(6 + at) } : {})),
        ...transactions.slice(8).map((t) => ({ ...t })),
        bankTransaction({ postedDate: daysAgo(1), amountCents: -98_765, description: "BRAND NEW" }),
      ];
      const ingest = () =>
        ingestBankTransactions(db(), {
          organizationId: fx.org.id,
          bankAccountId: books.bankAccountId,
          transactions: back,
        });
      const result = await ingest();
      expect(result).toMatchObject({ received: 11, added: 3, flagged: 2, hiddenAsSure: 8, hidden: 0 });

      const rows = await db().feedTransaction.findMany({ where: { bankAccountId: books.bankAccountId } });
      const byProvider = new Map(rows.map((row) => [row.providerTransactionId, row]));
      const batch = await db().feedHideBatch.findFirstOrThrow({ where: { bankAccountId: books.bankAccountId } });
      expect(batch).toMatchObject({ kind: "AUTOMATIC", hiddenCount: 8, actorUserId: null });
      for (const [at, t] of back.entries()) {
        const row = byProvider.get(t.id)!;
        if (at < 2) expect(row, t.description).toMatchObject({ state: "POSSIBLE_DUPLICATE", hideBatchId: null });
        else if (at < 10) {
          expect(row, t.description).toMatchObject({ state: "HIDDEN", hideBatchId: batch.id, hiddenById: null });
          expect(row.matchRegisterEntryId).not.toBeNull();
          expect(row.matchScore).toBeGreaterThanOrEqual(0.9);
        } else expect(row.state).toBe("NEW");
      }
      expect(byProvider.get(back[9]!.id)!.matchReasons).toContain("same bank transaction id");
      const audit = await db().auditEntry.findFirstOrThrow({ where: { action: "feed.autoHide", objectId: batch.id } });
      expect(audit).toMatchObject({
        actorUserId: null,
        organizationId: fx.org.id,
        details: { bankAccountId: books.bankAccountId, hidden: 8 },
      });

      // Listed under Show hidden with why, and as a batch.
      const hiddenList = await as("VIEWER").feed.list({
        orgSlug: orgSlug(),
        bankAccountId: books.bankAccountId,
        view: "hidden",
      });
      expect(hiddenList.total).toBe(8);
      for (const row of hiddenList.rows) {
        expect(row).toMatchObject({
          hiddenAutomatically: true,
          hideBatch: { id: batch.id, kind: "AUTOMATIC" },
          match: { kind: "register" },
        });
        expect(row.match!.reasons.length).toBeGreaterThan(0);
      }
      expect(
        await as("VIEWER").feed.hideBatches({ orgSlug: orgSlug(), bankAccountId: books.bankAccountId }),
      ).toMatchObject([{ id: batch.id, kind: "AUTOMATIC", stillHidden: 8, actorName: null }]);

      const undone = hiddenList.rows[0]!;
      await as("MEMBER").feed.unhide({ orgSlug: orgSlug(), transactionIds: [undone.id] });
      expect(await db().feedTransaction.findUniqueOrThrow({ where: { id: undone.id } })).toMatchObject({
        state: "DUPLICATE",
        hideBatchId: null,
      });
      expect(await ingest()).toMatchObject({ added: 0, hiddenAsSure: 0 });
      expect((await db().feedTransaction.findUniqueOrThrow({ where: { id: undone.id } })).state).toBe("DUPLICATE");
    } finally {
      await as("OWNER").feed.updateSettings({ orgSlug: orgSlug(), autoHideSureDuplicates: false });
    }
  });
});

describe("transactions you already have that came back", () => {
  it("are counted per linked account of a working connection until they are reviewed", async () => {
    const org = await createOrgWithMembers(db(), "Feed returned");
    const viewer = callerFor(db(), org.users.VIEWER);
    const first = await createBooks(db(), org.org.id, { accountName: "Operating" });
    const transactions = history(7);
    await ingestBankTransactions(db(), {
      organizationId: org.org.id,
      bankAccountId: first.bankAccountId,
      transactions,
    });
    expect(await viewer.feed.returnedDuplicates({ orgSlug: org.org.slug })).toEqual([]);
    await importAllNew(db(), {
      organizationId: org.org.id,
      actorUserId: org.users.MEMBER.id,
      bankAccountId: first.bankAccountId,
    });

    await removeConnection(
      { db: db(), aggregator: testAggregator(), log },
      { organizationId: org.org.id, connectionId: first.connectionId, actorUserId: org.users.OWNER.id },
    );
    const again = await createBooks(db(), org.org.id, { registerId: first.registerId, accountName: "Operating" });
    await ingestBankTransactions(db(), {
      organizationId: org.org.id,
      bankAccountId: again.bankAccountId,
      transactions: transactions.map((t) => relinked(t)),
    });
    expect(await viewer.feed.returnedDuplicates({ orgSlug: org.org.slug })).toEqual([
      {
        connectionId: again.connectionId,
        bankAccountId: again.bankAccountId,
        accountName: "Operating",
        mask: "1234",
        count: 7,
      },
    ]);
    expect(await callerFor(db(), other.users.OWNER).feed.returnedDuplicates({ orgSlug: other.org.slug })).toEqual([]);

    await callerFor(db(), org.users.MEMBER).feed.hideAll({
      orgSlug: org.org.slug,
      bankAccountId: again.bankAccountId,
      expectedCount: 7,
    });
    expect(await viewer.feed.returnedDuplicates({ orgSlug: org.org.slug })).toEqual([]);
  });
});
