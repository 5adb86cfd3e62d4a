import { signValue, verifySigned } from "@/server/auth/tokens";
import type { Db } from "@/server/db/client";
import { OPTIONAL_MAIL, type OptionalMail } from "./templates";

// One-click stop links: "<userId>:<kind>" signed with a key derived from NEXTAUTH_SECRET, so the
// link needs no table and cannot be made for someone else.

const PURPOSE = "unsubscribe";

export function unsubscribeToken(userId: string, kind: OptionalMail): string {
  return signValue(`${userId}:${kind}`, PURPOSE);
}

export function unsubscribeUrl(appUrl: string, userId: string, kind: OptionalMail): string {
  return `${appUrl}/unsubscribe/${encodeURIComponent(unsubscribeToken(userId, kind))}`;
}

export function readUnsubscribeToken(token: string): { userId: string; kind: OptionalMail } | null {
  const value = verifySigned(token, PURPOSE);
  if (!value) return null;
  const [userId, kind] = value.split(":");
  if (!userId || !kind || !(kind in OPTIONAL_MAIL)) return null;
  return { userId, kind: kind as OptionalMail };
}

export async function setMailPreference(db: Db, userId: string, kind: OptionalMail, wanted: boolean) {
  await db.user.update({
    where: { id: userId },
    data: kind === "connection-problems" ? { emailConnectionProblems: wanted } : { emailWeeklySummary: wanted },
  });
}
