import { hash, verify } from "@node-rs/argon2";

// Argon2id with OWASP's minimum memory-hard settings (19 MiB, 2 passes).
const options = { algorithm: 2 /* Argon2id */ as const, memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Checks a password against a person's hash, or against a hash nobody's password matches when
 * there is no such person: the answer takes as long either way, so its timing does not tell
 * which emails have accounts.
 */
export async function verifyPasswordOrDummy(
  passwordHash: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (passwordHash) return verifyPassword(passwordHash, password);
  dummyHash ??= hashPassword(`no account ${crypto.randomUUID()}`);
  await verifyPassword(await dummyHash, password);
  return false;
}
