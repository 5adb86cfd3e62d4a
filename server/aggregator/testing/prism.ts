import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort } from "@/server/testing/free-port";

// Stoplight Prism serving an OpenAPI document on a loopback port, for contract tests and
// `npm run provider:check` against a provider's API description. Node runs Prism's entry
// directly, so the pid held is the server's own (npx would leave a child listening).

export interface Prism {
  url: string;
  pid: number;
  /** What Prism printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

const require = createRequire(import.meta.url);

export async function startPrism(
  document: string,
  options: { errors?: boolean; readyTimeoutMs?: number } = {},
): Promise<Prism> {
  const entry = path.join(path.dirname(require.resolve("@stoplight/prism-cli/package.json")), "dist", "index.js");
  const port = await freePort();
  const args = [
    entry,
    "mock",
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    ...(options.errors ? ["--errors"] : []),
    path.resolve(document),
  ];
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-20_000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (options.readyTimeoutMs ?? 90_000);
  let stopped = false;
  void exited.then(() => (stopped = true));
  while (!/Prism is listening/.test(output)) {
    if (stopped) throw new Error(`Prism stopped before it listened:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`Prism did not listen within ${options.readyTimeoutMs ?? 90_000} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, pid: child.pid!, output: () => output, stop };
}
