// Deterministic randomness and UTC day arithmetic for the sandbox. Everything generated
// from a login must come out the same on every run, so nothing here reads Math.random.

/** 53-bit string hash (cyrb53): fast enough to run per transaction of a 20 000-row account. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** A uniform number in [0, 1) from a string. */
export function unit(text: string): number {
  return hash53(text) / 9007199254740992;
}

/** A stable id with about 100 bits from two independent hashes, e.g. `txn_3k2…`. */
export function stableId(prefix: string, text: string): string {
  const a = hash53(text, 1).toString(36).padStart(11, "0");
  const b = hash53(text, 2).toString(36).padStart(11, "0");
  return `${prefix}_${a}${b}`;
}

export type Rng = () => number;

/** mulberry32: a small, fast PRNG seeded from a string. */
export function rng(seedText: string): Rng {
  let a = hash53(seedText) >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, items: readonly T[]): T => items[Math.floor(r() * items.length)]!;
export const between = (r: Rng, min: number, max: number) => min + Math.floor(r() * (max - min + 1));

const DAY_MS = 86_400_000;

/** Days since 1970-01-01 (UTC). */
export const dayNumber = (at: Date | number = Date.now()) => Math.floor(Number(at) / DAY_MS);

const isoCache = new Map<number, string>();
export function isoDay(day: number): string {
  let s = isoCache.get(day);
  if (!s) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (isoCache.size > 10_000) isoCache.clear();
    isoCache.set(day, s);
  }
  return s;
}

export const parseIsoDay = (iso: string) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);

export interface DayParts {
  year: number;
  /** 1–12 */
  month: number;
  dayOfMonth: number;
  /** 0 = Sunday */
  weekday: number;
  /** Months since January 2000: a running index for monthly events and check numbers. */
  monthIndex: number;
  lastDayOfMonth: boolean;
}

export function dayParts(day: number): DayParts {
  const d = new Date(day * DAY_MS);
  const year = d.getUTCFullYear();
  const month = d.getUTCMonth() + 1;
  const next = new Date((day + 1) * DAY_MS);
  return {
    year,
    month,
    dayOfMonth: d.getUTCDate(),
    weekday: d.getUTCDay(),
    monthIndex: (year - 2000) * 12 + (month - 1),
    lastDayOfMonth: next.getUTCMonth() !== d.getUTCMonth(),
  };
}
