import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { LogOutput } from "./log-output";

export const root = path.resolve(import.meta.dirname, "../..");

export interface Child {
  name: string;
  process: ChildProcess;
  exited: Promise<number | null>;
}

/** Runs a TypeScript entry point with the project's Node and tsx. */
export function spawnTs(
  name: string,
  file: string,
  env: NodeJS.ProcessEnv,
  args: string[] = [],
  output?: LogOutput,
): Child {
  return spawnNode(name, ["--import", "tsx", path.join(root, file), ...args], env, output);
}

/**
 * Runs a Node process; its output goes to `output` (its log file and the terminal's view) or straight to the
 * terminal.
 */
export function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, output?: LogOutput): Child {
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ["ignore", output ? "pipe" : "inherit", output ? "pipe" : "inherit"],
  });
  output?.follow(name, child.stdout, child.stderr);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { name, process: child, exited };
}

/** Starts the production web server (`npm run web`: server/http/main.js) on `port`; the build must exist. */
export function spawnWeb(port: number, env: NodeJS.ProcessEnv, output?: LogOutput): Child {
  const webEnv = { ...env, NODE_ENV: "production" as const, BANKLINE_SERVICE: "web", PORT: String(port) };
  return spawnNode("web", [path.join(root, "server/http/main.js")], webEnv, output);
}

export function nextBin(): string {
  return path.join(root, "node_modules/next/dist/bin/next");
}

/** Runs a command to completion with inherited output; rejects on a non-zero exit. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`${command} ${args.join(" ")} exited with ${code}`)),
    );
    child.on("error", reject);
  });
}

export async function stopChildren(children: Child[], timeoutMs = 10_000) {
  for (const c of children) if (c.process.exitCode === null) c.process.kill("SIGTERM");
  const timeout = new Promise<"timeout">((r) => setTimeout(() => r("timeout"), timeoutMs).unref());
  for (const c of children) {
    if ((await Promise.race([c.exited, timeout])) === "timeout" && c.process.exitCode === null) {
      c.process.kill("SIGKILL");
    }
  }
}

export async function waitForUrl(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
      lastError = new Error(`${url} answered ${res.status}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Timed out waiting for ${url}: ${String(lastError)}`);
}
