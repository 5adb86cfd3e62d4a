import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import type { SessionState } from "@/server/auth/sessions";
import { clientAddress } from "@/server/client-address";
import { getDb } from "@/server/db/client";
import { TRPC_ENDPOINT } from "@/server/http/handoff.js";
import { bufferedWithin, requestIdOf } from "@/server/http/read-body";
import { recordHttpRequest } from "@/server/metrics/trpc";
import { createInnerContext, type Context } from "./context";
import { MAX_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "./limits";
import { appRouter } from "./router";

/** The tRPC endpoint: body and batch limits, the request id, and answers no cache keeps. */
export async function handleTrpcRequest(
  incoming: Request,
  createContext: (req: Request, requestId: string) => Promise<Context>,
): Promise<Response> {
  const body = await bufferedWithin(incoming, MAX_TRPC_BODY_BYTES);
  if (!body.ok) return body.response;
  const req = body.req;
  const requestId = requestIdOf(req.headers);
  return fetchRequestHandler({
    endpoint: TRPC_ENDPOINT,
    req,
    router: appRouter,
    maxBatchSize: MAX_BATCH_SIZE,
    createContext: () => createContext(req, requestId),
    // Every answer is about the person asking: never kept by a browser or a shared cache.
    responseMeta: () => ({ headers: new Headers({ "Cache-Control": "no-store", "X-Request-Id": requestId }) }),
  });
}

/**
 * A call from the portal or the console: the endpoint with the context of whoever `readSession`
 * finds, timed for the metrics. The route (app/api/trpc) and the web server's own handler
 * (server/http/trpc-node.ts) differ only in how they read the session cookie.
 */
export async function answerTrpcCall(
  req: Request,
  readSession: (req: Request) => Promise<SessionState>,
): Promise<Response> {
  const started = performance.now();
  try {
    return await handleTrpcRequest(req, async (request, requestId) => {
      const session = await readSession(request);
      return createInnerContext({
        db: getDb(),
        user: session.kind === "active" ? session.user : null,
        pendingSignIn: session.kind === "code-required" ? session.user : null,
        memberships: session.kind === "active" ? session.memberships : null,
        ipAddress: clientAddress(request.headers),
        requestId,
      });
    });
  } finally {
    recordHttpRequest("trpc", started);
  }
}
