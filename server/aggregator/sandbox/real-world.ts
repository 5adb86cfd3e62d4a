import { BIG_HISTORY_DAYS, BIG_TRANSACTION_COUNT } from "./test-logins";
import { between, dayParts, hash53, pick, rng, unit, type Rng } from "./random";

// What "really happened" in a fictional bank account, day by day. Each day is generated
// from its own seed, so any window of days comes out the same whenever it is asked for;
// the per-link view (ids, pending, date shifts, rewrites) is layered on top in feed.ts.

export type Profile =
  | "personal-checking"
  | "personal-savings"
  | "business-checking"
  | "business-savings"
  | "business-card"
  | "big-checking";

export interface RealTxn {
  /** Unique within the account; feeds derive per-link ids from it. */
  key: string;
  day: number;
  /** The amount first shown (a pending card purchase shows it before the tip). */
  amountCents: number;
  /** The amount once posted. */
  finalAmountCents: number;
  description: string;
  checkNumber: string | null;
  category: string | null;
  /** 0: posts at once; 1–3: a card purchase that stays pending that many days. */
  settleDays: number;
  /** Where the purchase happened, for description rewrites. */
  city: string | null;
}

interface Merchant {
  name: string;
  category: string;
  prices: readonly number[] | readonly [number, number];
  tip?: boolean;
  storeNumber?: boolean;
}

const personalMerchants: Merchant[] = [
  { name: "BLUE BOTTLE COFFEE", category: "Coffee Shops", prices: [450, 475, 525, 550, 595, 650], storeNumber: true },
  { name: "STARBUCKS STORE", category: "Coffee Shops", prices: [395, 445, 525, 575, 645, 725], storeNumber: true },
  { name: "WHOLE FOODS MARKET", category: "Groceries", prices: [1800, 14500], storeNumber: true },
  { name: "TRADER JOE'S", category: "Groceries", prices: [1500, 9800], storeNumber: true },
  { name: "SAFEWAY", category: "Groceries", prices: [1200, 12000], storeNumber: true },
  { name: "SHELL OIL", category: "Gas", prices: [2500, 7200], storeNumber: true },
  { name: "CHEVRON", category: "Gas", prices: [2800, 6900], storeNumber: true },
  { name: "AMAZON.COM*MKTP US", category: "Shopping", prices: [899, 15999] },
  { name: "TARGET", category: "Shopping", prices: [1299, 18999], storeNumber: true },
  { name: "CVS/PHARMACY", category: "Pharmacy", prices: [599, 4599], storeNumber: true },
  { name: "CHIPOTLE", category: "Restaurants", prices: [1050, 2600], storeNumber: true },
  { name: "THE LOCAL BISTRO", category: "Restaurants", prices: [2800, 12000], tip: true },
  { name: "SQ *CORNER TAQUERIA", category: "Restaurants", prices: [1200, 3800], tip: true },
  { name: "UBER *TRIP", category: "Rides", prices: [900, 4500], tip: true },
  { name: "LYFT *RIDE", category: "Rides", prices: [800, 3900], tip: true },
  { name: "THE HOME DEPOT", category: "Home", prices: [1500, 25000], storeNumber: true },
  { name: "APPLE.COM/BILL", category: "Subscriptions", prices: [99, 299, 999, 1499] },
];

const businessCardMerchants: Merchant[] = [
  { name: "STAPLES", category: "Office Supplies", prices: [1299, 28999], storeNumber: true },
  { name: "AMAZON BUSINESS", category: "Office Supplies", prices: [1599, 49999] },
  { name: "ZOOM.US", category: "Software", prices: [1599, 14990] },
  { name: "ADOBE *CREATIVE CLD", category: "Software", prices: [5999, 8999] },
  { name: "COSTCO WHSE", category: "Program Supplies", prices: [4500, 62000], storeNumber: true },
  { name: "DELTA AIR LINES", category: "Travel", prices: [18900, 74000] },
  { name: "OFFICE DEPOT", category: "Office Supplies", prices: [899, 21999], storeNumber: true },
  { name: "GOOGLE *WORKSPACE", category: "Software", prices: [3600, 7200] },
  { name: "CANVA* PRO", category: "Software", prices: [1499, 11999] },
  { name: "EVENTBRITE", category: "Events", prices: [2500, 45000] },
  { name: "PANERA BREAD", category: "Meals", prices: [1800, 16000], tip: true, storeNumber: true },
];

