import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { createLogger } from "@/server/log";
import { sandboxConfigFromEnv } from "./config";
import { startSandbox, type Sandbox } from "./server";

// docs/aggregator-api.yaml is the wire API's reference for whoever writes a provider
// adapter or points Bankline at another aggregator: every route the sandbox serves is in
// it, and it describes none the sandbox lacks.

const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox(sandboxConfigFromEnv({ SANDBOX_PORT: "0" }), { log: createLogger({ level: "silent" }) });
});
afterAll(() => sandbox.close());

async function documentedRoutes(): Promise<string[]> {
  const doc = parse(await readFile(path.resolve(import.meta.dirname, "../../../docs/aggregator-api.yaml"), "utf8")) as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([route, item]) =>
    Object.keys(item)
      .filter((key) => HTTP_METHODS.has(key))
      .map((method) => `${method.toUpperCase()} ${route.replace(/\{(\w+)\}/g, ":$1")}`),
  );
}

describe("docs/aggregator-api.yaml", () => {
  it("describes exactly the routes the sandbox serves", async () => {
    const documented = await documentedRoutes();
    expect(documented.length).toBeGreaterThan(15);
    expect(new Set(documented).size).toBe(documented.length);
    const served = sandbox.apiRoutes;
    expect({
      undocumented: served.filter((r) => !documented.includes(r)),
      notServed: documented.filter((r) => !served.includes(r)),
    }).toEqual({
      undocumented: [],
      notServed: [],
    });
  });

  it("lists routes the sandbox really answers", async () => {
    for (const r of sandbox.apiRoutes.filter((r) => r.startsWith("GET ") && !r.includes(":"))) {
      expect((await fetch(`${sandbox.url}${r.slice(4)}`)).status, r).toBe(200);
    }
    expect((await fetch(`${sandbox.url}/v1/not-a-route`)).status).toBe(404);
  });
});
