import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { TRPC_ENDPOINT } from "@/server/http/handoff.js";
import { bufferedWithin, requestIdOf } from "@/server/http/read-body";
import type { Context } from "./context";
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
