import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { getSessionUser } from "@/server/auth/session";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { createInnerContext } from "@/server/trpc/context";
import { appRouter } from "@/server/trpc/router";

function handler(req: Request) {
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: async () =>
      createInnerContext({
        db: getDb(),
        user: await getSessionUser(),
        ipAddress: clientAddress(req.headers),
        requestId: req.headers.get("x-request-id") ?? undefined,
      }),
  });
}

export { handler as GET, handler as POST };
