// Reads a request body up to a size limit, counting bytes as they arrive: a body sent
// without Content-Length (chunked) is refused as soon as it passes the limit, never held
// in memory whole.

export class BodyTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The request body is larger than ${maxBytes} bytes.`);
    this.name = "BodyTooLarge";
  }
}

export async function readBodyWithin(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw new BodyTooLarge(maxBytes);
  if (!req.body) return Buffer.alloc(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, size);
}

/**
 * A copy of the request whose body was read within the limit (413 past it), for handlers
 * that would otherwise read a body of any size.
 */
export async function bufferedWithin(
  req: Request,
  maxBytes: number,
): Promise<{ ok: true; req: Request } | { ok: false; response: Response }> {
  if (req.method === "GET" || req.method === "HEAD") return { ok: true, req };
  try {
    const body = await readBodyWithin(req, maxBytes);
    const headers = new Headers(req.headers);
    headers.delete("content-length");
    headers.delete("transfer-encoding");
    return { ok: true, req: new Request(req.url, { method: req.method, headers, body: new Uint8Array(body) }) };
  } catch (err) {
    if (err instanceof BodyTooLarge)
      return { ok: false, response: Response.json({ error: "body too large" }, { status: 413 }) };
    throw err;
  }
}

/** A request id we can trust in logs: the proxy's when it looks like one, else a new one. */
export function requestIdOf(headers: Headers): string {
  const given = headers.get("x-request-id");
  return given && /^[A-Za-z0-9._-]{8,64}$/.test(given) ? given : crypto.randomUUID();
}
