import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionState } from "@/server/auth/session";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { createInnerContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/router";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () => {
      const session = await getSessionState();
      return createInnerContext({
        db: getDb(),
        user: session.kind === "active" ? session.user : null,
        pendingSignIn: session.kind === "code-required" ? session.user : null,
        ipAddress: clientAddress(req.headers),
        requestId: req.headers.get("x-request-id") ?? undefined,
      });
    },
  });
}

export { handler as GET, handler as POST };
