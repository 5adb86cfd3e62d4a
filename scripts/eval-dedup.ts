import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { renderReport, summaryLine } from "@/server/dedup/eval/report";
import { HELD_OUT_SEED, runEvaluation } from "@/server/dedup/eval/run-evaluation";

// `npm run eval:dedup [-- --seed N --scenarios N]`: labelled re-link scenarios, our matcher against the
// peers' rules; writes docs/dedup-evaluation.md and ends with one summary line.

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isSafeInteger(value) || value <= 0) {
    console.error(`eval:dedup: --${name} needs a positive whole number`);
    process.exit(2);
  }
  return value;
}

const seed = option("seed", HELD_OUT_SEED);
const scenarioCount = option("scenarios", 200);
const started = performance.now();
const evaluation = runEvaluation({ seed, scenarioCount });
const seconds = (performance.now() - started) / 1000;
const report = renderReport(evaluation, seconds);
const target = path.join(import.meta.dirname, "..", "docs", "dedup-evaluation.md");
await mkdir(path.dirname(target), { recursive: true });
await writeFile(target, report);

for (const method of evaluation.methods) {
  console.log(`${method.name}: ${method.overall.correct} right of ${method.overall.predicted} flagged, ${method.overall.positives} duplicates`);
}
console.log(`report: ${path.relative(process.cwd(), target)}`);
console.log(summaryLine(evaluation));
