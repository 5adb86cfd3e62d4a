import type { Random } from "./random";

/** How money moves, which decides dates (posting lag), pending state and how a bank words it. */
export type Channel = "card" | "ach" | "deposit" | "check" | "transfer" | "fee" | "interest";

export type AccountProfile = "operating" | "card" | "savings";

/** One counterparty as the bank knows it: the parts a feed assembles its description from. */
export interface Merchant {
  key: string;
  channel: Channel;
  /** Card processor shown in front of the name: "SQ" gives "SQ *BLUE BOTTLE COFFEE". */
  processor: "SQ" | "TST" | null;
  name: string;
  store: string | null;
  city: string | null;
  state: string | null;
  /** An equal amount on a schedule (rent, payroll, subscriptions): only the date tells two apart. */
  recurring: boolean;
}

/** How often and how much: either a schedule with a fixed amount or a daily rate with a price list. */
export interface Activity {
  merchant: Merchant;
  schedule:
    | { kind: "weekly"; weekday: number }
    | { kind: "biweekly"; weekday: number; phase: number }
    | { kind: "monthly"; day: number }
    | { kind: "random"; perWeekday: number; perWeekendDay: number };
  amount: (random: Random) => number;
  /** Restaurants: the pending amount is before the tip, the posted one after. */
  tipRate?: number;
  /** Chance of a second identical purchase the same day (two $5.00 coffees). */
  sameDayRepeat?: number;
  /** Chance the customer hid the feed row instead of importing it. */
  hideRate?: number;
}

const card = (key: string, name: string, extra: Partial<Merchant> = {}): Merchant => ({
  key,
  channel: "card",
  processor: null,
  name,
  store: null,
  city: "SPRINGFIELD",
  state: "IL",
  recurring: false,
  ...extra,
});

const bank = (key: string, channel: Channel, name: string, recurring: boolean): Merchant => ({
  key,
  channel,
  processor: null,
  name,
  store: null,
  city: null,
  state: null,
  recurring,
});

function priceList(options: readonly (readonly [number, number])[]): (random: Random) => number {
  return (random) => -random.weighted(options);
}

function between(minCents: number, maxCents: number, sign = -1): (random: Random) => number {
  return (random) => sign * random.int(minCents, maxCents);
}

function fixed(cents: number): () => number {
  return () => cents;
}