const cities = ["OAKLAND CA", "SAN FRANCISCO CA", "PORTLAND OR", "DENVER CO", "AUSTIN TX", "COLUMBUS OH", "RALEIGH NC"];
const employers = ["ACME WIDGETS", "NORTHSTAR HEALTH", "BRIGHTPATH SCHOOLS", "CEDAR LOGISTICS", "PIONEER FOODS"];
const landlords = ["OAKWOOD PROPERTY MGMT", "PARKSIDE APARTMENTS", "ELM STREET RENTALS"];
const utilities = ["PG&E WEB ONLINE", "CITY WATER DEPT", "CONSOLIDATED ENERGY"];

interface Person {
  seed: string;
  city: string;
  payParity: number;
  payCents: number;
  employer: string;
  rentCents: number;
  landlord: string;
  utility: string;
  savingsTransferCents: number;
  storeNumbers: Map<string, string[]>;
}

const people = new Map<string, Person>();

/** Facts about the bank user shared by their accounts (payday, rent, home town). */
function person(seed: string): Person {
  let p = people.get(seed);
  if (p) return p;
  const r = rng(`${seed}|person`);
  p = {
    seed,
    city: pick(r, cities),
    payParity: between(r, 0, 1),
    payCents: between(r, 1900, 3400) * 100 + between(r, 0, 99),
    employer: pick(r, employers),
    rentCents: between(r, 14, 26) * 100 * 100,
    landlord: pick(r, landlords),
    utility: pick(r, utilities),
    savingsTransferCents: pick(r, [10000, 15000, 20000, 25000, 50000]),
    storeNumbers: new Map(),
  };
  if (people.size > 5000) people.clear();
  people.set(seed, p);
  return p;
}

function storeNumber(p: Person, merchant: string, r: Rng): string {
  let numbers = p.storeNumbers.get(merchant);
  if (!numbers) {
    const base = hash53(`${p.seed}|${merchant}`);
    numbers = [
      String((base % 9000) + 100).padStart(4, "0"),
      String((Math.floor(base / 9000) % 9000) + 100).padStart(4, "0"),
    ];
    p.storeNumbers.set(merchant, numbers);
  }
  return r() < 0.8 ? numbers[0]! : numbers[1]!;
}

function price(r: Rng, m: Merchant): number {
  const prices = m.prices;
  if (prices.length === 2 && prices[1]! > prices[0]! * 2) return between(r, prices[0]!, prices[1]!);
  return pick(r, prices);
}

class DayBuilder {
  readonly out: RealTxn[] = [];
  constructor(readonly day: number) {}
  add(
    t: Omit<RealTxn, "key" | "day" | "finalAmountCents" | "settleDays" | "city" | "checkNumber" | "category"> &
      Partial<Pick<RealTxn, "finalAmountCents" | "settleDays" | "city" | "checkNumber" | "category">>,
  ) {
    this.out.push({
      key: `${this.day}.${this.out.length}`,
      day: this.day,
      finalAmountCents: t.amountCents,
      settleDays: 0,
      city: null,
      checkNumber: null,
      category: null,
      ...t,
    });
  }
}

function cardPurchase(b: DayBuilder, p: Person, r: Rng, merchants: Merchant[]) {
  const m = pick(r, merchants);
  const amount = price(r, m);
  const tipped = m.tip && r() < 0.6;
  const tip = tipped ? Math.round(amount * (0.15 + r() * 0.07)) : 0;
  b.add({
    amountCents: -amount,
    finalAmountCents: -(amount + tip),
    description: m.storeNumber ? `${m.name} #${storeNumber(p, m.name, r)}` : m.name,
    category: m.category,
    settleDays: between(r, 1, 3),
    city: p.city,
  });
}

function isPayday(p: Person, day: number, weekday: number) {
  return weekday === 5 && Math.floor(day / 7) % 2 === p.payParity;
}

