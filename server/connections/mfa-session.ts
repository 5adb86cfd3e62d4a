import { decryptSecret, encryptSecret } from "@/server/auth/tokens";

// The aggregator's MFA session travels back with the answer, so it must be recoverable: it is
// kept encrypted (AES-256-GCM, key derived from NEXTAUTH_SECRET, like authenticator keys),
// never in clear, and lives only minutes.

const PURPOSE = "aggregator-mfa-session";

export const sealMfaSession = (session: string) => encryptSecret(session, PURPOSE);

export function openMfaSession(stored: string): string {
  // A row written before sessions were sealed: its question expires within minutes anyway.
  return stored.startsWith("v1.") ? decryptSecret(stored, PURPOSE) : stored;
}
