import type { WireTransaction } from "@/server/aggregator/client/wire";
import { materializeFeed, recordPendingSightings, type FeedLogin } from "@/server/aggregator/sandbox/feed";
import { stableId } from "@/server/aggregator/sandbox/random";
import { realWorldRange, type Profile, type RealTxn } from "@/server/aggregator/sandbox/real-world";
import type { AccountSpec } from "@/server/aggregator/sandbox/test-logins";
import { dayNumber } from "../dates";
import type { ExistingTransaction, IncomingTransaction } from "../types";
import { Random } from "./random";
import { labelRows, type RowTraits, type Scenario, type TracedRow } from "./scenarios";

// Scenarios from the product's own sandbox aggregator (server/aggregator/sandbox): the register is what one
// link of a login showed, the incoming rows what a second link (or a later refresh of the first) shows.

const PROFILES: readonly (readonly [Profile, AccountSpec["type"], number])[] = [
  ["personal-checking", "checking", 35],
  ["business-checking", "checking", 35],
  ["business-card", "creditCard", 20],
  ["personal-savings", "savings", 10],
];

const RECURRING_CATEGORIES = new Set([
  "Paycheck",
  "Payroll",
  "Payroll Taxes",
  "Rent",
  "Transfer",
  "Insurance",
  "Phone",
  "Subscriptions",
  "Bank Fee",
]);
const REGISTER_DAYS = 240;

export function buildSandboxScenario(seed: number, index: number): Scenario {
  const random = new Random(seed * 7_919 + index);
  const [profile, type] = random.weighted(
    PROFILES.map(([profile, type, weight]) => [[profile, type] as const, weight] as const),
  );
  const name = `x${seed}-${index}`;
  const bankUser = `eval-${seed}-${index}`;
  const today = dayNumber("2026-03-01")! + random.int(0, 120);
  const kind = random.chance(0.75) ? "relink" : "refresh";
  const lastImport =
    today -
    random.weighted([
      [0, 20],
      [1, 20],
      [2, 15],
      [3, 15],
      [5, 10],
      [7, 10],
      [14, 10],
    ] as const);
  const windowDays =
    kind === "relink"
      ? random.weighted([
          [30, 30],
          [60, 20],
          [90, 50],
        ] as const)
      : 15;
  const account: AccountSpec = { key: "acct", name: "Account", type, profile, historyDays: REGISTER_DAYS };
  const firstLink: FeedLogin = {
    id: `${name}-a`,
    seed: bankUser,
    syncSeq: 7,
    asOfDay: lastImport,
    linkedDay: lastImport - REGISTER_DAYS,
    pendingSeen: {},
  };
  const secondLink: FeedLogin =
    kind === "relink"
      ? { id: `${name}-b`, seed: bankUser, syncSeq: 1, asOfDay: today, linkedDay: today, pendingSeen: {} }
      : { ...firstLink, syncSeq: 8, asOfDay: today, pendingSeen: recordPendingSightings(firstLink, [account]) };

  const real = realWorldRange(bankUser, profile, account.key, today - REGISTER_DAYS - 30, today);
  const traits = traitsByWireId(real, [firstLink, secondLink], account.key);
  const existing = registerFrom(materializeFeed(firstLink, account).transactions, account.key, name, traits, random);
  const incoming = materializeFeed(secondLink, { ...account, historyDays: windowDays })
    .transactions.map((wire, at) => ({
      row: incomingRow(wire, `${name}-i${at}`, account.key),
      traits: traits.get(wire.id)!,
    }))
    .reverse();

  return {
    name,
    source: "sandbox",
    kind,
    profile: profile === "business-card" ? "card" : profile.endsWith("savings") ? "savings" : "operating",
    existing: existing.map(({ row }) => row),
    incoming: incoming.map(({ row }) => row),
    realIdOfExisting: new Map(existing.map(({ row, traits: rowTraits }) => [row.id, rowTraits.realId])),
    labels: labelRows(incoming, existing, kind === "relink" ? today - windowDays + 1 : null),
  };
}

function traitsByWireId(real: RealTxn[], links: FeedLogin[], accountKey: string): Map<string, RowTraits> {
  const sameDay = new Map<string, number>();
  const repeatKey = (t: RealTxn) => `${t.day}|${t.description}|${t.amountCents}`;
  for (const t of real) sameDay.set(repeatKey(t), (sameDay.get(repeatKey(t)) ?? 0) + 1);
  const traits = new Map<string, RowTraits>();
  for (const t of real) {
    const rowTraits: RowTraits = {
      realId: t.key,
      merchant: t.description.replace(/[#\d]+/g, "").trim(),
      amountCents: t.finalAmountCents,
      recurring: t.category !== null && RECURRING_CATEGORIES.has(t.category) && !t.description.startsWith("CHECK"),
      check: t.checkNumber !== null,
      repeatGroup: sameDay.get(repeatKey(t))! > 1 ? repeatKey(t) : null,
    };
    for (const link of links) {
      const base = `${link.id}|${accountKey}|${t.key}`;
      traits.set(stableId("txn", base), rowTraits);
      traits.set(stableId("txn", `${base}|pending`), rowTraits);
    }
  }
  return traits;
}

function registerFrom(
  feed: WireTransaction[],
  accountKey: string,
  name: string,
  traits: Map<string, RowTraits>,
  random: Random,
): TracedRow<ExistingTransaction>[] {
  const rows: TracedRow<ExistingTransaction>[] = [];
  feed.forEach((wire, at) => {
    if (random.chance(0.01)) return;
    rows.push({
      traits: traits.get(wire.id)!,
      row: {
        id: `${name}-r${at}`,
        account: accountKey,
        date: wire.postedDate,
        amountCents: wireCents(wire),
        description: wire.description,
        checkNumber: wire.checkNumber,
        providerIds: wire.pendingTransactionId ? [wire.pendingTransactionId, wire.id] : [wire.id],
        kind: random.chance(0.03) ? "hidden" : "register",
        pending: wire.status === "pending",
        fromBank: true,
      },
    });
  });
  return rows;
}

function incomingRow(wire: WireTransaction, id: string, accountKey: string): IncomingTransaction {
  return {
    id,
    account: accountKey,
    date: wire.postedDate,
    amountCents: wireCents(wire),
    description: wire.description,
    pending: wire.status === "pending",
    providerId: wire.id,
    pendingProviderId: wire.pendingTransactionId,
    checkNumber: wire.checkNumber,
  };
}

// The wire carries dollars as a JSON number; every sandbox amount is a whole number of cents.
function wireCents(wire: WireTransaction): number {
  return Math.round(wire.amount * 100);
}