function personalRecurring(b: DayBuilder, p: Person, d: ReturnType<typeof dayParts>, r: Rng, account: string) {
  if (isPayday(p, b.day, d.weekday)) {
    b.add({
      amountCents: p.payCents,
      description: `${p.employer} PAYROLL PPD ID: ${hash53(p.employer) % 1e9}`,
      category: "Paycheck",
    });
    b.add({
      amountCents: -p.savingsTransferCents,
      description: `ONLINE TRANSFER TO SAVINGS XXXXXX${mask(p.seed, "sav")}`,
      category: "Transfer",
    });
  }
  if (d.dayOfMonth === 1) {
    b.add({
      amountCents: -p.rentCents,
      description: `CHECK ${1001 + d.monthIndex * 2}`,
      checkNumber: String(1001 + d.monthIndex * 2),
      category: "Rent",
    });
  }
  // One more check in some months, on a day of its own.
  const extraCheckDay = 5 + (hash53(`${p.seed}|${account}|check|${d.monthIndex}`) % 20);
  if (d.dayOfMonth === extraCheckDay && unit(`${p.seed}|check?|${d.monthIndex}`) < 0.6) {
    const n = String(1002 + d.monthIndex * 2);
    b.add({ amountCents: -between(r, 25, 400) * 100, description: `CHECK ${n}`, checkNumber: n, category: "Check" });
  }
  if (d.dayOfMonth === 15)
    b.add({ amountCents: -between(r, 6000, 18000), description: p.utility, category: "Utilities" });
  if (d.dayOfMonth === 20) b.add({ amountCents: -8500, description: "VERIZON WIRELESS PAYMENTS", category: "Phone" });
  if (d.dayOfMonth === 8)
    b.add({ amountCents: -1549, description: "NETFLIX.COM", category: "Subscriptions", settleDays: 1, city: null });
  if (d.lastDayOfMonth) b.add({ amountCents: -1200, description: "MONTHLY MAINTENANCE FEE", category: "Bank Fee" });
  if (d.dayOfMonth === 3 && unit(`${p.seed}|fee-refund|${d.monthIndex - 1}`) < 0.4) {
    b.add({ amountCents: 1200, description: "MAINTENANCE FEE REFUND", category: "Bank Fee" });
  }
}

function personalChecking(b: DayBuilder, p: Person, r: Rng) {
  const d = dayParts(b.day);
  personalRecurring(b, p, d, r, "chk");
  const purchases = 1 + (r() < 0.5 ? 0 : r() < 0.6 ? 1 : 2);
  for (let i = 0; i < purchases; i++) cardPurchase(b, p, r, personalMerchants);
  // Two identical coffees on the same day: two real transactions, not a duplicate.
  if (unit(`${p.seed}|double|${b.day}`) < 0.12) {
    const amount = pick(r, [450, 500, 525, 550]);
    const description = `BLUE BOTTLE COFFEE #${storeNumber(p, "BLUE BOTTLE COFFEE", r)}`;
    for (let i = 0; i < 2; i++) {
      b.add({ amountCents: -amount, description, category: "Coffee Shops", settleDays: 1, city: p.city });
    }
  }
  if (r() < 0.05)
    b.add({
      amountCents: -pick(r, [4000, 6000, 8000, 10000]),
      description: `ATM WITHDRAWAL ${between(r, 100, 999)} MAIN ST`,
      category: "Cash",
    });
  if (r() < 0.04)
    b.add({
      amountCents: between(r, 1299, 8999),
      description: pick(r, ["AMAZON.COM REFUND", "TARGET REFUND", "THE HOME DEPOT RETURN"]),
      category: "Refund",
    });
  if (r() < 0.03)
    b.add({
      amountCents: -between(r, 20, 150) * 100,
      description: `ZELLE PAYMENT TO ${pick(r, ["J SMITH", "M GARCIA", "A NGUYEN"])}`,
      category: "Transfer",
    });
}

function personalSavings(b: DayBuilder, p: Person, r: Rng) {
  const d = dayParts(b.day);
  if (isPayday(p, b.day, d.weekday)) {
    b.add({
      amountCents: p.savingsTransferCents,
      description: `ONLINE TRANSFER FROM CHECKING XXXXXX${mask(p.seed, "chk")}`,
      category: "Transfer",
    });
  }
  if (d.lastDayOfMonth)
    b.add({ amountCents: between(r, 85, 640), description: "INTEREST PAYMENT", category: "Interest" });
  if (r() < 0.01)
    b.add({
      amountCents: -between(r, 2, 10) * 10000,
      description: "ONLINE TRANSFER TO CHECKING",
      category: "Transfer",
    });
}

