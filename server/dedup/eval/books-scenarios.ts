import { dayNumber, formatDayNumber } from "../dates";
import type { ExistingTransaction, IncomingTransaction } from "../types";
import type { AccountProfile, Merchant } from "./catalog";
import { linkDay, LinkIds, linkedRow, randomStyle, relinkStyle, type LinkStyle } from "./links";
import { Random } from "./random";
import {
  buildScenario,
  isPendingOn,
  isVisibleOn,
  labelRows,
  traitsOf,
  type ChangeKind,
  type Scenario,
  type TracedRow,
} from "./scenarios";
import { generateAccountHistory, type RealTransaction } from "./world";

// Scenarios of the books' own entries and of statement files, beside the re-links of scenarios.ts:
// - typed: the bookkeeper typed the account's transactions into the register (no description, a word, an
//   abbreviation, the name; some amounts rounded to the dollar), then a bank link brings the same money in;
// - statement: a bank account's statements imported as files, then the same file again or an overlapping one;
//   or a statement against what a connection brought into the register before its link broke;
// - same-source refresh: a refresh of the connection that gave the register its ids, with the matcher told so.

const BASE_DAY = dayNumber("2026-01-05")!;
const HISTORY_DAYS = 240;

/** Which scenario of the books `index` is: typed by hand, statements, or a refresh told its source. */
export function buildBooksScenario(seed: number, index: number): Scenario {
  const kind = index % 5;
  if (kind < 2) return buildTypedScenario(seed, index);
  if (kind < 4) return buildStatementScenario(seed, index);
  return buildSameSourceRefresh(seed, index);
}

interface Traced<Row> {
  row: Row;
  real: RealTransaction;
  kinds: ChangeKind[];
}

// What a bookkeeper types for a merchant: one word of it, an abbreviation, or the name.
const SHORT_WORDS: Record<string, string> = {
  payroll: "Payroll",
  "payroll-tax": "Payroll tax",
  rent: "Rent",
  insurance: "Insurance",
  comcast: "Comcast",
  electric: "Electric",
  fee: "Fee",
  "to-savings": "Transfer",
  "card-autopay": "Autopay",
  deposit: "Deposit",
  "mobile-deposit": "Mobile deposit",
  stripe: "Stripe",
  paypal: "Paypal",
  grant: "Grant",
  "card-payment": "Payment",
  "from-checking": "Transfer",
  interest: "Interest",
  "to-checking": "Transfer",
};

function titleCase(text: string): string {
  return text
    .toLowerCase()
    .replace(/(^|\s)([a-z])/g, (_, before: string, letter: string) => before + letter.toUpperCase());
}

function nameWords(merchant: Merchant): string[] {
  return merchant.name
    .split(/[^A-Za-z]+/)
    .filter((word) => word.length >= 3 && !["THE", "INC", "LLC", "PMTS", "CHK", "SAV"].includes(word));
}

/** "AMAZON MKTPLACE" → "Amzn": the first letter and the consonants after it, as people shorten names. */
function abbreviate(word: string): string {
  const lower = word.toLowerCase();
  const short = lower[0] + lower.slice(1).replace(/[aeiou]/g, "");
  return titleCase(short.length >= 3 ? short.slice(0, 5) : lower.slice(0, 4));
}

type TypedStyle = "empty" | "short" | "abbreviated" | "full";

function typedDescription(real: RealTransaction, style: TypedStyle): string {
  const merchant = real.merchant;
  if (merchant.channel === "check") return style === "empty" ? "" : (real.checkPayee ?? "Vendor");
  const words = nameWords(merchant);
  switch (style) {
    case "empty":
      return "";
    case "short":
      return (
        SHORT_WORDS[merchant.key] ??
        titleCase((words.length ? words : [merchant.name])[merchant.key.length % Math.max(1, words.length)]!)
      );
    case "abbreviated":
      return words.length
        ? words
            .slice(0, merchant.key.length % 2 ? 1 : 2)
            .map(abbreviate)
            .join(" ")
        : titleCase(merchant.name);
    case "full":
      return titleCase(merchant.name);
  }
}

/** How likely a bookkeeper types a transaction of this kind into the register before the bank shows it. */
function typingRate(real: RealTransaction): number {
  switch (real.merchant.channel) {
    case "check":
      return 0.9;
    case "ach":
    case "deposit":
      return 0.8;
    case "transfer":
      return 0.6;
    case "card":
      // Subscriptions are known ahead; purchases are typed now and then, from a receipt.
      return real.merchant.recurring ? 0.6 : 0.15;
    default:
      return 0.3;
  }
}

