import { getDb } from "@/server/db/client";
import { log } from "@/server/log";

export const dynamic = "force-dynamic";

export async function GET() {
  try {
    await getDb().$queryRaw`SELECT 1`;
    return Response.json({ status: "ok", database: "reachable" });
  } catch (err) {
    log.error({ err }, "health check: database unreachable");
    return Response.json({ status: "unavailable", database: "unreachable" }, { status: 503 });
  }
}
