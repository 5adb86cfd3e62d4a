import NextAuth from "next-auth";
import { NextRequest } from "next/server";
import { authOptions } from "@/server/auth/options";
import { bufferedWithin } from "@/server/http/read-body";

const nextAuth = NextAuth(authOptions);

/** Sign-in forms are a few hundred bytes: anything past 64 KiB is refused before next-auth reads it. */
const MAX_AUTH_BODY_BYTES = 64 * 1024;

async function handler(incoming: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) {
  const body = await bufferedWithin(incoming, MAX_AUTH_BODY_BYTES);
  if (!body.ok) return body.response;
  const req = body.req === incoming ? incoming : new NextRequest(body.req);
  const response: Response = await nextAuth(req, context);
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export { handler as GET, handler as POST };
