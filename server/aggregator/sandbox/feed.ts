import type { WireTransaction } from "@/server/aggregator/client/wire";
import { openingBalanceCents, realWorldDay, realWorldFinalSumCents, realWorldRange, type RealTxn } from "./real-world";
import { isoDay, stableId, unit } from "./random";
import type { AccountSpec } from "./test-logins";

// One link's view of an account's real-world transactions, as a bank feed shows them:
// ids of its own, some dates shifted and descriptions rewritten (the same for the life of
// the link), recent card purchases pending until a later aggregation or until they settle,
// and small revisions in the last 15 days from one aggregation to the next.

export interface FeedLogin {
  id: string;
  /** The bank user: the same for every link of the same credentials at the same bank. */
  seed: string;
  syncSeq: number;
  /** The day of the last successful aggregation: the feed is as of then. */
  asOfDay: number;
  /** The day the link was made. */
  linkedDay: number;
  /** `${accountKey}:${txnKey}` → the aggregation that first saw it pending. */
  pendingSeen: Record<string, number>;
}

export interface FeedView {
  transactions: WireTransaction[];
  balanceCents: number;
}

const REVISION_DAYS = 15;
/** A purchase stays unsettled at most this many days (RealTxn.settleDays is 0–3). */
const PENDING_WINDOW_DAYS = 3;

const settled = (t: RealTxn, asOfDay: number) => t.settleDays === 0 || asOfDay >= t.day + t.settleDays;
/** Aggregations after the first sighting before a pending transaction posts (1 or 2). */
const postsAfter = (login: FeedLogin, accountKey: string, t: RealTxn) =>
  1 + Math.floor(unit(`${login.seed}|${accountKey}|${t.key}|posts`) * 2);

/** Still pending as of the login's last aggregation: not settled, and not yet posted by later aggregations. */
function isPending(login: FeedLogin, accountKey: string, t: RealTxn): boolean {
  if (settled(t, login.asOfDay)) return false;
  const seen = login.pendingSeen[`${accountKey}:${t.key}`];
  return !(seen !== undefined && login.syncSeq - seen >= postsAfter(login, accountKey, t));
}

function titleCase(s: string) {
  return s.toLowerCase().replace(/(^|[\s*/])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase());
}

const rewrites: ((t: RealTxn) => string)[] = [
  (t) => t.description.replace(/\s*#\d+/, ""),
  (t) => (t.city ? `${t.description} ${t.city}` : `${t.description} ONLINE`),
  (t) => titleCase(t.description),
  (t) => `POS PURCHASE ${t.description}`,
  (t) => t.description.replace(/#(\d+)/, (_m, n: string) => `#${n.replace(/^0+/, "")}`).replace(/\s{2,}/g, " "),
];

function describe(login: FeedLogin, accountKey: string, t: RealTxn, posted: boolean): string {
  const k = `${login.id}|${accountKey}|${t.key}`;
  let description = t.description;
  if (t.checkNumber === null && unit(`${k}|rewrite`) < 0.12) {
    description = rewrites[Math.floor(unit(`${k}|variant`) * rewrites.length)]!(t);
  }
  if (
    posted &&
    t.checkNumber === null &&
    t.day >= login.asOfDay - REVISION_DAYS &&
    unit(`${k}|rev|${login.syncSeq}`) < 0.04
  ) {
    description = rewrites[Math.floor(unit(`${k}|rev-variant|${login.syncSeq}`) * rewrites.length)]!(t);
  }
  return description;
}

/** 0–3 days: the same for the life of a link; another link of the same login shifts others. */
function dateShift(login: FeedLogin, accountKey: string, t: RealTxn): number {
  const k = `${login.id}|${accountKey}|${t.key}`;
  return unit(`${k}|shift`) < 0.08 ? 1 + Math.floor(unit(`${k}|shift-days`) * 3) : 0;
}

export function materializeFeed(login: FeedLogin, account: AccountSpec): FeedView {
  const firstDay = login.asOfDay - account.historyDays + 1;
  const real = realWorldRange(login.seed, account.profile, account.key, firstDay, login.asOfDay);
  const transactions: WireTransaction[] = new Array(real.length);
  let balance = openingBalanceCents(login.seed, account.profile, account.key);
  for (let i = 0; i < real.length; i++) {
    const t = real[i]!;
    const base = `${login.id}|${account.key}|${t.key}`;
    const pending = isPending(login, account.key, t);
    const amountCents = pending ? t.amountCents : t.finalAmountCents;
    balance += amountCents;
    if (pending) {
      transactions[i] = {
        id: stableId("txn", `${base}|pending`),
        accountId: "",
        amount: amountCents / 100,
        postedDate: isoDay(t.day),
        transactionDate: isoDay(t.day),
        description: describe(login, account.key, t, false),
        checkNumber: null,
        status: "pending",
        pendingTransactionId: null,
        category: t.category,
      };
      continue;
    }
    const wasPendingForThisLink =
      t.settleDays > 0 &&
      (login.pendingSeen[`${account.key}:${t.key}`] !== undefined || t.day + t.settleDays > login.linkedDay);
    transactions[i] = {
      id: stableId("txn", base),
      accountId: "",
      amount: amountCents / 100,
      postedDate: isoDay(Math.min(login.asOfDay, t.day + dateShift(login, account.key, t))),
      transactionDate: isoDay(t.day),
      description: describe(login, account.key, t, true),
      checkNumber: t.checkNumber,
      status: "posted",
      pendingTransactionId: wasPendingForThisLink ? stableId("txn", `${base}|pending`) : null,
      category: t.category,
    };
  }
  transactions.sort((a, b) =>
    a.postedDate < b.postedDate ? -1 : a.postedDate > b.postedDate ? 1 : a.id < b.id ? -1 : 1,
  );
  return { transactions, balanceCents: balance };
}

/**
 * The account's balance as materializeFeed computes it, without building the transactions:
 * the window's posted amounts (remembered per real-world account) corrected for the purchases
 * of the last days still pending, which count before their tip.
 */
export function feedBalanceCents(login: FeedLogin, account: AccountSpec): number {
  const firstDay = login.asOfDay - account.historyDays + 1;
  let balance = openingBalanceCents(login.seed, account.profile, account.key);
  balance += realWorldFinalSumCents(login.seed, account.profile, account.key, firstDay, login.asOfDay);
  for (let day = Math.max(firstDay, login.asOfDay - PENDING_WINDOW_DAYS); day <= login.asOfDay; day++) {
    for (const t of realWorldDay(login.seed, account.profile, account.key, day)) {
      if (isPending(login, account.key, t)) balance += t.amountCents - t.finalAmountCents;
    }
  }
  return balance;
}

/**
 * After a successful aggregation: remember which recent purchases this aggregation saw
 * pending (they post one or two aggregations later) and forget those that settled.
 */
export function recordPendingSightings(login: FeedLogin, accounts: AccountSpec[]): Record<string, number> {
  const seen: Record<string, number> = {};
  for (const account of accounts) {
    for (let day = login.asOfDay - PENDING_WINDOW_DAYS; day <= login.asOfDay; day++) {
      for (const t of realWorldDay(login.seed, account.profile, account.key, day)) {
        if (settled(t, login.asOfDay)) continue;
        const key = `${account.key}:${t.key}`;
        seen[key] = login.pendingSeen[key] ?? login.syncSeq;
      }
    }
  }
  return seen;
}
