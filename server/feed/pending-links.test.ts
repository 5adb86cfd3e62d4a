import { describe, expect, it } from "vitest";
import type { AggregatorClient, Transaction } from "@/server/aggregator/client";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, testAggregator } from "@/server/testing/fixtures";
import { inferPendingLinks, type VanishedPending } from "./pending-links";

const posted = (
  id: string,
  amountCents: number,
  postedDate: string,
  description: string,
  extra: Partial<Transaction> = {},
): Transaction => ({
  id,
  accountId: "acct",
  amountCents,
  postedDate,
  transactionDate: postedDate,
  description,
  checkNumber: null,
  pending: false,
  pendingTransactionId: null,
  category: null,
  ...extra,
});
const pendingRow = (
  providerTransactionId: string,
  amountCents: number,
  date: string,
  description: string,
): VanishedPending => ({
  providerTransactionId,
  amountCents,
  date,
  description,
});
const linksOf = (ts: Transaction[]) =>
  Object.fromEntries(ts.filter((t) => t.pendingTransactionId).map((t) => [t.id, t.pendingTransactionId]));

describe("inferring which pending transaction a posted one settles", () => {
  it("pairs a restaurant's pending charge with its posting two days later with the tip", () => {
    const linked = inferPendingLinks(
      [pendingRow("p1", -4210, "2026-11-30", "BLUE DOOR BISTRO #44 PORTLAND")],
      [
        posted("t1", -5052, "2026-12-02", "Blue Door Bistro Portland OR"),
        posted("t2", -1299, "2026-12-02", "NETFLIX.COM"),
      ],
    );
    expect(linksOf(linked)).toEqual({ t1: "p1" });
  });

  it("pairs two identical coffees one to one, and leaves what does not look like a settlement alone", () => {
    const linked = inferPendingLinks(
      [
        pendingRow("p1", -575, "2026-12-01", "ROASTERY CAFE"),
        pendingRow("p2", -575, "2026-12-01", "ROASTERY CAFE"),
        pendingRow("p3", -8000, "2026-11-10", "HARDWARE BARN"),
        pendingRow("p4", -2500, "2026-12-01", "CITY PARKING"),
      ],
      [
        posted("t1", -575, "2026-12-02", "ROASTERY CAFE 0192"),
        posted("t2", -575, "2026-12-02", "ROASTERY CAFE 0192"),
        posted("t3", -575, "2026-12-02", "ROASTERY CAFE 0192"),
        // Too late for p3, the other direction for p4, a stranger's name for anything.
        posted("t4", -8000, "2026-11-30", "HARDWARE BARN"),
        posted("t5", 2500, "2026-12-02", "CITY PARKING REFUND"),
        posted("t6", -2500, "2026-12-02", "GROCERY OUTLET"),
      ],
    );
    expect(Object.values(linksOf(linked)).sort()).toEqual(["p1", "p2"]);
    expect(Object.keys(linksOf(linked)).every((id) => ["t1", "t2", "t3"].includes(id))).toBe(true);
  });

  it("keeps a link the provider gave, and never links a pending transaction to another pending one", () => {
    const linked = inferPendingLinks(
      [pendingRow("p1", -1000, "2026-12-01", "BOOKSHOP")],
      [
        posted("t1", -1000, "2026-12-02", "BOOKSHOP", { pendingTransactionId: "p0" }),
        posted("t2", -1000, "2026-12-02", "BOOKSHOP", { pending: true }),
      ],
    );
    expect(linksOf(linked)).toEqual({ t1: "p0" });
  });
});

/**
 * The sandbox as a provider that does not say which pending transaction a posted one settles
 * (Mastercard Open Banking's way): its own links are left out of what Bankline receives.
 */
function withoutPendingLinks(client: AggregatorClient): AggregatorClient {
  return Object.create(client, {
    getTransactions: {
      value: async (...args: Parameters<AggregatorClient["getTransactions"]>) =>
        (await client.getTransactions(...args)).map((t) => ({ ...t, pendingTransactionId: null })),
    },
  }) as AggregatorClient;
}

describe("a provider that does not link pending to posted", () => {
  it("posted transactions replace their pending rows in the feed: nothing doubles, and no pending row outlives its posting", async () => {
    const fx = await createOrgWithMembers(testDb(), "Pending links");
    const aggregator = withoutPendingLinks(testAggregator());
    const owner = callerFor(testDb(), fx.users.OWNER, { aggregator });
    const org = { orgSlug: fx.org.slug };
    const linked = await owner.connections.link({
      ...org,
      institutionId: "lakeshorebank-business",
      credentials: { username: "demo", password: "go" },
    });
    if (linked.kind !== "connected") throw new Error(`link gave ${linked.kind}`);
    const view = await owner.connections.get({ ...org, connectionId: linked.connectionId });
    await owner.connections.chooseAccounts({
      ...org,
      connectionId: linked.connectionId,
      choices: view.accounts.map((a) => ({
        bankAccountId: a.id,
        link: true,
        newRegisterName: `${a.name} ${fx.org.slug}`,
      })),
    });
    const pendingAtFirst = await testDb().feedTransaction.count({
      where: { bankAccount: { connectionId: linked.connectionId }, pending: true },
    });
    expect(pendingAtFirst).toBeGreaterThan(0);

    // Pending purchases post one or two aggregations after the first that saw them.
    for (let i = 0; i < 3; i++) await owner.connections.retrieve({ ...org, connectionId: linked.connectionId });

    // What the sandbox really linked, read with its links kept.
    const login = await testDb().connection.findUniqueOrThrow({
      where: { id: linked.connectionId },
      select: { providerLoginId: true, institutionId: true },
    });
    const accounts = await testDb().bankAccount.findMany({
      where: { connectionId: linked.connectionId },
      select: { id: true, providerAccountId: true },
    });
    let settledSeen = 0;
    for (const account of accounts) {
      const truth = await testAggregator().getTransactions({
        loginId: login.providerLoginId!,
        institutionId: login.institutionId,
        accountId: account.providerAccountId,
        from: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
        to: new Date().toISOString().slice(0, 10),
      });
      const rows = await testDb().feedTransaction.findMany({
        where: { bankAccountId: account.id },
        select: { providerTransactionId: true, pending: true },
      });
      const ids = new Set(rows.map((r) => r.providerTransactionId));
      for (const t of truth.filter((t) => t.pendingTransactionId)) {
        settledSeen++;
        expect(ids.has(t.id), `posted ${t.description}`).toBe(true);
        expect(ids.has(t.pendingTransactionId!), `its pending row ${t.pendingTransactionId}`).toBe(false);
      }
      const listed = new Set(truth.map((t) => t.id));
      expect(rows.filter((r) => r.pending && !listed.has(r.providerTransactionId))).toEqual([]);
    }
    expect(settledSeen).toBeGreaterThan(0);
  });
});
