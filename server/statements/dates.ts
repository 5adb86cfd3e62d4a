import { StatementError } from "./types";

/** The calendar date `YYYY-MM-DD`, or null when the parts name no real day. */
export function isoDate(year: number, month: number, day: number): string | null {
  if (!Number.isInteger(year) || year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1) return null;
  return date.toISOString().slice(0, 10);
}

/** A two-digit year as a bank means it: within the century around today. */
export function fullYear(year: number): number {
  return year >= 100 ? year : year + (year < 70 ? 2000 : 1900);
}

/** OFX dates: `YYYYMMDD` then optional time and zone, which a posted day does not need. */
export function ofxDate(text: string, line: number, element: string): string {
  const found = /^(\d{4})(\d{2})(\d{2})/.exec(text.trim());
  const date = found ? isoDate(Number(found[1]), Number(found[2]), Number(found[3])) : null;
  if (!date) throw new StatementError(`line ${line}: <${element}> "${text}" is not a date`, { line, element });
  return date;
}
