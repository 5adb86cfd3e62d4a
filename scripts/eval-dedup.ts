import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { booksSummaryLine, renderReport, summaryLine } from "@/server/dedup/eval/report";
import { combineEvaluations, HELD_OUT_SEED, runEvaluation, TUNING_SEEDS } from "@/server/dedup/eval/run-evaluation";

// `npm run eval:dedup [-- --seed N --scenarios N]`: labelled re-link scenarios, our matcher against the
// peers' rules; on the held-out seed (the default) writes docs/dedup-evaluation.md, on any other seed prints
// the same report. `-- --tuning` adds up the tuning seeds, the only ones the model's numbers may be fitted
// on, and prints the report. Either way it ends with one summary line.

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

const tuning = process.argv.includes("--tuning");
const seed = option("seed", HELD_OUT_SEED);
if (tuning && process.argv.includes("--seed")) {
  console.error("eval:dedup: --tuning runs the tuning seeds; leave out --seed");
  process.exit(2);
}
const scenarioCount = option("scenarios", 200);
const started = performance.now();
const evaluation = tuning
  ? combineEvaluations(TUNING_SEEDS.map((tuningSeed) => runEvaluation({ seed: tuningSeed, scenarioCount })))
  : runEvaluation({ seed, scenarioCount });
const seconds = (performance.now() - started) / 1000;
const report = renderReport(evaluation, seconds);

for (const method of evaluation.methods) {
  console.log(
    `${method.name}: ${method.overall.correct} right of ${method.overall.predicted} flagged, ` +
      `${method.overall.positives} duplicates`,
  );
}
if (!tuning && seed === HELD_OUT_SEED) {
  const target = path.join(import.meta.dirname, "..", "docs", "dedup-evaluation.md");
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, report);
  console.log(`report: ${path.relative(process.cwd(), target)}`);
} else {
  console.log(`\n${report}`);
}
console.log(booksSummaryLine(evaluation));
console.log(summaryLine(evaluation));
