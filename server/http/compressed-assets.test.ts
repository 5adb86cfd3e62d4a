import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { brotliDecompressSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptsEncoding, compressStaticAssets, serveCompressedAsset } from "./compressed-assets.js";
import { headerRecord, headersOnEveryResponse } from "./response-headers.js";
import { rawRequest } from "./testing/raw-request";

// A build's static folder, served as server/http/main.js serves it: what is not answered
// compressed falls through to the next handler (Next.js there, a marker here).

const chunk = `export const feed = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `row ${i}`))};\n`;
const styles = "body { color: #111; }\n".repeat(50);
const FALL_THROUGH = "answered by Next.js";

let dir: string;
let server: http.Server;
let base: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "bankline-static-"));
  await mkdir(path.join(dir, "chunks"), { recursive: true });
  await mkdir(path.join(dir, "media"), { recursive: true });
  await writeFile(path.join(dir, "chunks/0abc.js"), chunk);
  await writeFile(path.join(dir, "chunks/[root]__page.css"), styles);
  await writeFile(path.join(dir, "media/logo.woff2"), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  const assets = await compressStaticAssets(dir);
  const headers = headerRecord(headersOnEveryResponse({ dev: false }));
  server = http.createServer((req, res) => {
    if (!serveCompressedAsset(assets, headers, req, res)) res.end(FALL_THROUGH);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

const get = (urlPath: string, headers: Record<string, string>, method = "GET") =>
  rawRequest(`${base}${urlPath}`, { method, headers });

const browser = { "accept-encoding": "gzip, deflate, br, zstd" };

describe("the build's static files", () => {
  it("go to a browser that accepts Brotli compressed with it, smaller than the file and the same once decoded", async () => {
    const res = await get("/_next/static/chunks/0abc.js", browser);
    expect(res.status).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(res.headers["content-type"]).toBe("application/javascript; charset=utf-8");
    expect(res.headers["vary"]).toBe("Accept-Encoding");
    expect(res.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    expect(Number(res.headers["content-length"])).toBe(res.body.length);
    expect(res.body.length).toBeLessThan(Buffer.byteLength(chunk) / 4);
    expect(brotliDecompressSync(res.body).toString()).toBe(chunk);
  });

  it("carry the headers every response carries", async () => {
    const res = await get("/_next/static/chunks/0abc.js", browser);
    for (const { key, value } of headersOnEveryResponse({ dev: false }))
      expect(res.headers[key.toLowerCase()]).toBe(value);
  });

  it("are found by their URL when the name has characters a URL escapes, and whatever the query", async () => {
    const res = await get("/_next/static/chunks/%5Broot%5D__page.css?dpl=1", browser);
    expect(res.headers["content-type"]).toBe("text/css; charset=utf-8");
    expect(brotliDecompressSync(res.body).toString()).toBe(styles);
  });

  it("answer HEAD with the length and no body", async () => {
    const res = await get("/_next/static/chunks/0abc.js", browser, "HEAD");
    expect(res.headers["content-encoding"]).toBe("br");
    expect(Number(res.headers["content-length"])).toBeGreaterThan(0);
    expect(res.body.length).toBe(0);
  });

  it.each([
    ["a browser that accepts only gzip", "/_next/static/chunks/0abc.js", { "accept-encoding": "gzip, deflate" }],
    ["a browser that refuses Brotli", "/_next/static/chunks/0abc.js", { "accept-encoding": "gzip, br;q=0" }],
    ["a file the build does not have", "/_next/static/chunks/missing.js", browser],
    ["a file that is not text", "/_next/static/media/logo.woff2", browser],
    ["a path outside the static folder", "/chunks/0abc.js", browser],
    ["a path that escapes the folder", "/_next/static/../../etc/passwd", browser],
    ["a malformed escape", "/_next/static/chunks/%E0%A4%A.js", browser],
  ])("leave %s to Next.js", async (_, urlPath, headers) => {
    const res = await get(urlPath, headers);
    expect(res.headers["content-encoding"]).toBeUndefined();
    expect(res.body.toString()).toBe(FALL_THROUGH);
  });
});

describe("Accept-Encoding", () => {
  it.each([
    ["br", true],
    ["gzip, deflate, br, zstd", true],
    ["gzip;q=1.0, BR;q=0.5", true],
    ["br;q=0", false],
    ["br;q=0.0", false],
    ["gzip, deflate", false],
    ["brotli", false],
    ["", false],
    [undefined, false],
  ])("%j accepts Brotli: %s", (header, accepted) => {
    expect(acceptsEncoding(header, "br")).toBe(accepted);
  });
});
