import { accountActivities, checkPayee, type AccountProfile, type Activity, type Merchant } from "./catalog";
import type { Random } from "./random";

/** Something that really happened once; links and the register are renderings of it. */
export interface RealTransaction {
  realId: string;
  merchant: Merchant;
  /** When it happened (card swipe, check written, deposit made). */
  authDay: number;
  /** When the bank posted it. */
  postDay: number;
  amountCents: number;
  /** What a pending feed row shows: before the tip for restaurants, otherwise the amount. */
  pendingAmountCents: number;
  checkNumber: string | null;
  checkPayee: string | null;
  /** Same merchant, amount and day as another real transaction (two coffees). */
  repeatGroup: string | null;
  /** Digits banks append as a reference; they differ per transaction. */
  reference: string;
  /** A card hold that never posted. */
  cancelled: boolean;
}

export function weekdayOf(day: number): number {
  return (day + 4) % 7;
}

function nextBusinessDay(day: number): number {
  const weekday = weekdayOf(day);
  if (weekday === 6) return day + 2;
  if (weekday === 0) return day + 1;
  return day;
}

function dayOfMonth(day: number): number {
  return new Date(day * 86_400_000).getUTCDate();
}

function postingLag(merchant: Merchant, random: Random): number {
  switch (merchant.channel) {
    case "card":
      return random.weighted([
        [0, 10],
        [1, 45],
        [2, 25],
        [3, 12],
        [4, 4],
        [5, 2.5],
        [6, 1],
        [7, 0.5],
      ]);
    case "deposit":
      return random.weighted([
        [0, 80],
        [1, 15],
        [2, 2],
        [3, 1.5],
        [4, 1],
        [5, 0.5],
      ]);
    case "check":
      return random.int(2, 14);
    case "ach":
      return random.weighted([
        [0, 95],
        [1, 5],
      ]);
    default:
      return 0;
  }
}

function occurrences(activity: Activity, day: number, random: Random): number {
  const schedule = activity.schedule;
  const weekday = weekdayOf(day);
  switch (schedule.kind) {
    case "weekly":
      return weekday === schedule.weekday ? 1 : 0;
    case "biweekly":
      return weekday === schedule.weekday && Math.floor(day / 7) % 2 === schedule.phase ? 1 : 0;
    case "monthly":
      // On the day, or on the Monday after when the day falls on a weekend.
      for (let back = 0; back <= 2; back++) {
        const scheduled = day - back;
        if (dayOfMonth(scheduled) === schedule.day && nextBusinessDay(scheduled) === day) return 1;
      }
      return 0;
    case "random":
      return random.poisson(weekday === 0 || weekday === 6 ? schedule.perWeekendDay : schedule.perWeekday);
  }
}

/** Every real transaction of one account between two days, in date order. */
export function generateAccountHistory(
  profile: AccountProfile,
  fromDay: number,
  toDay: number,
  random: Random,
  prefix: string,
): RealTransaction[] {
  const activities = accountActivities(profile, random);
  const transactions: RealTransaction[] = [];
  let nextCheck = random.int(1001, 4800);
  let serial = 0;
  for (let day = fromDay; day <= toDay; day++) {
    for (const activity of activities) {
      const count = occurrences(activity, day, random);
      for (let n = 0; n < count; n++) {
        const amountCents = activity.amount(random);
        const repeats =
          activity.sameDayRepeat && random.chance(activity.sameDayRepeat) ? (random.chance(0.15) ? 3 : 2) : 1;
        const repeatGroup = repeats > 1 ? `${prefix}-g${serial}` : null;
        const postDay = nextBusinessDay(day + postingLag(activity.merchant, random));
        for (let copy = 0; copy < repeats; copy++) {
          const tipped = activity.tipRate !== undefined && random.chance(activity.tipRate);
          const isCheck = activity.merchant.channel === "check";
          transactions.push({
            realId: `${prefix}-t${serial++}`,
            merchant: activity.merchant,
            authDay: day,
            postDay: copy === 0 ? postDay : nextBusinessDay(day + postingLag(activity.merchant, random)),
            amountCents: tipped ? amountCents - Math.round(-amountCents * (0.15 + random.next() * 0.07)) : amountCents,
            pendingAmountCents: amountCents,
            checkNumber: isCheck ? String(nextCheck++) : null,
            checkPayee: isCheck ? checkPayee(random) : null,
            repeatGroup,
            reference: String(random.int(10_000_000, 99_999_999)),
            cancelled: false,
          });
        }
      }
    }
  }
  return transactions;
}
