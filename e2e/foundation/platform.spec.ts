import { expect, test, type Response } from "@playwright/test";

test.describe("platform", () => {
  test("every page carries the security headers", async ({ request }) => {
    for (const path of ["/sign-in", "/api/health"]) {
      const response = await request.get(path);
      const headers = response.headers();
      expect(headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(headers["content-security-policy"]).not.toContain("unsafe-eval");
      expect(headers["referrer-policy"]).toBe("strict-origin-when-cross-origin");
      expect(headers["strict-transport-security"]).toMatch(/max-age=\d+/);
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect(headers["x-frame-options"]).toBe("DENY");
    }
  });

  test("pages run only the scripts of their own nonce, a new one every response", async ({ request }) => {
    const nonces = [];
    for (let i = 0; i < 2; i++) {
      const response = await request.get("/sign-in");
      const scriptSrc = response
        .headers()
        ["content-security-policy"]!.split(";")
        .find((d) => d.trim().startsWith("script-src"))!;
      expect(scriptSrc).not.toContain("'unsafe-inline'");
      const nonce = /'nonce-([^']+)'/.exec(scriptSrc)![1]!;
      const html = await response.text();
      const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
      nonces.push(nonce);
    }
    expect(nonces[0]).not.toBe(nonces[1]);
  });

  test("a page's scripts arrive compressed with Brotli, cached for good and with the security headers", async ({
    page,
  }) => {
    const scripts: Response[] = [];
    page.on("response", (res) => {
      if (res.request().resourceType() === "script") scripts.push(res);
    });
    await page.goto("/sign-in");
    await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
    expect(scripts.length).toBeGreaterThan(0);
    for (const script of scripts) {
      const headers = await script.allHeaders();
      expect(headers["content-encoding"], script.url()).toBe("br");
      expect(headers["cache-control"]).toBe("public, max-age=31536000, immutable");
      expect(headers["x-content-type-options"]).toBe("nosniff");
      expect((await script.request().sizes()).responseBodySize).toBeLessThan((await script.body()).length);
    }
  });

  test("tRPC answers carry the API's headers, and the metrics count them", async ({ request }) => {
    const calls = async () => {
      const text = await (await request.get("/api/metrics")).text();
      return text
        .split("\n")
        .filter(
          (line) => line.startsWith("bankline_trpc_calls_total{") && line.includes('procedure="auth.signInState"'),
        )
        .reduce((sum, line) => sum + Number(line.split(" ").at(-1)), 0);
    };
    const before = await calls();
    const input = encodeURIComponent(JSON.stringify({ 0: {} }));
    const response = await request.get(`/api/trpc/auth.signInState?batch=1&input=${input}`);
    expect(response.status()).toBe(200);
    const headers = response.headers();
    expect(headers["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers["x-frame-options"]).toBe("DENY");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    expect(headers["cache-control"]).toBe("no-store");
    expect(await calls()).toBeGreaterThan(before);
  });

  test("the health check reports the database", async ({ request }) => {
    const response = await request.get("/api/health");
    expect(response.status()).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "reachable" });
  });
});
