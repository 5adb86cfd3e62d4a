import { getSessionState } from "@/server/auth/session";
import { recordHttpRequest } from "@/server/metrics/trpc";
import { requestContext } from "@/server/trpc/request-context";
import { handleTrpcRequest } from "@/server/trpc/http";

// The production web server answers /api/trpc before Next.js's router (server/http/trpc-node.ts);
// this route serves it under `next dev` and whenever that handler is not there.
async function handler(req: Request) {
  const started = performance.now();
  const res = await handleTrpcRequest(req, async (request, requestId) =>
    requestContext(request, requestId, await getSessionState()),
  );
  recordHttpRequest("trpc", started);
  return res;
}

export { handler as GET, handler as POST };
