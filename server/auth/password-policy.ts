import { dictionary } from "@zxcvbn-ts/language-common";

// At least 12 characters and not one of the ~49 000 most common passwords (the list shipped
// with @zxcvbn-ts/language-common), nor the person's own email or name.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set((dictionary["passwords-common"] as string[]).map((p) => p.toLowerCase()));
  return common;
}

/** What is wrong with a new password, in words for its owner; null when it is fine. */
export function passwordProblem(password: string, person: { email?: string; name?: string } = {}): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Use at most ${MAX_PASSWORD_LENGTH} characters.`;
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower) || /^(.)\1+$/.test(password))
    return "That password is one of the most common ones. Choose another.";
  const local = person.email?.split("@")[0]?.toLowerCase();
  if (
    (local && local.length >= 4 && lower.includes(local)) ||
    lower === person.email?.toLowerCase() ||
    (person.name && lower === person.name.toLowerCase())
  ) {
    return "Do not use your email or name as the password.";
  }
  return null;
}