function buildTypedScenario(seed: number, index: number): Scenario {
  const random = new Random(seed * 9_176_161 + index * 7 + 1);
  const profile: AccountProfile = random.chance(0.75) ? "operating" : "card";
  const today = BASE_DAY + random.int(0, 120);
  const name = `t${seed}-${index}`;
  const account = `${profile}-${name}`;
  const world = generateAccountHistory(profile, today - HISTORY_DAYS, today, random, name);
  const windowDays = random.weighted([
    [30, 30],
    [60, 40],
    [90, 30],
  ] as const);
  const linkStart = today - windowDays;
  const earlierLink = random.chance(0.5);
  const oldStyle = randomStyle(random);
  const oldIds = new LinkIds("o", random);
  const existing: Traced<ExistingTransaction>[] = [];
  // Two identical purchases or deposits of one day are typed both or neither: one receipt, one deposit slip.
  const typedGroups = new Map<string, boolean>();
  const habits = new Map<string, TypedStyle>();
  let serial = 0;
  for (const real of world) {
    if (real.cancelled || real.authDay > today - 1) continue;
    if (real.authDay < linkStart && earlierLink) {
      // Before the period typed by hand the books came from a link that broke.
      if (!isVisibleOn(real, linkStart - 1) || isPendingOn(real, linkStart - 1)) continue;
      const row = bankEntry(`${name}-r${serial++}`, account, linkedRow(real, oldStyle, oldIds, false), {});
      existing.push({ real, kinds: [], row });
      continue;
    }
    const typed =
      real.repeatGroup && typedGroups.has(real.repeatGroup)
        ? typedGroups.get(real.repeatGroup)!
        : random.chance(typingRate(real));
    if (real.repeatGroup) typedGroups.set(real.repeatGroup, typed);
    if (!typed) continue;
    // A bookkeeper has habits: each payee is typed the same way, with a slip now and then.
    const habit =
      habits.get(real.merchant.key) ??
      random.weighted([
        ["empty", 20],
        ["short", 40],
        ["abbreviated", 25],
        ["full", 15],
      ] as const);
    habits.set(real.merchant.key, habit);
    const style = random.chance(0.9)
      ? habit
      : random.weighted([
          ["empty", 20],
          ["short", 40],
          ["abbreviated", 25],
          ["full", 15],
        ] as const);
    const isCheck = real.merchant.channel === "check";
    const rounded = !isCheck && real.amountCents % 100 !== 0 && random.chance(0.12);
    const amountCents = rounded
      ? Math.sign(real.amountCents) * Math.round(Math.abs(real.amountCents) / 100) * 100
      : real.amountCents;
    existing.push({
      real,
      kinds:
        real.authDay >= linkStart
          ? [`typed-${style}` as ChangeKind, ...(rounded ? (["typed-rounded"] as const) : [])]
          : [],
      row: {
        id: `${name}-r${serial++}`,
        account,
        date: formatDayNumber(real.authDay),
        amountCents,
        description: typedDescription(real, style),
        checkNumber: isCheck && random.chance(0.6) ? real.checkNumber : null,
        providerIds: [],
        kind: "register",
        fromBank: false,
      },
    });
  }
  const style = relinkStyle(oldStyle, random, 0.5);
  const ids = new LinkIds("n", random);
  const incoming: Traced<IncomingTransaction>[] = [];
  let at = 0;
  for (const real of world) {
    if (!isVisibleOn(real, today) || real.cancelled) continue;
    const pending = isPendingOn(real, today);
    if (linkDay(real, style, pending) < linkStart) continue;
    const row = { id: `${name}-i${at++}`, account, ...linkedRow(real, style, ids, pending), source: "new-link" };
    incoming.push({ real, kinds: [], row });
  }
  return assemble(name, "typed", profile, existing, incoming.reverse(), (counterpart) =>
    counterpart ? counterpart.kinds : ["typed-new"],
  );
}

/** An entry a link or a statement file brought into the register: the row as it showed it, imported or hidden. */
function bankEntry(
  id: string,
  account: string,
  shown: Pick<IncomingTransaction, "date" | "amountCents" | "description" | "providerId">,
  fields: Partial<ExistingTransaction>,
): ExistingTransaction {
  const { date, amountCents, description, providerId } = shown;
  const entry = { id, account, date, amountCents, description, providerIds: [providerId!], kind: "register" as const };
  return { ...entry, fromBank: true, ...fields };
}

/** A bank's statement style: posted dates, the bank's own wording, no pending rows, stable references. */
function statementStyle(random: Random): LinkStyle {
  return { ...randomStyle(random), dates: "posted", jitter: 0 };
}

