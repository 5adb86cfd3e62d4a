import { afterEach, describe, expect, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import { AggregatorError } from "@/server/aggregator/client/errors";
import { createLogger } from "@/server/log";
import { IN_MEMORY_STATE, sandboxConfigFromEnv } from "./config";
import { startSandbox, type Sandbox } from "./server";

// The process-wide fault injection a sandbox reads from its environment (SANDBOX_ERROR_RATE,
// SANDBOX_DROP_RATE, SANDBOX_OUTAGE), each observed on a private sandbox in this process,
// and where a sandbox keeps its state.

const silent = createLogger({ level: "silent" });
let running: Sandbox | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(env: Record<string, string>) {
  running = await startSandbox(sandboxConfigFromEnv({ SANDBOX_PORT: "0", SANDBOX_RATE_LIMIT_PER_SEC: "0", ...env }), {
    log: silent,
  });
  return running;
}

/** How each of `n` catalog requests ended: its HTTP status, or "dropped" when the connection closed unanswered. */
async function outcomes(sandbox: Sandbox, n: number) {
  const counts = new Map<number | "dropped", number>();
  await Promise.all(
    Array.from({ length: n }, async () => {
      const key = await fetch(`${sandbox.url}/v1/institutions?limit=1`, { headers: { connection: "close" } }).then(
        (res) => res.status,
        () => "dropped" as const,
      );
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }),
  );
  return counts;
}

const link = (sandbox: Sandbox, institutionId: string) =>
  new HttpAggregatorClient({ baseUrl: sandbox.url, logger: silent, retry: { maxAttempts: 1 } }).link({
    organizationId: "org-env-faults",
    institutionId,
    credentials: { username: "demo", password: "go" },
  });

describe("fault injection from the environment", () => {
  it("SANDBOX_ERROR_RATE answers that share of API requests with 500, never /health", async () => {
    const sandbox = await start({ SANDBOX_ERROR_RATE: "0.5" });
    const counts = await outcomes(sandbox, 200);
    expect(counts.get(500)).toBeGreaterThan(60);
    expect(counts.get(200)).toBeGreaterThan(60);
    expect(counts.get(500)! + counts.get(200)!).toBe(200);

    sandbox.faults.defaults = { ...sandbox.faults.defaults, errorRate: 1 };
    const failed = await fetch(`${sandbox.url}/v1/institutions`);
    expect(failed.status).toBe(500);
    expect(await failed.json()).toEqual({ error: { code: null, type: "internal", message: "Injected failure." } });
    expect((await fetch(`${sandbox.url}/health`)).status).toBe(200);
  });

  it("SANDBOX_DROP_RATE closes that share of API connections without an answer", async () => {
    const sandbox = await start({ SANDBOX_DROP_RATE: "0.5" });
    const counts = await outcomes(sandbox, 200);
    expect(counts.get("dropped")).toBeGreaterThan(60);
    expect(counts.get(200)).toBeGreaterThan(60);
    expect(counts.get("dropped")! + counts.get(200)!).toBe(200);

    sandbox.faults.defaults = { ...sandbox.faults.defaults, dropRate: 1 };
    const err = await link(sandbox, "sandbox-bank-personal").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AggregatorError);
    expect(err).toMatchObject({ kind: "network", code: null, retryable: true });
    expect((await fetch(`${sandbox.url}/health`)).status).toBe(200);
  });

  it("SANDBOX_OUTAGE marks the listed institutions down for every login from the start", async () => {
    const sandbox = await start({ SANDBOX_OUTAGE: "desertsunbank-personal, coppercanyonbank-business" });
    for (const id of ["desertsunbank-personal", "coppercanyonbank-business"]) {
      await expect(link(sandbox, id)).rejects.toMatchObject({ code: 910, retryable: true, needsCustomer: false });
      const { institution } = await (await fetch(`${sandbox.url}/v1/institutions/${id}`)).json();
      expect(institution.status).toBe("outage");
    }
    expect((await link(sandbox, "desertsunbank-business")).login.statusCode).toBe(0);
  });
});

describe("sandbox state file", () => {
  it("defaults to the caller's file (npm run sandbox: .data/sandbox-state.json); `memory` keeps none", () => {
    expect(sandboxConfigFromEnv({}).stateFile).toBeNull();
    expect(sandboxConfigFromEnv({}, { defaultStateFile: "/srv/.data/sandbox-state.json" }).stateFile).toBe(
      "/srv/.data/sandbox-state.json",
    );
    expect(
      sandboxConfigFromEnv({ SANDBOX_STATE_FILE: "/tmp/s.json" }, { defaultStateFile: "/srv/x.json" }).stateFile,
    ).toBe("/tmp/s.json");
    expect(
      sandboxConfigFromEnv({ SANDBOX_STATE_FILE: IN_MEMORY_STATE }, { defaultStateFile: "/srv/x.json" }).stateFile,
    ).toBeNull();
  });

  it("refuses fault rates outside 0–1", () => {
    expect(() => sandboxConfigFromEnv({ SANDBOX_ERROR_RATE: "1.5" })).toThrow();
    expect(() => sandboxConfigFromEnv({ SANDBOX_DROP_RATE: "-0.1" })).toThrow();
    expect(() => sandboxConfigFromEnv({ SANDBOX_ERROR_RATE: "lots" })).toThrow();
  });
});