/** Card spending a nonprofit's staff puts on the debit or credit card. */
function cardActivities(random: Random, scale: number): Activity[] {
  const daily = (perWeekday: number, perWeekendDay = perWeekday / 4) => ({
    kind: "random" as const,
    perWeekday: perWeekday * scale,
    perWeekendDay: perWeekendDay * scale,
  });
  return [
    {
      merchant: card("blue-bottle", "BLUE BOTTLE COFFEE", { processor: "SQ", city: "OAKLAND", state: "CA" }),
      schedule: daily(0.45),
      amount: priceList([
        [450, 30],
        [500, 35],
        [575, 15],
        [950, 10],
        [1000, 10],
      ]),
      sameDayRepeat: 0.15,
    },
    {
      merchant: card("starbucks", "STARBUCKS", { store: "10293" }),
      schedule: daily(0.2),
      amount: priceList([
        [395, 40],
        [445, 35],
        [525, 25],
      ]),
      sameDayRepeat: 0.08,
    },
    {
      merchant: card("panera", "PANERA BREAD", { processor: "TST", store: "601" }),
      schedule: daily(0.12),
      amount: between(1200, 6000),
      tipRate: 0.8,
    },
    {
      merchant: card("farolito", "EL FAROLITO", { processor: "SQ", city: "SAN FRANCISCO", state: "CA" }),
      schedule: daily(0.06),
      amount: between(900, 4500),
      tipRate: 0.7,
    },
    {
      merchant: card("staples", "STAPLES", { store: "00123" }),
      schedule: daily(0.08, 0.03),
      amount: between(800, 25000),
    },
    {
      merchant: card("amazon", "AMAZON MKTPLACE PMTS", { city: "AMZN.COM/BILL", state: "WA" }),
      schedule: daily(0.2, 0.15),
      amount: (r) => (r.chance(0.06) ? r.int(1000, 9000) : -r.int(1000, 30000)),
    },
    {
      merchant: card("costco", "COSTCO WHSE", { store: "0123" }),
      schedule: daily(0.04, 0.06),
      amount: between(4000, 60000),
    },
    { merchant: card("shell", "SHELL OIL", { store: "57444" }), schedule: daily(0.06), amount: between(2500, 8000) },
    {
      merchant: card("usps", "USPS PO", { store: "2255800123" }),
      schedule: daily(0.07, 0.01),
      amount: (r) =>
        r.chance(0.55)
          ? -r.weighted([
              [6800, 50],
              [1360, 30],
              [2720, 20],
            ])
          : -r.int(500, 4000),
      sameDayRepeat: 0.05,
    },
    {
      merchant: card("uber", "UBER *TRIP", { city: "HELP.UBER.COM", state: "CA" }),
      schedule: daily(0.05),
      amount: between(900, 4500),
    },
    {
      merchant: card("facebook", "FACEBK *ADS", { city: "MENLO PARK", state: "CA" }),
      schedule: daily(0.03),
      amount: between(2000, 20000),
    },
    {
      merchant: card("zoom", "ZOOM.US", { city: "888-799-9666", state: "CA", recurring: true }),
      schedule: { kind: "monthly", day: random.int(2, 27) },
      amount: fixed(-1599),
    },
    {
      merchant: card("adobe", "ADOBE *ACROPRO SUBS", { city: "ADOBE.LY/ENUS", state: "CA", recurring: true }),
      schedule: { kind: "monthly", day: random.int(2, 27) },
      amount: fixed(-1999),
    },
    {
      merchant: card("google", "GOOGLE *WORKSPACE", { city: "CC@GOOGLE.COM", state: "CA", recurring: true }),
      schedule: { kind: "monthly", day: 1 },
      amount: fixed(-7200),
    },
    {
      merchant: card("mailchimp", "MAILCHIMP *MONTHLY", { city: "ATLANTA", state: "GA", recurring: true }),
      schedule: { kind: "monthly", day: random.int(2, 27) },
      amount: fixed(-4500),
    },
  ];
}

const CHECK_PAYEES = [
  "Joe's Plumbing",
  "Springfield Printing",
  "City Janitorial",
  "Lee Catering",
  "Hernandez Landscaping",
  "Oak Street Church",
  "R. Patel (reimbursement)",
];

export function checkPayee(random: Random): string {
  return random.pick(CHECK_PAYEES);
}

