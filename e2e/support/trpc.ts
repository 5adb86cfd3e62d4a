import { test, type Page } from "@playwright/test";
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import superjson from "superjson";
import type { AppRouter } from "@/server/trpc/router";

/**
 * The app's own tRPC API as the signed-in page's person: superjson-encoded batches posted to
 * /api/trpc with the page's session cookie. For steps a spec needs done but is not about
 * (linking a bank before testing the feed, say).
 */
export async function apiAs(page: Page) {
  const cookie = (await page.context().cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const baseURL = test.info().project.use.baseURL!;
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({ url: new URL("/api/trpc", baseURL).toString(), transformer: superjson, headers: { cookie } }),
    ],
  });
}

export type Api = Awaited<ReturnType<typeof apiAs>>;
