import http, { type IncomingHttpHeaders } from "node:http";

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  /** The body as sent, not decompressed (fetch would decompress it). */
  body: Buffer;
}

/** One HTTP request over a real socket, its answer exactly as the server sent it. */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    http
      .request(url, { method: options.method ?? "GET", headers: options.headers }, (res) => {
        const parts: Buffer[] = [];
        res.on("data", (part: Buffer) => parts.push(part));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(parts) }));
      })
      .on("error", reject)
      .end(options.body);
  });
}
