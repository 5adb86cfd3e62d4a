import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from "node:crypto";

// Secrets Bankline hands out (links' tokens, session tokens, recovery codes) are random and kept
// only as SHA-256 hashes. Secrets it must read back (authenticator keys) are encrypted with a key
// derived from NEXTAUTH_SECRET; signed values (unsubscribe links) use another key derived from it.

/** A random token for a link or a session cookie: 32 bytes, base64url. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

// Tests and a laptop without a configured secret still work; production refuses to start
// without NEXTAUTH_SECRET (server/env.js).
const DEVELOPMENT_SECRET = "bankline-development-secret-not-for-production";

function appKey(purpose: string): Buffer {
  const secret = process.env.NEXTAUTH_SECRET || DEVELOPMENT_SECRET;
  return Buffer.from(hkdfSync("sha256", secret, "bankline", purpose, 32));
}

/** AES-256-GCM; the result is "v1.<iv>.<tag>.<ciphertext>" in base64url. */
export function encryptSecret(plain: string, purpose = "totp"): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", appKey(purpose), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

export function decryptSecret(sealed: string, purpose = "totp"): string {
  const [version, iv, tag, data] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || !data) throw new Error("Unreadable sealed secret");
  const decipher = createDecipheriv("aes-256-gcm", appKey(purpose), Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

/** "<value>.<signature>": the value is readable, the signature proves Bankline wrote it. */
export function signValue(value: string, purpose: string): string {
  return `${value}.${createHmac("sha256", appKey(purpose)).update(value).digest("base64url")}`;
}

export function verifySigned(signed: string, purpose: string): string | null {
  const at = signed.lastIndexOf(".");
  if (at <= 0) return null;
  const value = signed.slice(0, at);
  const expected = Buffer.from(signValue(value, purpose).slice(at + 1));
  const given = Buffer.from(signed.slice(at + 1));
  return expected.length === given.length && timingSafeEqual(expected, given) ? value : null;
}
