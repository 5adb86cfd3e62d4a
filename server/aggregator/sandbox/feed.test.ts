import { describe, expect, it } from "vitest";
import { feedBalanceCents, materializeFeed, recordPendingSightings, type FeedLogin } from "./feed";
import { dayNumber, parseIsoDay } from "./random";
import { clearRealWorldMemo } from "./real-world";
import { findTestLogin, type AccountSpec } from "./test-logins";

const today = dayNumber(Date.parse("2026-06-15T12:00:00Z"));
const personal = findTestLogin("demo")!.accounts;
const checking = personal[0]!;

function newLink(id: string, seed = "sandbox-bank-personal|demo"): FeedLogin {
  const login: FeedLogin = { id, seed, syncSeq: 1, asOfDay: today, linkedDay: today, pendingSeen: {} };
  login.pendingSeen = recordPendingSightings(login, personal);
  return login;
}

function sync(login: FeedLogin, days = 0, accounts: AccountSpec[] = personal): FeedLogin {
  const next = { ...login, syncSeq: login.syncSeq + 1, asOfDay: login.asOfDay + days };
  next.pendingSeen = recordPendingSightings(next, accounts);
  return next;
}

const dayKey = (t: { transactionDate: string; amount: number; status: string }) =>
  `${t.transactionDate} ${t.amount} ${t.status}`;

