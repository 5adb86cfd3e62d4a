import { cookies, headers } from "next/headers";
import { cache } from "react";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { withoutTenantRows } from "@/server/db/tenancy";
import { SESSION_COOKIE } from "./options";
import { readSessionToken } from "./session-token";
import { checkSession, type SessionState, type SessionUser } from "./sessions";

export type { SessionUser } from "./sessions";

/**
 * The session of a request with this session cookie (next-auth's, as sent) and these headers,
 * checked against its row in PostgreSQL (ended, idle, too old, or waiting for its second
 * factor), with the person's memberships.
 */
export async function sessionStateOf(cookie: string | undefined, headers: Headers): Promise<SessionState> {
  const secret = process.env.NEXTAUTH_SECRET;
  const token = cookie && secret ? await readSessionToken(cookie, secret) : null;
  if (!token) return { kind: "none" };
  const ipAddress = clientAddress(headers);
  return withoutTenantRows(() => checkSession(getDb(), token, { ipAddress }));
}

/** This request's session (`sessionStateOf`), cached per request. */
export const getSessionState = cache(async (): Promise<SessionState> => {
  return sessionStateOf((await cookies()).get(SESSION_COOKIE)?.value, await headers());
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