function businessChecking(b: DayBuilder, p: Person, r: Rng) {
  const d = dayParts(b.day);
  const weekday = d.weekday >= 1 && d.weekday <= 5;
  if (weekday && r() < 0.8) {
    b.add({
      amountCents: between(r, 5000, 250000),
      description: `STRIPE TRANSFER ST-${hash53(`${p.seed}|${b.day}`).toString(36).slice(0, 8).toUpperCase()}`,
      category: "Donations",
    });
  }
  if (d.weekday === 1)
    b.add({ amountCents: between(r, 25, 1500) * 100, description: "MOBILE DEPOSIT", category: "Donations" });
  if (d.dayOfMonth === 10)
    b.add({
      amountCents: between(r, 20000, 180000),
      description: "PAYPAL GIVING FUND DONATIONS",
      category: "Donations",
    });
  if (d.dayOfMonth === 14 && d.month % 3 === 1) {
    b.add({ amountCents: 2_500_000, description: "ACH CREDIT COMMUNITY FOUNDATION GRANT", category: "Grants" });
  }
  if (isPayday(p, b.day, d.weekday)) {
    b.add({ amountCents: -between(r, 1_200_000, 1_350_000), description: "ADP WAGE PAY", category: "Payroll" });
    b.add({ amountCents: -between(r, 280_000, 320_000), description: "ADP TAX", category: "Payroll Taxes" });
    b.add({ amountCents: -8950, description: "ADP PAYROLL FEES", category: "Payroll" });
  }
  if (d.dayOfMonth === 1)
    b.add({ amountCents: -450_000, description: "ACH DEBIT RIVERSIDE PROPERTIES RENT", category: "Rent" });
  if (d.dayOfMonth === 2)
    b.add({ amountCents: -100_000, description: "ONLINE TRANSFER TO RESERVE SAVINGS", category: "Transfer" });
  [5, 12, 19, 26].forEach((dom, i) => {
    if (d.dayOfMonth === dom && unit(`${p.seed}|vendor-check|${d.monthIndex}|${i}`) < 0.75) {
      const n = String(5001 + d.monthIndex * 4 + i);
      b.add({
        amountCents: -between(r, 15_000, 350_000),
        description: `CHECK ${n}`,
        checkNumber: n,
        category: "Vendors",
      });
    }
  });
  if (d.dayOfMonth === 18)
    b.add({ amountCents: -61_200, description: "NONPROFITS INSURANCE ALLIANCE", category: "Insurance" });
  if (d.dayOfMonth === 16)
    b.add({
      amountCents: -between(r, 18_000, 42_000),
      description: "CITY OF SPRINGFIELD UTILITIES",
      category: "Utilities",
    });
  if (d.dayOfMonth === 25) {
    b.add({
      amountCents: -between(r, 150_000, 420_000),
      description: `PAYMENT TO BUSINESS CARD ENDING ${mask(p.seed, "card")}`,
      category: "Card Payment",
    });
  }
  if (d.lastDayOfMonth)
    b.add({ amountCents: -between(r, 3500, 6000), description: "ANALYSIS SERVICE CHARGE", category: "Bank Fee" });
  if (weekday && r() < 0.03) b.add({ amountCents: -2500, description: "OUTGOING WIRE FEE", category: "Bank Fee" });
  if (d.dayOfMonth === 4 && unit(`${p.seed}|reversal|${d.monthIndex}`) < 0.3) {
    b.add({ amountCents: 2500, description: "SERVICE CHARGE REVERSAL", category: "Bank Fee" });
  }
}

function businessSavings(b: DayBuilder, p: Person, r: Rng) {
  const d = dayParts(b.day);
  if (d.dayOfMonth === 2)
    b.add({ amountCents: 100_000, description: "ONLINE TRANSFER FROM OPERATING", category: "Transfer" });
  if (d.lastDayOfMonth)
    b.add({ amountCents: between(r, 1200, 4800), description: "INTEREST PAYMENT", category: "Interest" });
}

