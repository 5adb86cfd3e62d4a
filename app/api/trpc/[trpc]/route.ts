import { getSessionState } from "@/server/auth/session";
import { answerTrpcCall } from "@/server/trpc/http";

// The production web server answers /api/trpc before Next.js's router (server/http/trpc-node.ts);
// this route serves it under `next dev` and whenever that handler is not there.
const handler = (req: Request) => answerTrpcCall(req, () => getSessionState());

export { handler as GET, handler as POST };
