import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { nextBin, root, run } from "./processes";

const sources = [
  "app",
  "server",
  "prisma",
  "next.config.js",
  "proxy.ts",
  "instrumentation.ts",
  "tailwind.config.ts",
  "postcss.config.mjs",
  "package-lock.json",
  "tsconfig.json",
];

function newestMtime(p: string): number {
  const full = path.join(root, p);
  if (!existsSync(full)) return 0;
  const stat = statSync(full);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(full)) {
    if (entry === "node_modules" || entry === "generated") continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Whether the production build is missing or older than any source file. */
export function buildIsStale(): boolean {
  const buildId = path.join(root, ".next/BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return sources.some((s) => newestMtime(s) > built);
}

export async function buildIfNeeded(log: (msg: string) => void) {
  if (!buildIsStale()) return;
  log("building the production app (next build)…");
  await run(process.execPath, [nextBin(), "build"], { ...process.env, NODE_ENV: "production" });
}
