// @ts-check
// The production web server (`npm run web`, on PORT, default 3000): Next.js's own request
// handling, in front of which the build's static files are served Brotli-compressed
// (compressed-assets.js). Run `npm run build` first.

import { createServer } from "node:http";
import path from "node:path";
import { compressStaticAssets, serveCompressedAsset } from "./compressed-assets.js";
import { headersOnEveryResponse } from "./response-headers.js";

process.env.NODE_ENV = "production";
// Imported once NODE_ENV is set, as `next start` sets it before loading Next.js's server.
const { default: next } = await import("next");

const root = path.resolve(import.meta.dirname, "../..");
const port = Number(process.env.PORT ?? 3000);
const app = next({ dev: false, dir: root, port });
const [assets] = await Promise.all([compressStaticAssets(path.join(root, ".next/static")), app.prepare()]);
const handle = app.getRequestHandler();
const headers = Object.fromEntries(headersOnEveryResponse({ dev: false }).map(({ key, value }) => [key, value]));

const server = createServer((req, res) => {
  if (!serveCompressedAsset(assets, headers, req, res)) void handle(req, res);
});
server.listen(port);

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, () => {
    server.close(() => void app.close().finally(() => process.exit(0)));
    server.closeIdleConnections();
  });
}
