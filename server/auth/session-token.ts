import { createSecretKey, hkdfSync, type KeyObject } from "node:crypto";
import { jwtDecrypt } from "jose";

// Reading the session token out of next-auth's cookie (an encrypted JWT, A256GCM under a key
// derived from NEXTAUTH_SECRET), as next-auth's own `decode` does, without its per-call cost:
// `decode` derives the key with HKDF and imports it on every request, a fifth of a portal
// request's CPU. Here the key is derived once per secret, and a cookie already read is not
// decrypted again while it is valid (the same browser sends the same cookie on every request).
// Whether the session is still good is decided by its row in PostgreSQL, every time.

const CACHE_SIZE = 5_000;
/** next-auth's decode accepts an expiry this many seconds past. */
const CLOCK_TOLERANCE_S = 15;

let derived: { secret: string; key: KeyObject } | null = null;
const readCookies = new Map<string, { sid: string | null; exp: number | null }>();

function keyFor(secret: string): KeyObject {
  if (derived?.secret !== secret) {
    // next-auth 4's getDerivedEncryptionKey with an empty salt.
    const bytes = hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32);
    derived = { secret, key: createSecretKey(Buffer.from(bytes)) };
    readCookies.clear();
  }
  return derived.key;
}

/** The session token (`sid`) in a next-auth session cookie, or null when it is not a good one. */
export async function readSessionToken(
  cookie: string,
  secret: string,
  nowS = Date.now() / 1000,
): Promise<string | null> {
  const key = keyFor(secret);
  let read = readCookies.get(cookie);
  if (!read) {
    try {
      const { payload } = await jwtDecrypt(cookie, key, { clockTolerance: CLOCK_TOLERANCE_S });
      read = {
        sid: typeof payload.sid === "string" ? payload.sid : null,
        exp: typeof payload.exp === "number" ? payload.exp : null,
      };
    } catch {
      return null;
    }
    if (readCookies.size >= CACHE_SIZE) readCookies.delete(readCookies.keys().next().value!);
    readCookies.set(cookie, read);
  }
  if (read.exp !== null && read.exp + CLOCK_TOLERANCE_S < nowS) {
    readCookies.delete(cookie);
    return null;
  }
  return read.sid;
}