describe("sandbox feed", () => {
  it("is deterministic: the same login sees the same transactions under the same ids", () => {
    const a = materializeFeed(newLink("login_a"), checking);
    const b = materializeFeed(newLink("login_a"), checking);
    expect(b).toEqual(a);
  });

  it("gives every link its own ids for the same real-world transactions", () => {
    const a = materializeFeed(newLink("login_a"), checking).transactions;
    const b = materializeFeed(newLink("login_b"), checking).transactions;
    expect(a.map(dayKey).sort()).toEqual(b.map(dayKey).sort());
    const ids = new Set(a.map((t) => t.id));
    expect(b.filter((t) => ids.has(t.id))).toEqual([]);
  });

  it("shifts some posted dates by at most 3 days and rewrites some descriptions per link", () => {
    const links = ["l1", "l2", "l3"].map((id) => materializeFeed(newLink(id), checking).transactions);
    for (const feed of links) {
      const shifts = feed.map((t) => parseIsoDay(t.postedDate) - parseIsoDay(t.transactionDate));
      expect(Math.min(...shifts)).toBe(0);
      expect(Math.max(...shifts)).toBeLessThanOrEqual(3);
      expect(shifts.filter((s) => s > 0).length).toBeGreaterThan(3);
    }
    const descriptions = links.map((feed) => new Set(feed.map((t) => t.description)));
    const onlyInFirst = [...descriptions[0]!].filter((d) => !descriptions[1]!.has(d));
    expect(onlyInFirst.length).toBeGreaterThan(3);
  });

  it("looks like a real account: payroll, checks with numbers, fees, refunds, identical same-day purchases", () => {
    const feed = materializeFeed(newLink("login_a"), checking).transactions;
    expect(feed.filter((t) => /PAYROLL/.test(t.description) && t.amount > 0).length).toBeGreaterThanOrEqual(5);
    const checks = feed.filter((t) => t.checkNumber);
    expect(checks.length).toBeGreaterThanOrEqual(3);
    expect(checks.every((t) => t.description === `CHECK ${t.checkNumber}` && t.amount < 0)).toBe(true);
    expect(feed.some((t) => /MAINTENANCE FEE$/.test(t.description))).toBe(true);
    expect(feed.some((t) => t.category === "Refund" && t.amount > 0)).toBe(true);
    const sameDay = new Map<string, number>();
    for (const t of feed) {
      const k = `${t.transactionDate}|${t.amount}|${t.description}`;
      sameDay.set(k, (sameDay.get(k) ?? 0) + 1);
    }
    expect([...sameDay.values()].some((n) => n >= 2)).toBe(true);
    expect(
      feed.every(
        (t) =>
          Number.isInteger(Math.round(t.amount * 100)) && Math.abs(t.amount * 100 - Math.round(t.amount * 100)) < 1e-6,
      ),
    ).toBe(true);
  });

  it("posts pending purchases at a later aggregation under a new id, linked to the pending id, some with a tip", () => {
    let tipped = 0;
    for (const user of ["demo", "demo_mfa", "demo_terms", "demo_slow", "demo_down"]) {
      const first = newLink(`link-${user}`, `sandbox-bank-personal|${user}`);
      const before = materializeFeed(first, checking).transactions;
      const pending = before.filter((t) => t.status === "pending");
      expect(pending.length).toBeGreaterThan(0);
      let later = first;
      for (let i = 0; i < 3; i++) later = sync(later);
      const after = materializeFeed(later, checking).transactions;
      expect(after.filter((t) => t.status === "pending")).toEqual([]);
      for (const p of pending) {
        const posted = after.find((t) => t.pendingTransactionId === p.id);
        expect(posted, p.description).toBeDefined();
        expect(posted!.id).not.toBe(p.id);
        expect(posted!.transactionDate).toBe(p.transactionDate);
        if (posted!.amount !== p.amount) {
          tipped++;
          expect(posted!.amount).toBeLessThan(p.amount); // a tip makes the debit larger
        }
      }
      expect(after.length).toBe(before.length);
    }
    expect(tipped).toBeGreaterThan(0);
  });

  it("never turns a posted transaction back into a pending one as days pass", () => {
    let login = newLink("login_days");
    let posted = new Set(
      materializeFeed(login, checking)
        .transactions.filter((t) => t.status === "posted")
        .map((t) => t.id),
    );
    for (let day = 1; day <= 5; day++) {
      login = sync(login, 1);
      const feed = materializeFeed(login, checking).transactions;
      const pendingIds = new Set(feed.filter((t) => t.status === "pending").map((t) => t.id));
      expect([...posted].filter((id) => pendingIds.has(id))).toEqual([]);
      posted = new Set(feed.filter((t) => t.status === "posted").map((t) => t.id));
    }
  });

  it("revises only transactions of the last 15 days between aggregations", () => {
    const login = newLink("login_rev");
    const before = new Map(materializeFeed(login, checking).transactions.map((t) => [t.id, t]));
    const after = materializeFeed(sync(sync(login)), checking).transactions;
    const revised = after.filter((t) => before.has(t.id) && before.get(t.id)!.description !== t.description);
    expect(revised.length).toBeGreaterThan(0);
    expect(revised.every((t) => parseIsoDay(t.transactionDate) >= today - 15)).toBe(true);
  });

  it("generates demo_big's 20 000 transactions over two years quickly", () => {
    const big = findTestLogin("demo_big")!.accounts[0]!;
    const started = performance.now();
    const feed = materializeFeed({ ...newLink("login_big"), seed: "sandbox-bank-personal|demo_big" }, big).transactions;
    const ms = performance.now() - started;
    expect(feed).toHaveLength(20_000);
    expect(new Set(feed.map((t) => t.id)).size).toBe(20_000);
    expect(parseIsoDay(feed.map((t) => t.transactionDate).sort()[0]!)).toBe(today - 729);
    expect(ms).toBeLessThan(2000);
  });

  it("gives business logins donations, payroll, vendor checks and a credit card", () => {
    const [operating, , card] = findTestLogin("demo_business")!.accounts;
    const login = { ...newLink("login_biz"), seed: "sandbox-bank-business|demo_business" };
    const ops = materializeFeed(login, operating!).transactions;
    expect(ops.some((t) => /STRIPE TRANSFER/.test(t.description) && t.amount > 0)).toBe(true);
    expect(ops.some((t) => t.description === "ADP WAGE PAY")).toBe(true);
    expect(ops.some((t) => t.checkNumber && Number(t.checkNumber) > 5000)).toBe(true);
    const cardFeed = materializeFeed(login, card!);
    expect(cardFeed.transactions.some((t) => t.amount > 0 && /PAYMENT RECEIVED/.test(t.description))).toBe(true);
  });

  describe("balances without the feed", () => {
    const logins = [
      { user: "demo", institution: "sandbox-bank-personal" },
      { user: "demo_mfa", institution: "evergreenmutual-personal" },
      { user: "demo_business", institution: "sandbox-bank-business" },
      { user: "demo_big", institution: "sandbox-bank-personal" },
    ];

    it("equal the materialized feed's balance, computed afresh or remembered, as aggregations post pending purchases and days pass", () => {
      let changes = 0;
      for (const { user, institution } of logins) {
        const accounts = findTestLogin(user)!.accounts;
        let login: FeedLogin = {
          id: `balance-${user}`,
          seed: `${institution}|${user}`,
          syncSeq: 1,
          asOfDay: today,
          linkedDay: today,
          pendingSeen: {},
        };
        login.pendingSeen = recordPendingSightings(login, accounts);
        let previous: number[] | null = null;
        for (const days of [0, 0, 0, 1, 0, 2]) {
          const materialized = accounts.map((a) => materializeFeed(login, a).balanceCents);
          // Remembered from the earlier aggregations and days, then afresh.
          expect(accounts.map((a) => feedBalanceCents(login, a))).toEqual(materialized);
          clearRealWorldMemo();
          expect(accounts.map((a) => feedBalanceCents(login, a))).toEqual(materialized);
          if (previous && materialized.some((b, i) => b !== previous![i])) changes++;
          previous = materialized;
          login = sync(login, days, accounts);
        }
      }
      // The balances moved (tips posted, the window moved on), so a stale answer would have shown.
      expect(changes).toBeGreaterThan(2);
    });

    it("follow a new link's own view of pending purchases, not the previous link's", () => {
      const accounts = findTestLogin("demo")!.accounts;
      let first = newLink("relink-a");
      for (let i = 0; i < 3; i++) first = sync(first);
      const second = newLink("relink-b");
      for (const login of [first, second]) {
        expect(accounts.map((a) => feedBalanceCents(login, a))).toEqual(
          accounts.map((a) => materializeFeed(login, a).balanceCents),
        );
      }
      const pendingAt = (login: FeedLogin) =>
        materializeFeed(login, checking).transactions.filter((t) => t.status === "pending").length;
      expect(pendingAt(second)).toBeGreaterThan(pendingAt(first));
    });
  });
});
