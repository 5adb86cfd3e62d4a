import { NextResponse, type NextRequest } from "next/server";
import { contentSecurityPolicy } from "@/server/http/security-headers";

// Every page gets a Content-Security-Policy with a nonce of its own: Next.js reads the nonce
// from the request's policy and puts it on its scripts, so no inline script runs without it.
// Nothing a signed-in person is shown may be kept by a browser or a proxy cache.

export function proxy(request: NextRequest) {
  const nonce = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  const framed = request.nextUrl.pathname === "/connect/return";
  const policy = contentSecurityPolicy({
    nonce,
    frameAncestors: framed ? "'self'" : "'none'",
    dev: process.env.NODE_ENV !== "production",
  });

  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("x-nonce", nonce);
  requestHeaders.set("Content-Security-Policy", policy);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", policy);
  response.headers.set("X-Frame-Options", framed ? "SAMEORIGIN" : "DENY");
  response.headers.set("Cache-Control", "no-store");
  return response;
}

export const config = {
  matcher: ["/((?!api/|_next/static|_next/image|icon.svg|favicon.ico).*)"],
};
