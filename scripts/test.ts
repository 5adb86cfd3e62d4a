import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { startEmbeddedPostgres, type EmbeddedDatabase } from "@/server/db/embedded";
import { freePort } from "@/server/testing/free-port";
import { nextBin, root } from "./lib/processes";

// `npm test`: type check, lint, unit and integration tests (Vitest), a production build and
// the end-to-end suite (Playwright), one after the other. All stages share one PostgreSQL
// server (TEST_DATABASE_URL, or an embedded one started here); each stage makes its own
// throwaway database on it. Ends with `N passed, N failed[, N skipped]`.

interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}
interface StageResult extends Tally {
  name: string;
  seconds: number;
}

const resultsDir = path.join(root, ".data/test-results");
const bin = (name: string) => path.join(root, "node_modules/.bin", name);

function runStage(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: "inherit" });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(1));
  });
}

async function readJson<T>(file: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as T;
  } catch {
    return null;
  }
}

function banner(text: string) {
  console.log(`\n━━━ ${text} ${"━".repeat(Math.max(0, 70 - text.length))}`);
}

async function timed(name: string, fn: () => Promise<Tally>): Promise<StageResult> {
  banner(name);
  const started = Date.now();
  const tally = await fn();
  return { name, ...tally, seconds: Math.round((Date.now() - started) / 1000) };
}

const single = (ok: boolean): Tally => ({ passed: ok ? 1 : 0, failed: ok ? 0 : 1, skipped: 0 });

async function main() {
  await mkdir(resultsDir, { recursive: true });
  const only = process.argv.slice(2);
  const wants = (stage: string) => only.length === 0 || only.includes(stage);

  let embedded: EmbeddedDatabase | undefined;
  let embeddedDir: string | undefined;
  const env: NodeJS.ProcessEnv = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  if (!env.TEST_DATABASE_URL && (wants("unit") || wants("e2e"))) {
    embeddedDir = await mkdtemp(path.join(tmpdir(), "bankline-tests-"));
    await chmod(embeddedDir, 0o755);
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(embeddedDir, "pg"),
      port: await freePort(),
      persistent: false,
    });
    env.TEST_DATABASE_URL = embedded.url();
  }

  const results: StageResult[] = [];
  try {
    if (wants("typecheck")) {
      results.push(
        await timed("type check", async () => single((await runStage(bin("tsc"), ["--noEmit"], env)) === 0)),
      );
    }
    if (wants("lint")) {
      results.push(
        await timed("lint", async () => {
          const eslint = await runStage(bin("eslint"), [".", "--max-warnings=0"], env);
          const prettier = await runStage(bin("prettier"), ["--check", ".", "--log-level", "warn"], env);
          return single(eslint === 0 && prettier === 0);
        }),
      );
    }
    if (wants("unit")) {
      results.push(
        await timed("unit and integration tests (Vitest)", async () => {
          const out = path.join(resultsDir, "vitest.json");
          await rm(out, { force: true });
          const code = await runStage(
            bin("vitest"),
            ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${out}`],
            env,
          );
          const report = await readJson<{
            numPassedTests: number;
            numFailedTests: number;
            numPendingTests: number;
            numTodoTests: number;
          }>(out);
          if (!report) return single(false);
          const failed = report.numFailedTests + (code !== 0 && report.numFailedTests === 0 ? 1 : 0);
          return { passed: report.numPassedTests, failed, skipped: report.numPendingTests + report.numTodoTests };
        }),
      );
    }
    let built = true;
    if (wants("e2e")) {
      const build = await timed("production build", async () =>
        single((await runStage(process.execPath, [nextBin(), "build"], { ...env, NODE_ENV: "production" })) === 0),
      );
      results.push(build);
      built = build.failed === 0;
      results.push(
        await timed("end-to-end tests (Playwright)", async () => {
          if (!built) return single(false);
          const out = path.join(resultsDir, "playwright.json");
          await rm(out, { force: true });
          const code = await runStage(bin("playwright"), ["test"], {
            ...env,
            CI: env.CI ?? "1",
            PLAYWRIGHT_JSON_OUTPUT_NAME: out,
          });
          const report = await readJson<{
            stats: { expected: number; unexpected: number; flaky: number; skipped: number };
          }>(out);
          if (!report) return single(false);
          const { expected, unexpected, flaky, skipped } = report.stats;
          const failed = unexpected + (code !== 0 && unexpected === 0 ? 1 : 0);
          return { passed: expected + flaky, failed, skipped };
        }),
      );
    }
  } finally {
    if (embedded) await embedded.stop();
    if (embeddedDir) await rm(embeddedDir, { recursive: true, force: true });
  }

  banner("summary");
  for (const r of results) {
    const status = r.failed > 0 ? "FAILED" : "ok";
    console.log(
      `  ${r.name.padEnd(40)} ${status.padEnd(7)} ${r.passed} passed, ${r.failed} failed` +
        `${r.skipped ? `, ${r.skipped} skipped` : ""} (${r.seconds}s)`,
    );
  }
  const total = results.reduce(
    (t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }),
    {
      passed: 0,
      failed: 0,
      skipped: 0,
    },
  );
  console.log(`${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`);
  process.exit(total.failed > 0 ? 1 : 0);
}

main().catch((err) => {
  console.error(err);
  console.log("0 passed, 1 failed");
  process.exit(1);
});
