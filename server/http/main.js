// @ts-check
// The production web server (`npm run web`, on PORT, default 3000): Next.js's own request
// handling, in front of which the build's static files are served Brotli-compressed
// (compressed-assets.js) and tRPC is answered without Next.js's router (trpc-node.ts).
// Run `npm run build` first.

import { createServer } from "node:http";
import path from "node:path";
import { compressStaticAssets, serveCompressedAsset } from "./compressed-assets.js";
import { offeredTrpcHandler, TRPC_ENDPOINT } from "./handoff.js";
import { headerRecord, headersOnEveryResponse } from "./response-headers.js";

process.env.NODE_ENV = "production";
// Imported once NODE_ENV is set, as `next start` sets it before loading Next.js's server.
const { default: next } = await import("next");

const root = path.resolve(import.meta.dirname, "../..");
const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: false, dir: root, port });
const [assets] = await Promise.all([compressStaticAssets(path.join(root, ".next/static")), app.prepare()]);
const handle = app.getRequestHandler();
const headers = headerRecord(headersOnEveryResponse({ dev: false }));

const serveTrpc = offeredTrpcHandler();
if (!serveTrpc)
  console.warn("the app offered no tRPC handler (instrumentation.ts): tRPC goes through Next.js's router");

const server = createServer((req, res) => {
  if (serveTrpc && req.url?.startsWith(`${TRPC_ENDPOINT}/`) && (req.method === "GET" || req.method === "POST"))
    void serveTrpc(req, res);
  else if (!serveCompressedAsset(assets, headers, req, res)) void handle(req, res);
});
server.listen(port);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  });
}
