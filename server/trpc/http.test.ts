import { describe, expect, it } from "vitest";
import { createDb } from "@/server/db/client";
import { testDb } from "@/server/testing/db";
import { createOrgWithMembers, testAggregator } from "@/server/testing/fixtures";
import { createInnerContext } from "./context";
import { handleTrpcRequest } from "./http";
import { MAX_BATCH_SIZE, MAX_TRPC_BODY_BYTES } from "./limits";

const base = "http://bankline.test/api/trpc";

describe("the tRPC endpoint", () => {
  it("refuses a batch larger than the cap before running any of it", async () => {
    const paths = Array.from({ length: MAX_BATCH_SIZE + 1 }, () => "auth.signInState").join(",");
    const input = encodeURIComponent(
      JSON.stringify(Object.fromEntries(Array.from({ length: MAX_BATCH_SIZE + 1 }, (_, i) => [i, { json: null }]))),
    );
    let contexts = 0;
    const res = await handleTrpcRequest(
      new Request(`${base}/${paths}?batch=1&input=${input}`),
      async (_req, requestId) => {
        contexts++;
        return createInnerContext({ db: testDb(), user: null, requestId });
      },
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toMatch(/Batch call exceeds maximum size/);
    expect(contexts).toBe(0);
  });

  it("refuses a body past the limit, even one sent in chunks without a length", async () => {
    let sent = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        // Far more than the limit is on offer; the reader must stop soon after the limit.
        if (sent > 50 * MAX_TRPC_BODY_BYTES) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await handleTrpcRequest(
      new Request(`${base}/orgs.create`, {
        method: "POST",
        body,
        duplex: "half",
        headers: { "content-type": "application/json" },
      } as RequestInit),
      async (_req, requestId) => createInnerContext({ db: testDb(), user: null, requestId }),
    );
    expect(res.status).toBe(413);
    expect(sent).toBeLessThan(MAX_TRPC_BODY_BYTES + 4 * chunk.byteLength);
  });

  it("answers an unexpected failure with a generic message and the request id, never the database's text, and no cache keeps it", async () => {
    const home = await createOrgWithMembers(testDb(), "Http");
    // A client for a database that does not exist: every query fails inside PostgreSQL's driver.
    const broken = createDb("postgresql://nobody:wrong@127.0.0.1:1/none");
    const input = encodeURIComponent(JSON.stringify({ json: { orgSlug: home.org.slug } }));
    const res = await handleTrpcRequest(
      new Request(`${base}/connections.list?input=${input}`, { headers: { "x-request-id": "req-0123456789" } }),
      async (_req, requestId) =>
        createInnerContext({ db: broken, user: home.users.OWNER, requestId, aggregator: testAggregator() }),
    );
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(text).toContain("Something went wrong on our side");
    expect(text).toContain("req-0123456789");
    expect(text).not.toMatch(/reach database|ECONNREFUSED|findFirst|127\.0\.0\.1|DATABASE_URL|init\.ts/i);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.headers.get("x-request-id")).toBe("req-0123456789");
    await broken.$disconnect();
  });
});
