// Money and calendar days as the portal shows them. Amounts are integer cents; days are
// `YYYY-MM-DD` calendar dates, shown without a time zone shift.

const usd = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD" });
const longDay = new Intl.DateTimeFormat("en-US", { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });

export const formatMoney = (cents: number) => usd.format(cents / 100);

export const formatDay = (isoDay: string) => longDay.format(new Date(`${isoDay}T00:00:00.000Z`));

/** "1,234.50" or "$12" to cents; null when it is not an amount with at most two decimals. */
export function parseMoney(text: string): number | null {
  const cleaned = text.replace(/[$,\s]/g, "");
  const match = /^(\d+)(?:\.(\d{1,2}))?$/.exec(cleaned);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
}
