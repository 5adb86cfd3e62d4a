import { StatementError } from "./types";

export const DECIMAL_MARKS = [".", ","] as const;
export type DecimalMark = (typeof DECIMAL_MARKS)[number];

/**
 * Money as banks print it to integer cents, digit by digit: "-1,234.56", "1.234,56" (decimal comma),
 * "(12.00)" and "12.00-" for money out, "$", "€" or a currency code around it. Never through a float.
 */
export function parseMoney(text: string, decimalMark: DecimalMark, line: number): number {
  let value = text.trim().replace(/\u00a0/g, " ");
  let negative = false;
  if (/^\(.*\)$/.test(value)) {
    negative = true;
    value = value.slice(1, -1).trim();
  }
  value = value.replace(/^[A-Z]{3}\s*|\s*[A-Z]{3}$/g, "").replace(/[$€£¥\s]/g, "");
  if (value.endsWith("-")) {
    negative = !negative;
    value = value.slice(0, -1);
  } else if (value.startsWith("-")) {
    negative = !negative;
    value = value.slice(1);
  } else if (value.startsWith("+")) value = value.slice(1);
  if (value.startsWith("-"))
    throw new StatementError(`line ${line}: the amount "${text}" has two minus signs`, { line });
  const thousands = decimalMark === "." ? "," : ".";
  const parts = value.split(decimalMark);
  if (parts.length > 2) throw new StatementError(`line ${line}: "${text}" is not an amount`, { line });
  const [whole = "", fraction = ""] = parts;
  const groups = whole.split(thousands);
  const digitsOnly = /^\d*$/;
  const wellGrouped =
    groups.length === 1 || (/^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((group) => /^\d{3}$/.test(group)));
  if (
    !wellGrouped ||
    !groups.every((group) => digitsOnly.test(group)) ||
    !digitsOnly.test(fraction) ||
    (whole === "" && fraction === "")
  ) {
    throw new StatementError(`line ${line}: "${text}" is not an amount`, { line });
  }
  if (/[1-9]/.test(fraction.slice(2)))
    throw new StatementError(`line ${line}: the amount "${text}" has more than 2 decimal places`, { line });
  const cents = BigInt(groups.join("") || "0") * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  if (cents >= 1_000_000_000n)
    throw new StatementError(`line ${line}: the amount "${text}" is too large (at most 9,999,999.99)`, { line });
  const result = Number(cents);
  return negative && result !== 0 ? -result : result;
}
