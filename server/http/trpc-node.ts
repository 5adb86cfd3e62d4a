// tRPC answered from Node's request, before Next.js's router. Next.js's own handling (routing,
// turning Node's request into a Web one and the answer back through web streams, compression)
// was half of the web process's CPU for a list request; the web server (server/http/main.js)
// gives /api/trpc to this handler instead, which the app leaves for it when it starts
// (instrumentation.ts). It answers with the route's own code (answerTrpcCall: the endpoint's
// limits, the context, the metrics) and the headers Next.js gives every API answer, and tells the
// browser the server's own time for the answer (Server-Timing).

import type { IncomingMessage, ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { promisify } from "node:util";
import { gzip, gzipSync } from "node:zlib";
import { parseCookie } from "cookie";
import { SESSION_COOKIE } from "@/server/auth/options";
import { sessionStateOf } from "@/server/auth/session";
import { log } from "@/server/log";
import { answerTrpcCall } from "@/server/trpc/http";
import { acceptsEncoding } from "./compressed-assets.js";
import { headerRecord, headersOnApiResponses, headersOnEveryResponse } from "./response-headers.js";

/** Answers shorter than this go uncompressed, as Next.js sends them. */
const COMPRESS_FROM_BYTES = 1024;
/**
 * Answers up to this size are compressed on the event loop: a 14 kB page takes 0.04 ms so, and
 * 0.11 ms of waiting through the thread pool. Larger ones go to the pool, so that one large answer
 * does not hold up every other request.
 */
export const COMPRESS_IN_LINE_UP_TO_BYTES = 64 * 1024;

/**
 * gzip's fastest level, nginx's default for answers made per request: half the time of the
 * default level for a page a tenth larger, a few hundred bytes on a 14 kB page.
 */
const GZIP = { level: 1 };
const gzipInPool = promisify(gzip);

export const compressAnswer = (body: Buffer): Promise<Buffer> =>
  body.length <= COMPRESS_IN_LINE_UP_TO_BYTES ? Promise.resolve(gzipSync(body, GZIP)) : gzipInPool(body, GZIP);

/** What Next.js gives every API answer (next.config.js): the web server only runs in production. */
const API_HEADERS = {
  ...headerRecord(headersOnEveryResponse({ dev: false })),
  ...headerRecord(headersOnApiResponses()),
};

/** Node's request as a Web one; the client's address as Next.js records it when no proxy gave one. */
function webRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === "string") headers.set(name, value);
    else if (value) for (const item of value) headers.append(name, item);
  }
  if (!headers.has("x-forwarded-for") && req.socket.remoteAddress)
    headers.set("x-forwarded-for", req.socket.remoteAddress);
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(new URL(req.url ?? "/", "http://localhost"), {
    method: req.method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
    duplex: "half",
  } as RequestInit);
}

/**
 * The server's own time for the answer, shown by a browser's developer tools beside the request
 * (the Server-Timing header): the session read, and the whole answer up to its headers (the call,
 * its body and compression, without the socket's delivery). What `npm run bench:portal` reads as a
 * request's server time.
 */
const serverTiming = (timings: { session: number | null; total: number }) =>
  [
    ...(timings.session === null ? [] : [`session;desc="session read";dur=${timings.session.toFixed(2)}`]),
    `total;dur=${timings.total.toFixed(2)}`,
  ].join(", ");

export async function serveTrpc(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = performance.now();
  let sessionMs: number | null = null;
  try {
    const answer = await answerTrpcCall(webRequest(req), async (request) => {
      const reading = performance.now();
      try {
        return await sessionStateOf(parseCookie(request.headers.get("cookie") ?? "")[SESSION_COOKIE], request.headers);
      } finally {
        sessionMs = performance.now() - reading;
      }
    });
    let body: Buffer = Buffer.from(await answer.arrayBuffer());
    const headers: Record<string, string | number> = { ...API_HEADERS, ...Object.fromEntries(answer.headers) };
    if (body.length >= COMPRESS_FROM_BYTES && acceptsEncoding(req.headers["accept-encoding"], "gzip")) {
      body = await compressAnswer(body);
      headers["content-encoding"] = "gzip";
      headers["vary"] = headers["vary"] ? `${headers["vary"]}, Accept-Encoding` : "Accept-Encoding";
    }
    headers["content-length"] = body.length;
    headers["server-timing"] = serverTiming({ session: sessionMs, total: performance.now() - started });
    res.writeHead(answer.status, headers);
    res.end(body);
  } catch (err) {
    log.error({ err, url: req.url }, "tRPC request failed");
    if (!res.headersSent) res.writeHead(500, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ error: "internal error" }));
  }
}
