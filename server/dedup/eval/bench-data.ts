import { formatDayNumber } from "../dates";
import type { ExistingTransaction, IncomingTransaction } from "../types";
import { Random } from "./random";

// A busy account for timing the matcher: two years of register entries and a re-link that brings back the
// last weeks, with the usual changes (new ids, moved dates, rewritten descriptions, pending rows, new rows).

const MERCHANTS = [
  "SQ *BLUE BOTTLE COFFEE",
  "STARBUCKS STORE #0412",
  "STRIPE TRANSFER",
  "MOBILE DEPOSIT",
  "AMAZON MKTPLACE PMTS",
  "STAPLES #00123",
  "COSTCO WHSE #0123",
  "SHELL OIL 57444",
  "USPS PO 2255800123",
  "UBER *TRIP",
  "TST* PANERA BREAD 601",
  "OFFICE DEPOT #1043",
  "HOME DEPOT #4410",
  "TARGET #0231",
  "WHOLE FOODS MKT #10233",
  "CHEVRON 0093822",
  "ZOOM.US",
  "GOOGLE *WORKSPACE",
  "ADOBE *ACROPRO SUBS",
  "FACEBK *ADS",
  "PAYPAL TRANSFER",
  "DEPOSIT",
  "ADP WAGE PAY",
  "ADP TAX",
];
const PRICES = [395, 445, 450, 500, 525, 575, 950, 1000, 1360, 1599, 1999, 2500, 5000, 6800, 7200, 10000, 25000];

export interface BenchData {
  existing: ExistingTransaction[];
  incoming: IncomingTransaction[];
}

export function benchData(existingCount: number, incomingCount: number, seed = 42): BenchData {
  const random = new Random(seed);
  const days = 730;
  const firstDay = 20_000;
  const perDay = existingCount / days;
  const existing: ExistingTransaction[] = [];
  const real: { day: number; amountCents: number; merchant: string; store: number }[] = [];
  for (let at = 0; at < existingCount; at++) {
    const day = firstDay + Math.floor(at / perDay);
    const merchant = random.pick(MERCHANTS);
    const amountCents = random.chance(0.35)
      ? -random.pick(PRICES)
      : random.chance(0.8)
        ? -random.int(100, 60_000)
        : random.int(1_000, 300_000);
    real.push({ day, amountCents, merchant, store: random.int(1, 9) });
    existing.push({
      id: `r${at}`,
      account: "operating",
      date: formatDayNumber(day),
      amountCents,
      description: `${merchant} SPRINGFIELD IL`,
      providerIds: [`a${at}`],
      kind: random.chance(0.02) ? "hidden" : "register",
      pending: false,
    });
  }

  const incoming: IncomingTransaction[] = [];
  const newRows = Math.round(incomingCount * 0.1);
  const start = real.length - (incomingCount - newRows);
  for (let at = start; at < real.length; at++) {
    const { day, amountCents, merchant } = real[at]!;
    const shift = random.chance(0.1) ? random.int(1, 3) : 0;
    incoming.push({
      id: `i${at}`,
      account: "operating",
      date: formatDayNumber(day + shift),
      amountCents,
      description: random.chance(0.12) ? `POS PURCHASE ${merchant.toLowerCase()}` : merchant,
      pending: false,
      providerId: `b${at}`,
      pendingProviderId: null,
    });
  }
  const lastDay = real[real.length - 1]!.day;
  for (let at = 0; at < newRows; at++) {
    incoming.push({
      id: `n${at}`,
      account: "operating",
      date: formatDayNumber(lastDay + 1 + (at % 5)),
      amountCents: random.chance(0.35) ? -random.pick(PRICES) : -random.int(100, 60_000),
      description: random.pick(MERCHANTS),
      pending: at % 5 >= 3,
      providerId: `b-new-${at}`,
      pendingProviderId: null,
    });
  }
  return { existing, incoming: random.shuffled(incoming) };
}
