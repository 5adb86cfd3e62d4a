import type { IncomingTransaction } from "../types";
import type { Decision } from "./peers";
import { ALL_KINDS, type ChangeKind, type Scenario } from "./scenarios";

/** Pair counts for precision and recall, plus how many genuinely new rows were wrongly flagged. */
export interface Counts {
  rows: number;
  /** Rows that duplicate some existing row: the pairs a perfect matcher would report. */
  positives: number;
  /** Pairs reported (tier duplicate or possible). */
  predicted: number;
  correct: number;
  negatives: number;
  flaggedNegatives: number;
}

export interface ScenarioScore {
  overall: Counts;
  bySlice: Map<ChangeKind, Counts>;
  byTier: Map<"duplicate" | "possible", { predicted: number; correct: number }>;
  repeatGroups: { total: number; exact: number };
}

export function emptyCounts(): Counts {
  return { rows: 0, positives: 0, predicted: 0, correct: 0, negatives: 0, flaggedNegatives: 0 };
}

export function addCounts(into: Counts, from: Counts): void {
  into.rows += from.rows;
  into.positives += from.positives;
  into.predicted += from.predicted;
  into.correct += from.correct;
  into.negatives += from.negatives;
  into.flaggedNegatives += from.flaggedNegatives;
}

export function precision(counts: Counts): number | null {
  return counts.predicted === 0 ? null : counts.correct / counts.predicted;
}

export function recall(counts: Counts): number | null {
  return counts.positives === 0 ? null : counts.correct / counts.positives;
}

export function f1(counts: Counts): number | null {
  const p = precision(counts) ?? (counts.positives === 0 ? null : 0);
  const r = recall(counts);
  if (p === null || r === null) return null;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** Share of genuinely new rows left new. */
export function specificity(counts: Counts): number | null {
  return counts.negatives === 0 ? null : 1 - counts.flaggedNegatives / counts.negatives;
}

/**
 * A reported pair is right when the existing row is the same real transaction as the incoming one, or when
 * either side is indistinguishable from the true pair's (identical account, date, amount and description:
 * two $5.00 coffees on one register day, one imported and one hidden). Each existing row can make only one
 * pair right, so a matcher that sends two coffees to one register entry gets one of them wrong.
 */
function incomingContentKey(row: IncomingTransaction): string {
  return [row.account, row.date, row.amountCents, row.description, row.pending].join("\u0000");
}

export function judgeDecisions(scenario: Scenario, decisions: readonly Decision[]): boolean[] {
  const existingById = new Map(scenario.existing.map((row) => [row.id, row]));
  const contentKey = (id: string) => {
    const row = existingById.get(id);
    return row ? [row.account, row.date, row.amountCents, row.description].join("\u0000") : null;
  };
  const acceptableByReal = new Map<string, Set<string>>();
  for (const row of scenario.existing) {
    const realId = scenario.realIdOfExisting.get(row.id)!;
    const keys = acceptableByReal.get(realId) ?? new Set<string>();
    keys.add(row.id);
    keys.add(contentKey(row.id)!);
    acceptableByReal.set(realId, keys);
  }
  // Identical incoming rows are interchangeable too: each may take what any of its twins may take.
  const twins = new Map<string, string[]>();
  for (const row of scenario.incoming) {
    const label = scenario.labels.get(row.id)!;
    const key =
      scenario.repeatsInterchangeable && label.repeatGroup ? `group:${label.repeatGroup}` : incomingContentKey(row);
    twins.set(key, [...(twins.get(key) ?? []), label.realId]);
  }
  const acceptable = new Map<string, Set<string>>();
  for (const row of scenario.incoming) {
    const label = scenario.labels.get(row.id)!;
    const key =
      scenario.repeatsInterchangeable && label.repeatGroup ? `group:${label.repeatGroup}` : incomingContentKey(row);
    const keys = new Set<string>();
    for (const realId of twins.get(key)!) for (const value of acceptableByReal.get(realId) ?? []) keys.add(value);
    acceptable.set(row.id, keys);
  }

  const used = new Set<string>();
  return decisions.map((decision) => {
    const flagged = decision.tier !== "new" && decision.matchId !== null;
    const keys = acceptable.get(decision.incomingId)!;
    const right =
      flagged &&
      !used.has(decision.matchId!) &&
      (keys.has(decision.matchId!) || keys.has(contentKey(decision.matchId!) ?? ""));
    if (right) used.add(decision.matchId!);
    return right;
  });
}

export function emptyScore(): ScenarioScore {
  return {
    overall: emptyCounts(),
    bySlice: new Map(ALL_KINDS.map((kind) => [kind, emptyCounts()])),
    byTier: new Map([
      ["duplicate", { predicted: 0, correct: 0 }],
      ["possible", { predicted: 0, correct: 0 }],
    ]),
    repeatGroups: { total: 0, exact: 0 },
  };
}

/** Adds a score (a scenario's, or a whole evaluation's) into a total: overall, per slice, per tier, repeat groups. */
export function addScore(into: ScenarioScore, from: ScenarioScore): void {
  addCounts(into.overall, from.overall);
  for (const [kind, counts] of from.bySlice) addCounts(into.bySlice.get(kind)!, counts);
  for (const [tier, counts] of from.byTier) {
    const total = into.byTier.get(tier)!;
    total.predicted += counts.predicted;
    total.correct += counts.correct;
  }
  into.repeatGroups.total += from.repeatGroups.total;
  into.repeatGroups.exact += from.repeatGroups.exact;
}

export function scoreScenario(scenario: Scenario, decisions: readonly Decision[]): ScenarioScore {
  const verdicts = judgeDecisions(scenario, decisions);
  const score = emptyScore();
  // Identical incoming rows (k coffees of one day as the bank shows them) must be flagged exactly as often as
  // the register holds them.
  const groups = new Map<string, { expected: number; flagged: number }>();
  const twinKeys = new Map(scenario.incoming.map((row) => [row.id, incomingContentKey(row)]));
  const twinCounts = new Map<string, number>();
  for (const key of twinKeys.values()) twinCounts.set(key, (twinCounts.get(key) ?? 0) + 1);

  decisions.forEach((decision, at) => {
    const label = scenario.labels.get(decision.incomingId)!;
    const flagged = decision.tier !== "new" && decision.matchId !== null;
    const right = verdicts[at]!;
    const counts: Counts = {
      rows: 1,
      positives: label.positive ? 1 : 0,
      predicted: flagged ? 1 : 0,
      correct: right ? 1 : 0,
      negatives: label.positive ? 0 : 1,
      flaggedNegatives: !label.positive && flagged && !right ? 1 : 0,
    };
    addCounts(score.overall, counts);
    for (const kind of label.kinds) addCounts(score.bySlice.get(kind)!, counts);
    if (flagged) {
      const tier = score.byTier.get(decision.tier as "duplicate" | "possible")!;
      tier.predicted++;
      if (right) tier.correct++;
    }
    const twinKey = twinKeys.get(decision.incomingId)!;
    if (twinCounts.get(twinKey)! > 1) {
      const group = groups.get(twinKey) ?? { expected: 0, flagged: 0 };
      group.expected += label.positive ? 1 : 0;
      group.flagged += flagged ? 1 : 0;
      groups.set(twinKey, group);
    }
  });
  for (const group of groups.values()) {
    score.repeatGroups.total++;
    if (group.flagged === group.expected) score.repeatGroups.exact++;
  }
  return score;
}