function buildStatementScenario(seed: number, index: number): Scenario {
  const random = new Random(seed * 6_700_417 + index * 13 + 5);
  const profile: AccountProfile = random.weighted([
    ["operating", 60],
    ["card", 25],
    ["savings", 15],
  ] as const);
  const today = BASE_DAY + random.int(0, 120);
  const name = `f${seed}-${index}`;
  const account = `${profile}-${name}`;
  const world = generateAccountHistory(profile, today - HISTORY_DAYS, today, random, name);
  const style = statementStyle(random);
  const fitids = new LinkIds("fitid", random);
  const variant = random.weighted([
    ["reimport", 30],
    ["overlap", 40],
    ["vs-connection", 30],
  ] as const);
  const source = `${account}:STATEMENT`;
  const posted = (real: RealTransaction, asOf: number) =>
    !real.cancelled && isVisibleOn(real, asOf) && !isPendingOn(real, asOf);
  const statementRow = (real: RealTransaction, id: string): IncomingTransaction => ({
    id,
    account,
    ...linkedRow(real, style, fitids, false),
    checkNumber: real.checkNumber,
    source,
  });
  const existing: Traced<ExistingTransaction>[] = [];
  let serial = 0;
  const previousEnd =
    today -
    random.weighted([
      [0, 30],
      [15, 35],
      [30, 35],
    ] as const);
  if (variant === "vs-connection") {
    // A connection brought the register up to the day its link broke; now the bank's statement
    // covers the gap and before.
    const connection = randomStyle(random);
    const ids = new LinkIds("c", random);
    const broke = today - random.int(10, 40);
    for (const real of world) {
      if (!posted(real, broke) || random.chance(0.01)) continue;
      const row = bankEntry(`${name}-r${serial++}`, account, linkedRow(real, connection, ids, false), {
        checkNumber: real.checkNumber,
        kind: random.chance(0.03) ? "hidden" : "register",
        sources: [`${account}:CONNECTION`],
      });
      existing.push({ real, kinds: [], row });
    }
  } else {
    for (const real of world) {
      if (!posted(real, previousEnd) || random.chance(0.01)) continue;
      const shown = statementRow(real, "");
      const row = bankEntry(`${name}-r${serial++}`, account, shown, {
        checkNumber: shown.checkNumber,
        kind: random.chance(0.03) ? "hidden" : "register",
        sources: [source],
      });
      existing.push({ real, kinds: [], row });
    }
  }
  const statementStart =
    variant === "reimport"
      ? previousEnd - random.pick([30, 60])
      : variant === "overlap"
        ? previousEnd - random.pick([10, 20, 30])
        : today - random.pick([45, 60, 90]);
  const statementEnd = variant === "reimport" ? previousEnd : today;
  const incoming: Traced<IncomingTransaction>[] = [];
  let at = 0;
  for (const real of world) {
    if (!posted(real, statementEnd)) continue;
    const row = statementRow(real, `${name}-i${at}`);
    const day = dayNumber(row.date)!;
    if (day < statementStart || day > statementEnd) continue;
    at++;
    incoming.push({ real, kinds: [], row });
  }
  const sliceOf =
    variant === "reimport"
      ? "statement-reimport"
      : variant === "overlap"
        ? "statement-overlap"
        : "statement-vs-connection";
  return assemble(name, "statement", profile, existing, incoming, (counterpart) =>
    counterpart ? [sliceOf] : ["statement-new"],
  );
}

/** A refresh of the connection that gave the register its ids, the matcher told the batch is of that source. */
function buildSameSourceRefresh(seed: number, index: number): Scenario {
  const scenario = buildScenario(seed + 7_919, index, { kind: "refresh" });
  const source = `${scenario.name}:CONNECTION`;
  const existing = scenario.existing.map((row) => (row.providerIds.length > 0 ? { ...row, sources: [source] } : row));
  const incoming = scenario.incoming.map((row) => ({ ...row, source }));
  const labels = new Map(
    [...scenario.labels].map(([id, label]) => [
      id,
      { ...label, kinds: new Set<ChangeKind>([label.positive ? "same-source-refresh" : "same-source-new"]) },
    ]),
  );
  return { ...scenario, name: `ss-${scenario.name}`, existing, incoming, labels };
}

function assemble(
  name: string,
  kind: Scenario["kind"],
  profile: AccountProfile,
  existing: Traced<ExistingTransaction>[],
  incoming: Traced<IncomingTransaction>[],
  slicesOf: (counterpart: Traced<ExistingTransaction> | undefined) => readonly ChangeKind[],
): Scenario {
  const byReal = new Map(existing.map((traced) => [traced.real.realId, traced]));
  const base = labelRows(
    incoming.map(({ row, real }): TracedRow<IncomingTransaction> => ({ row, traits: traitsOf(real) })),
    existing.map(({ row, real }): TracedRow<ExistingTransaction> => ({ row, traits: traitsOf(real) })),
    null,
  );
  const labels = new Map(
    incoming.map(({ row, real }) => {
      const label = base.get(row.id)!;
      return [
        row.id,
        { ...label, kinds: new Set<ChangeKind>(slicesOf(label.positive ? byReal.get(real.realId) : undefined)) },
      ];
    }),
  );
  return {
    name,
    source: "model",
    kind,
    profile,
    existing: existing.map(({ row }) => row),
    incoming: incoming.map(({ row }) => row),
    realIdOfExisting: new Map(existing.map(({ row, real }) => [row.id, real.realId])),
    labels,
    repeatsInterchangeable: kind === "typed",
  };
}
