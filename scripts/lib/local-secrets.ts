import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";

/**
 * Secrets for a laptop or test stack, generated once and kept beside the embedded data so
 * sessions survive a restart. A real deployment sets them in the environment instead.
 */
export function localSecrets(dataDir: string): { NEXTAUTH_SECRET: string; AGGREGATOR_WEBHOOK_SECRET: string } {
  const file = path.join(dataDir, "local-secrets.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  mkdirSync(dataDir, { recursive: true });
  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString("base64url"),
    AGGREGATOR_WEBHOOK_SECRET: randomBytes(32).toString("base64url"),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
