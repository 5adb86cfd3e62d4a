// "CHECK 1043", "CHECK #1043", "CHK #1043", "CK# 1043", "CHECK NO. 1043", "Check number 1043 - Joe's Plumbing".
// Cheap first look, so the full pattern runs only on the few descriptions that could name a check.
const MAY_NAME_A_CHECK = /\b(?:che(?:ck|que)|chk|ck)\b/i;
const CHECK_IN_DESCRIPTION = /\b(?:CHECK|CHEQUE|CHK|CK)\s*(?:(?:NO\.?|NUMBER|NUM\.?)\s*)?#?\s*(\d{1,10})\b/i;

/** The check number written in a bank or register description, without leading zeros; null when there is none. */
export function extractCheckNumber(description: string): string | null {
  if (!MAY_NAME_A_CHECK.test(description)) return null;
  const found = CHECK_IN_DESCRIPTION.exec(description);
  return found ? normalizeCheckNumber(found[1]!) : null;
}

/** Digits only, leading zeros dropped, so "001043" and "1043" compare equal; null for an empty value. */
export function normalizeCheckNumber(value: string | null | undefined): string | null {
  if (value == null) return null;
  const digits = value.replace(/\D/g, "").replace(/^0+(?=\d)/, "");
  return digits === "" ? null : digits;
}

/** An explicit check number wins; otherwise the description is read. */
export function resolveCheckNumber(explicit: string | null | undefined, description: string): string | null {
  return normalizeCheckNumber(explicit) ?? extractCheckNumber(description);
}
