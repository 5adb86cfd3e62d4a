import { getSessionState } from "@/server/auth/session";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { recordHttpRequest } from "@/server/metrics/trpc";
import { createInnerContext } from "@/server/trpc/context";
import { handleTrpcRequest } from "@/server/trpc/http";

async function handler(req: Request) {
  const started = performance.now();
  const res = await handleTrpcRequest(req, async (request, requestId) => {
    const session = await getSessionState();
    return createInnerContext({
      db: getDb(),
      user: session.kind === "active" ? session.user : null,
      pendingSignIn: session.kind === "code-required" ? session.user : null,
      memberships: session.kind === "active" ? session.memberships : null,
      ipAddress: clientAddress(request.headers),
      requestId,
    });
  });
  recordHttpRequest("trpc", started);
  return res;
}

export { handler as GET, handler as POST };
