import type { SessionState } from "@/server/auth/sessions";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { createInnerContext, type Context } from "./context";

/** The context of a procedure called over HTTP, by the person of `session`. */
export function requestContext(request: Request, requestId: string, session: SessionState): Context {
  return createInnerContext({
    db: getDb(),
    user: session.kind === "active" ? session.user : null,
    pendingSignIn: session.kind === "code-required" ? session.user : null,
    memberships: session.kind === "active" ? session.memberships : null,
    ipAddress: clientAddress(request.headers),
    requestId,
  });
}