/** The activities of one account, with amounts fixed for this organization (its rent, its payroll). */
export function accountActivities(profile: AccountProfile, random: Random): Activity[] {
  if (profile === "card") {
    return [
      ...cardActivities(random, 1),
      {
        merchant: bank("card-payment", "transfer", "PAYMENT THANK YOU", false),
        schedule: { kind: "monthly", day: random.int(5, 25) },
        amount: between(50000, 400000, 1),
      },
    ];
  }
  if (profile === "savings") {
    const transfer = random.pick([25000, 50000, 100000]);
    return [
      {
        merchant: bank("from-checking", "transfer", "ONLINE TRANSFER FROM CHK XXXXXX1234", true),
        schedule: { kind: "weekly", weekday: 1 },
        amount: fixed(transfer),
      },
      {
        merchant: bank("interest", "interest", "INTEREST PAYMENT", false),
        schedule: { kind: "monthly", day: 28 },
        amount: between(50, 4000, 1),
      },
      {
        merchant: bank("to-checking", "transfer", "ONLINE TRANSFER TO CHK XXXXXX1234", false),
        schedule: { kind: "monthly", day: 20 },
        amount: between(100000, 500000),
      },
    ];
  }
  const payroll = random.pick(["GUSTO", "ADP"]);
  const payrollAmount = -random.int(400000, 2500000);
  const payrollVaries = random.chance(0.3);
  const weekday = 5;
  const phase = random.int(0, 1);
  return [
    ...cardActivities(random, 0.4),
    {
      merchant: bank("payroll", "ach", payroll === "GUSTO" ? "GUSTO PAYROLL" : "ADP WAGE PAY", !payrollVaries),
      schedule: { kind: "biweekly", weekday, phase },
      amount: payrollVaries ? (r) => payrollAmount - r.int(0, 90000) : fixed(payrollAmount),
    },
    {
      merchant: bank("payroll-tax", "ach", payroll === "GUSTO" ? "GUSTO TAX" : "ADP TAX", !payrollVaries),
      schedule: { kind: "biweekly", weekday, phase },
      amount: payrollVaries
        ? (r) => Math.round(payrollAmount * 0.24) - r.int(0, 20000)
        : fixed(Math.round(payrollAmount * 0.24)),
    },
    {
      merchant: bank("rent", "ach", "MAPLE PROPERTIES RENT", true),
      schedule: { kind: "monthly", day: 1 },
      amount: fixed(-random.pick([180000, 240000, 320000, 455000])),
    },
    {
      merchant: bank("insurance", "ach", "HISCOX INS PREM", true),
      schedule: { kind: "monthly", day: 15 },
      amount: fixed(-random.int(9000, 40000)),
    },
    {
      merchant: bank("comcast", "ach", "COMCAST BUSINESS", true),
      schedule: { kind: "monthly", day: 9 },
      amount: fixed(-8999),
    },
    {
      merchant: bank("electric", "ach", "COMED ELECTRIC", false),
      schedule: { kind: "monthly", day: 18 },
      amount: between(6000, 45000),
    },
    {
      merchant: bank("fee", "fee", "MONTHLY SERVICE FEE", true),
      schedule: { kind: "monthly", day: 28 },
      amount: fixed(-1500),
    },
    {
      merchant: bank("to-savings", "transfer", "ONLINE TRANSFER TO SAV XXXXXX4821", true),
      schedule: { kind: "weekly", weekday: 1 },
      amount: fixed(-random.pick([25000, 50000, 100000])),
      hideRate: 0,
    },
    {
      merchant: bank("card-autopay", "ach", "CHASE CREDIT CRD AUTOPAY", false),
      schedule: { kind: "monthly", day: 22 },
      amount: between(50000, 400000),
    },
    {
      merchant: bank("deposit", "deposit", "DEPOSIT", false),
      schedule: { kind: "random", perWeekday: 0.35, perWeekendDay: 0 },
      amount: (r) =>
        r.chance(0.8)
          ? r.weighted([
              [2500, 20],
              [5000, 25],
              [10000, 25],
              [25000, 10],
              [50000, 6],
              [100000, 3],
            ])
          : r.int(1000, 300000),
      sameDayRepeat: 0.1,
    },
    {
      merchant: bank("mobile-deposit", "deposit", "MOBILE DEPOSIT", false),
      schedule: { kind: "random", perWeekday: 0.15, perWeekendDay: 0.15 },
      amount: (r) =>
        r.weighted([
          [2500, 25],
          [5000, 30],
          [10000, 30],
          [20000, 15],
        ]),
      sameDayRepeat: 0.1,
    },
    {
      merchant: bank("stripe", "ach", "STRIPE TRANSFER", false),
      schedule: { kind: "random", perWeekday: 0.7, perWeekendDay: 0 },
      amount: between(3000, 300000, 1),
    },
    {
      merchant: bank("paypal", "ach", "PAYPAL TRANSFER", false),
      schedule: { kind: "weekly", weekday: 3 },
      amount: between(2000, 150000, 1),
    },
    {
      merchant: bank("grant", "ach", "COMMUNITY FOUNDATION GRANT", false),
      schedule: { kind: "random", perWeekday: 0.01, perWeekendDay: 0 },
      amount: (r) => r.pick([500000, 1000000, 2500000]),
    },
    {
      merchant: bank("check", "check", "CHECK", false),
      schedule: { kind: "random", perWeekday: 0.15, perWeekendDay: 0 },
      amount: (r) => (r.chance(0.25) ? -r.pick([10000, 25000, 50000, 100000]) : -r.int(5000, 500000)),
    },
  ];
}
