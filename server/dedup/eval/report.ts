import { f1, precision, recall, specificity, type Counts } from "./metrics";
import { HELD_OUT_SEED, OURS, type Evaluation, type MethodResult } from "./run-evaluation";
import { BOOKS_KINDS, CHANGE_KINDS, type ChangeKind } from "./scenarios";

const SLICE_TITLES: Record<ChangeKind, string> = {
  "same-provider-id": "same provider id (refresh of the same link)",
  "pending-link": "posted row linked to its pending id",
  "new-ids": "new ids only (same date, description, amount)",
  "date-shift-1-3": "date moved 1–3 days",
  "date-shift-4+": "date moved 4 days or more",
  "description-rewrite": "description rewritten",
  "pending-posted": "pending in the register, posted now, same amount",
  "pending-posted-tip": "pending in the register, posted now with a tip",
  "identical-repeat": "identical same-day repeats (two coffees)",
  recurring: "recurring equal amounts (rent, payroll, transfers, fees)",
  "check-number": "checks",
  hidden: "hidden tombstones",
  "truncated-window": "first 10 days of a truncated history window",
  "new-lookalike": "genuinely new, looks like a register row",
  "new-other": "genuinely new, nothing similar",
  "typed-empty": "typed by hand without a description",
  "typed-short": 'typed by hand in a word or two ("Rent", "Deposit")',
  "typed-abbreviated": 'typed by hand, abbreviated ("Amzn", "Stpls")',
  "typed-full": "typed by hand with the merchant's name",
  "typed-rounded": "typed by hand, amount rounded to the dollar",
  "typed-new": "genuinely new, beside entries typed by hand",
  "statement-reimport": "the same statement imported again",
  "statement-overlap": "an overlapping statement of the same account",
  "statement-new": "genuinely new, in a later statement",
  "statement-vs-connection": "a statement against what a connection brought",
  "same-source-refresh": "a refresh told it is the same source",
  "same-source-new": "genuinely new, in a refresh told its source",
};

const fixed = (value: number | null) => (value === null ? "–" : value.toFixed(3));
const percent = (value: number | null) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
/** Our matcher stands out in bold in every table. */
const methodTitle = (method: MethodResult) => (method.key === OURS ? `**${method.name}**` : method.name);
/** Precision, recall, F1 and the genuinely new rows wrongly flagged, as table cells. */
const overallCells = (counts: Counts) =>
  `${fixed(precision(counts))} | ${fixed(recall(counts))} | ${fixed(f1(counts))} | ` +
  `${counts.flaggedNegatives} of ${counts.negatives}`;

export function bestPeer(evaluation: Evaluation): MethodResult {
  const peers = evaluation.methods.filter((method) => method.key !== OURS);
  return peers.reduce((best, method) => ((f1(method.overall) ?? 0) > (f1(best.overall) ?? 0) ? method : best));
}

export function ours(evaluation: Evaluation): MethodResult {
  return evaluation.methods.find((method) => method.key === OURS)!;
}

/** Our figures on the books' scenarios, and the slice furthest from the goals (precision 0.995, recall 0.98). */
export function booksSummaryLine(evaluation: Evaluation): string {
  const mine = evaluation.books.methods.find((method) => method.key === OURS)!;
  let worst = { name: "none", margin: Infinity };
  for (const kind of BOOKS_KINDS) {
    const counts = mine.bySlice.get(kind)!;
    if (counts.positives === 0) continue;
    const margin = Math.min((precision(counts) ?? 1) - 0.995, (recall(counts) ?? 1) - 0.98);
    if (margin < worst.margin) worst = { name: kind, margin };
  }
  return (
    `eval:dedup books f1=${fixed(f1(mine.overall))} precision=${fixed(precision(mine.overall))} ` +
    `recall=${fixed(recall(mine.overall))} closest_to_goal=${worst.name}`
  );
}

/** The closing stdout line: our figures and the best peer's F1. */
export function summaryLine(evaluation: Evaluation): string {
  const mine = ours(evaluation).overall;
  return (
    `eval:dedup f1=${fixed(f1(mine))} precision=${fixed(precision(mine))} recall=${fixed(recall(mine))} ` +
    `best_peer_f1=${fixed(f1(bestPeer(evaluation).overall))}`
  );
}

/**
 * Slices where some peer does better than we do (F1 where there are duplicates, false flags where
 * there are only new rows).
 */
