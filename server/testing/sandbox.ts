import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { openSync, closeSync } from "node:fs";
import path from "node:path";
import { sandboxStateFile } from "@/server/data-dir";
import { freePort } from "./free-port";

// Starts the real sandbox aggregator (server/aggregator/sandbox/main.ts) as its own process
// on a free loopback port, with a throwaway state file, short timings for tests and its log
// captured in a file the secrets test reads.

export interface TestSandbox {
  url: string;
  webhookSecret: string;
  logFile: string;
  stateFile: string;
  stop(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

export async function startTestSandbox(dir: string, env: Record<string, string> = {}): Promise<TestSandbox> {
  const port = await freePort();
  const webhookSecret = randomBytes(24).toString("base64url");
  const logFile = path.join(dir, "sandbox.log");
  const stateFile = sandboxStateFile(dir);
  const out = openSync(logFile, "a");
  const { APP_URL: _appUrl, SANDBOX_WEBHOOK_URL: _webhookUrl, ...inherited } = process.env;
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(root, "server/aggregator/sandbox/main.ts")],
    {
      cwd: root,
      env: {
        ...inherited,
        BANKLINE_SERVICE: "sandbox",
        LOG_LEVEL: "info",
        SANDBOX_PORT: String(port),
        SANDBOX_STATE_FILE: stateFile,
        SANDBOX_SLOW_MS: "1000",
        SANDBOX_MFA_TIMEOUT_MS: "2500",
        SANDBOX_WEBHOOK_RETRY_MS: "100",
        AGGREGATOR_WEBHOOK_SECRET: webhookSecret,
        ...env,
      },
      stdio: ["ignore", out, out],
    },
  );
  closeSync(out);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the sandbox exited with ${child.exitCode}; see ${logFile}`);
    try {
      if ((await fetch(`${url}/health`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`the sandbox did not start; see ${logFile}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    webhookSecret,
    logFile,
    stateFile,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      const timeout = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
