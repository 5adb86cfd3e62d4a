const DECIMAL_AMOUNT = /^([+-]?)(\d*)(?:\.(\d*))?$/;

export type AmountParse = { ok: true; cents: number } | { ok: false; error: string };

/**
 * Signed decimal text ("-5.00", "1234.5", "+12") to integer cents, digit by digit, never through a float.
 * Extra decimal places are accepted only when they are zeros ("1.230"), so no amount is ever rounded.
 */
export function parseAmountCents(text: string): AmountParse {
  const trimmed = text.trim();
  const parts = DECIMAL_AMOUNT.exec(trimmed);
  if (!parts || trimmed === "" || (parts[2] === "" && (parts[3] ?? "") === "")) {
    return { ok: false, error: `"${text}" is not a signed decimal amount like -5.00 or 1234.5` };
  }
  const [, sign, whole, fraction = ""] = parts as unknown as [string, string, string, string | undefined];
  if (/[1-9]/.test(fraction.slice(2))) {
    return { ok: false, error: `"${text}" has more than 2 decimal places` };
  }
  const cents = BigInt(whole === "" ? "0" : whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return { ok: false, error: `"${text}" is too large` };
  const value = Number(cents);
  return { ok: true, cents: sign === "-" && value !== 0 ? -value : value };
}

/** Integer cents as a plain signed decimal with two places, e.g. -500 → "-5.00". */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}