export function slicesLostToPeers(
  evaluation: Evaluation,
  methods = evaluation.methods,
  kinds: readonly ChangeKind[] = CHANGE_KINDS,
): string[] {
  const mine = methods.find((method) => method.key === OURS)!;
  const lost: string[] = [];
  for (const kind of kinds) {
    const own = mine.bySlice.get(kind)!;
    for (const peer of methods) {
      if (peer.key === OURS) continue;
      const theirs = peer.bySlice.get(kind)!;
      if (own.positives > 0 && (f1(theirs) ?? 0) > (f1(own) ?? 0) + 1e-9) {
        lost.push(`${SLICE_TITLES[kind]}: ${peer.name} F1 ${fixed(f1(theirs))} against ${fixed(f1(own))}`);
      } else if (own.positives === 0 && theirs.flaggedNegatives < own.flaggedNegatives) {
        lost.push(
          `${SLICE_TITLES[kind]}: ${peer.name} flags ${theirs.flaggedNegatives} against our ${own.flaggedNegatives}, ` +
            `while it finds ${percent(recall(peer.overall))} of all duplicates`,
        );
      }
    }
  }
  return lost;
}

export function renderReport(evaluation: Evaluation, elapsedSeconds: number): string {
  const { scenarios, methods } = evaluation;
  const mine = ours(evaluation);
  const lines: string[] = [];
  lines.push("# Duplicate detection — evaluation");
  lines.push("");
  lines.push(
    `${provenance(evaluation.seeds, elapsedSeconds)} ` +
      "How the scenarios are made, what counts as a right pair and what each peer rule follows: " +
      "[dedup.md](dedup.md#evaluation).",
  );
  lines.push("");
  const profiles = Object.entries(scenarios.byProfile)
    .map(([profile, count]) => `${count} ${profile}`)
    .join(", ");
  lines.push(
    `**Scenarios:** ${scenarios.total} accounts (${scenarios.relink} re-links, ` +
      `${scenarios.refresh} refreshes of the same link; ` +
      `${scenarios.total - scenarios.fromSandbox} from the re-link model, ` +
      `${scenarios.fromSandbox} from the sandbox aggregator; ${profiles}), ` +
      `${scenarios.existingRows} existing rows (register entries and hidden tombstones), ` +
      `${scenarios.incomingRows} incoming rows.`,
  );
  lines.push("");
  lines.push("## Overall");
  lines.push("");
  lines.push("Pairs flagged (tier `duplicate` or `possible`) against the labelled truth.");
  lines.push("");
  lines.push(
    "| matcher | precision | recall | F1 | genuinely new rows wrongly flagged | identical repeats counted " +
      "exactly | rows changed by shuffling the input |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|---:|");
  for (const method of methods) {
    const counts = method.overall;
    const repeats = method.repeatGroups;
    lines.push(
      `| ${methodTitle(method)} | ${overallCells(counts)} | ` +
        `${repeats.exact} of ${repeats.total} (${percent(repeats.total ? repeats.exact / repeats.total : null)}) | ` +
        `${method.orderSensitiveRows} (${method.scenariosChangedByOrder} scenarios) |`,
    );
  }
  lines.push("");
  lines.push("## F1 by kind of change");
  lines.push("");
  lines.push(
    "A row may show several changes. Where a slice holds only genuinely new rows, the cell counts the rows " +
      "wrongly flagged.",
  );
  lines.push("");
  lines.push(`| change | duplicates | new rows | ${methods.map(methodTitle).join(" | ")} |`);
  lines.push(`|---|---:|---:|${methods.map(() => "---:").join("|")}|`);
  for (const kind of CHANGE_KINDS) {
    const own = mine.bySlice.get(kind)!;
    const cells = methods.map((method) => sliceCell(method.bySlice.get(kind)!));
    lines.push(`| ${SLICE_TITLES[kind]} | ${own.positives} | ${own.negatives} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  lines.push(`## ${mine.name} by tier and by source`);
  lines.push("");
  lines.push("| | pairs | precision |");
  lines.push("|---|---:|---:|");
  for (const [tier, counts] of mine.byTier) {
    lines.push(
      `| tier \`${tier}\` | ${counts.predicted} | ` +
        `${fixed(counts.predicted ? counts.correct / counts.predicted : null)} |`,
    );
  }
  lines.push("");
  lines.push(`| source | rows | ${methods.map((method) => `${method.name} F1`).join(" | ")} |`);
  lines.push(`|---|---:|${methods.map(() => "---:").join("|")}|`);
  for (const source of ["model", "sandbox"] as const) {
    const rows = mine.bySource.get(source)!.rows;
    lines.push(
      `| ${source === "model" ? "re-link model" : "sandbox aggregator"} | ${rows} | ` +
        `${methods.map((method) => fixed(f1(method.bySource.get(source)!))).join(" | ")} |`,
    );
  }
  lines.push("");
  const lost = slicesLostToPeers(evaluation);
  lines.push(
    lost.length === 0
      ? `${mine.name} is at least as good as every peer in every slice.`
      : `Slices where a peer does better: ${lost.join("; ")}.`,
  );
  lines.push("");
  lines.push(
    "Matching time for all scenarios: " +
      `${methods.map((method) => `${method.name} ${Math.round(method.milliseconds)} ms`).join(", ")}.`,
  );
  lines.push("");
  lines.push(...booksSection(evaluation));
  return lines.join("\n");
}

function booksSection(evaluation: Evaluation): string[] {
  const { scenarios, methods } = evaluation.books;
  const mine = methods.find((method) => method.key === OURS)!;
  const lines: string[] = [];
  lines.push("## Entries typed by hand, statement files, same-source refreshes");
  lines.push("");
  lines.push(
    `**Scenarios:** ${scenarios.total} accounts (${scenarios.typed} kept by hand then linked, ` +
      `${scenarios.statement} of statement files — ` +
      "the same file again, an overlapping one, or one against a connection's rows —, " +
      `${scenarios.sameSource} refreshes of the same link told their source), ` +
      `${scenarios.existingRows} existing rows, ${scenarios.incomingRows} incoming rows. ` +
      "Measured apart from the re-links above. Goals per slice: precision ≥ 0.995, recall ≥ 0.98.",
  );
  lines.push("");
  lines.push(
    "| matcher | precision | recall | F1 | genuinely new rows wrongly flagged | rows changed by shuffling the input |",
  );
  lines.push("|---|---:|---:|---:|---:|---:|");
  for (const method of methods) {
    const counts = method.overall;
    const order = `${method.orderSensitiveRows} (${method.scenariosChangedByOrder} scenarios)`;
    lines.push(`| ${methodTitle(method)} | ${overallCells(counts)} | ${order} |`);
  }
  lines.push("");
  lines.push(
    "Each cell: precision / recall where the slice has duplicates; where it holds only genuinely new rows, the " +
      "rows wrongly flagged.",
  );
  lines.push("");
  lines.push(`| slice | duplicates | new rows | ${methods.map(methodTitle).join(" | ")} |`);
  lines.push(`|---|---:|---:|${methods.map(() => "---:").join("|")}|`);
  for (const kind of BOOKS_KINDS) {
    const own = mine.bySlice.get(kind)!;
    const cells = methods.map((method) => {
      const counts = method.bySlice.get(kind)!;
      if (counts.positives === 0) return sliceCell(counts);
      return `${fixed(precision(counts) ?? 0)} / ${fixed(recall(counts))}`;
    });
    lines.push(`| ${SLICE_TITLES[kind]} | ${own.positives} | ${own.negatives} | ${cells.join(" | ")} |`);
  }
  lines.push("");
  const lost = slicesLostToPeers(evaluation, methods, BOOKS_KINDS);
  lines.push(
    lost.length === 0
      ? `${mine.name} is at least as good as every peer in every slice.`
      : `Slices where a peer does better: ${lost.join("; ")}.`,
  );
  lines.push("");
  return lines;
}

function provenance(seeds: readonly number[], elapsedSeconds: number): string {
  const took = `${elapsedSeconds.toFixed(1)} s`;
  if (seeds.length === 1 && seeds[0] === HELD_OUT_SEED)
    return (
      `Written by \`npm run eval:dedup\` (seed ${HELD_OUT_SEED}, the held-out seed, ${took}); every run ` +
      `overwrites it.`
    );
  if (seeds.length === 1) return `Printed by \`npm run eval:dedup -- --seed ${seeds[0]}\` (${took}).`;
  const contiguous = seeds.every((seed, at) => at === 0 || seed === seeds[at - 1]! + 1);
  const list = contiguous ? `${seeds[0]}–${seeds[seeds.length - 1]}` : seeds.join(", ");
  return `Printed by \`npm run eval:dedup -- --tuning\` (seeds ${list} added together, ${took}).`;
}

function sliceCell(counts: Counts): string {
  if (counts.positives === 0)
    return counts.negatives === 0
      ? "–"
      : `${counts.flaggedNegatives} flagged (${percent(1 - (specificity(counts) ?? 1))})`;
  return fixed(f1(counts));
}
