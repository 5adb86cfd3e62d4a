import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A pass-through proxy in front of the sandbox that counts refresh requests per login (and
// how many were in flight at once, overall and per institution), and holds each refresh answer for a while after the
// sandbox has acted on it: a worker killed then has refreshed at the aggregator without
// hearing back, the case a crash makes hard.

const REFRESH = /^\/v1\/institution-logins\/([^/]+)\/refresh$/;

export async function countingProxy(
  target: string,
  options: {
    holdRefreshAnswerMs: number;
    /** The institution of a login (refresh requests name only the login); unknown logins count under "?". */
    institutionOf?: (loginId: string) => string | undefined;
  },
) {
  const refreshes = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;
  const inFlightAt = new Map<string, number>();
  const maxInFlightAt = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      const path = req.url ?? "/";
      const refresh = req.method === "POST" ? REFRESH.exec(path.split("?")[0]!) : null;
      const institution = refresh ? (options.institutionOf?.(decodeURIComponent(refresh[1]!)) ?? "?") : "";
      if (refresh) {
        refreshes.set(refresh[1]!, (refreshes.get(refresh[1]!) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        const atInstitution = (inFlightAt.get(institution) ?? 0) + 1;
        inFlightAt.set(institution, atInstitution);
        maxInFlightAt.set(institution, Math.max(maxInFlightAt.get(institution) ?? 0, atInstitution));
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if (typeof v === "string" && k !== "host" && k !== "connection") headers[k] = v;
      try {
        const upstream = await fetch(`${target}${path}`, {
          method: req.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        });
        const body = Buffer.from(await upstream.arrayBuffer());
        if (refresh) await new Promise((r) => setTimeout(r, options.holdRefreshAnswerMs));
        res
          .writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" })
          .end(body);
      } catch {
        res.destroy();
      } finally {
        if (refresh) {
          inFlight--;
          inFlightAt.set(institution, inFlightAt.get(institution)! - 1);
        }
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refreshes,
    /** The most refresh requests the proxy held at once. */
    maxInFlight: () => maxInFlight,
    /** Per institution, the most refresh requests the proxy held at once. */
    maxInFlightByInstitution: () => new Map(maxInFlightAt),
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
