import { getSessionState } from "@/server/auth/session";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { createInnerContext } from "@/server/trpc/context";
import { handleTrpcRequest } from "@/server/trpc/http";

function handler(req: Request) {
  return handleTrpcRequest(req, async (request, requestId) => {
    const session = await getSessionState();
    return createInnerContext({
      db: getDb(),
      user: session.kind === "active" ? session.user : null,
      pendingSignIn: session.kind === "code-required" ? session.user : null,
      ipAddress: clientAddress(request.headers),
      requestId,
    });
  });
}

export { handler as GET, handler as POST };
