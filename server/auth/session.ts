import { cookies, headers } from "next/headers";
import { cache } from "react";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { withoutTenantRows } from "@/server/db/tenancy";
import { SESSION_COOKIE } from "./options";
import { readSessionToken } from "./session-token";
import { checkSession, type SessionState, type SessionUser } from "./sessions";

export type { SessionUser } from "./sessions";

/** The session token inside this request's next-auth cookie, if any. */
async function sessionToken(): Promise<string | null> {
  const raw = (await cookies()).get(SESSION_COOKIE)?.value;
  const secret = process.env.NEXTAUTH_SECRET;
  if (!raw || !secret) return null;
  return readSessionToken(raw, secret);
}

/**
 * This request's session, checked against its row in PostgreSQL (ended, idle, too old, or
 * waiting for its second factor), with the person's memberships. Cached per request.
 */
export const getSessionState = cache(async (): Promise<SessionState> => {
  const token = await sessionToken();
  if (!token) return { kind: "none" };
  const ipAddress = clientAddress(await headers());
  return withoutTenantRows(() => checkSession(getDb(), token, { ipAddress }));
});

/**
 * The signed-in user for this request, read fresh from the database so a removed user, a
 * changed staff role or an ended session takes effect at once. Null while a second factor is
 * still owed.
 */
export const getSessionUser = cache(async (): Promise<SessionUser | null> => {
  const state = await getSessionState();
  return state.kind === "active" ? state.user : null;
});