function businessCard(b: DayBuilder, p: Person, r: Rng) {
  const d = dayParts(b.day);
  const purchases = r() < 0.35 ? 0 : r() < 0.7 ? 1 : 2;
  for (let i = 0; i < purchases; i++) cardPurchase(b, p, r, businessCardMerchants);
  if (d.dayOfMonth === 26)
    b.add({
      amountCents: between(r, 150_000, 420_000),
      description: "PAYMENT RECEIVED - THANK YOU",
      category: "Card Payment",
    });
  if (r() < 0.02)
    b.add({ amountCents: between(r, 1299, 18999), description: "AMAZON BUSINESS CREDIT", category: "Refund" });
}

/** demo_big: exactly BIG_TRANSACTION_COUNT transactions in any BIG_HISTORY_DAYS-day window. */
function bigChecking(b: DayBuilder, p: Person, r: Rng) {
  const base = Math.floor(BIG_TRANSACTION_COUNT / BIG_HISTORY_DAYS);
  const extra = BIG_TRANSACTION_COUNT - base * BIG_HISTORY_DAYS;
  const residue = ((b.day % BIG_HISTORY_DAYS) + BIG_HISTORY_DAYS) % BIG_HISTORY_DAYS;
  const count =
    base + Math.floor(((residue + 1) * extra) / BIG_HISTORY_DAYS) - Math.floor((residue * extra) / BIG_HISTORY_DAYS);
  personalRecurring(b, p, dayParts(b.day), r, "big");
  while (b.out.length < count) cardPurchase(b, p, r, personalMerchants);
}

const generators: Record<Profile, (b: DayBuilder, p: Person, r: Rng) => void> = {
  "personal-checking": personalChecking,
  "personal-savings": personalSavings,
  "business-checking": businessChecking,
  "business-savings": businessSavings,
  "business-card": businessCard,
  "big-checking": bigChecking,
};

/** The last four digits of an account number: the same for every link of the account. */
export function mask(seed: string, accountKey: string): string {
  return String(hash53(`${seed}|mask|${accountKey}`) % 10_000).padStart(4, "0");
}

export function realWorldDay(seed: string, profile: Profile, accountKey: string, day: number): RealTxn[] {
  const b = new DayBuilder(day);
  generators[profile](b, person(seed), rng(`${seed}|${accountKey}|${day}`));
  return b.out;
}

export function realWorldRange(
  seed: string,
  profile: Profile,
  accountKey: string,
  fromDay: number,
  toDay: number,
): RealTxn[] {
  const out: RealTxn[] = [];
  for (let day = fromDay; day <= toDay; day++) {
    for (const t of realWorldDay(seed, profile, accountKey, day)) out.push(t);
  }
  return out;
}

const finalSums = new Map<string, number>();

/**
 * The sum of the posted amounts of every transaction of the days fromDay…toDay. The real
 * world does not depend on the link or the aggregation, so an account's window is summed once
 * and remembered: balances cost a lookup instead of generating 90 days of transactions.
 */
export function realWorldFinalSumCents(
  seed: string,
  profile: Profile,
  accountKey: string,
  fromDay: number,
  toDay: number,
): number {
  const key = `${seed}|${profile}|${accountKey}|${fromDay}|${toDay}`;
  let sum = finalSums.get(key);
  if (sum === undefined) {
    sum = 0;
    for (let day = fromDay; day <= toDay; day++) {
      for (const t of realWorldDay(seed, profile, accountKey, day)) sum += t.finalAmountCents;
    }
    if (finalSums.size >= 20_000) finalSums.clear();
    finalSums.set(key, sum);
  }
  return sum;
}

/** Forgets the remembered sums (tests compare answers with and without them). */
export function clearRealWorldMemo() {
  finalSums.clear();
}

/** A plausible balance before the window starts, so balances are not all near zero. */
export function openingBalanceCents(seed: string, profile: Profile, accountKey: string): number {
  const r = rng(`${seed}|${accountKey}|opening`);
  switch (profile) {
    case "business-card":
      return -between(r, 50_000, 300_000);
    case "business-checking":
    case "business-savings":
      return between(r, 2_000_000, 9_000_000);
    default:
      return between(r, 250_000, 1_200_000);
  }
}
