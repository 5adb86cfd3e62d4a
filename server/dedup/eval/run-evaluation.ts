import { matchTransactions } from "../match-transactions";
import { addCounts, emptyCounts, scoreScenario, type Counts } from "./metrics";
import { actualBudget, fireflyIii, gnuCash, type Decision, type Matcher } from "./peers";
import { Random } from "./random";
import { buildSandboxScenario } from "./sandbox-scenarios";
import { buildScenario, CHANGE_KINDS, type ChangeKind, type Scenario } from "./scenarios";

export interface MethodResult {
  key: string;
  name: string;
  overall: Counts;
  bySlice: Map<ChangeKind, Counts>;
  bySource: Map<Scenario["source"], Counts>;
  byTier: Map<"duplicate" | "possible", { predicted: number; correct: number }>;
  repeatGroups: { total: number; exact: number };
  /** Rows whose decision changed when both lists were shuffled. */
  orderSensitiveRows: number;
  scenariosChangedByOrder: number;
  milliseconds: number;
}

export interface Evaluation {
  seed: number;
  scenarios: { total: number; fromSandbox: number; relink: number; refresh: number; existingRows: number; incomingRows: number; byProfile: Record<string, number> };
  methods: MethodResult[];
}

export const OURS = "ours";

/** The model's numbers were tuned on seeds 1 and 2; reported figures come from this seed, never looked at while tuning. */
export const HELD_OUT_SEED = 20260517;

export const METHODS: { key: string; name: string; run: Matcher }[] = [
  {
    key: OURS,
    name: "Bankline",
    run: (input) => matchTransactions(input).map(({ incomingId, matchId, tier }) => ({ incomingId, matchId, tier })),
  },
  { key: "actual", name: "Actual Budget rules", run: actualBudget },
  { key: "firefly", name: "Firefly III hash", run: fireflyIii },
  { key: "gnucash", name: "GnuCash (as shipped)", run: gnuCash({ allCandidates: false }) },
  { key: "gnucash-all", name: "GnuCash score, all candidates", run: gnuCash({ allCandidates: true }) },
];

export function runEvaluation({ seed, scenarioCount }: { seed: number; scenarioCount: number }): Evaluation {
  const scenarios: Scenario[] = [];
  for (let index = 0; index < scenarioCount; index++) {
    scenarios.push(index % 4 === 3 ? buildSandboxScenario(seed, index) : buildScenario(seed, index));
  }

  const methods = METHODS.map((method) => evaluateMethod(method, scenarios, seed));
  const byProfile: Record<string, number> = {};
  for (const scenario of scenarios) byProfile[scenario.profile] = (byProfile[scenario.profile] ?? 0) + 1;
  return {
    seed,
    scenarios: {
      total: scenarios.length,
      fromSandbox: scenarios.filter((scenario) => scenario.source === "sandbox").length,
      relink: scenarios.filter((scenario) => scenario.kind === "relink").length,
      refresh: scenarios.filter((scenario) => scenario.kind === "refresh").length,
      existingRows: scenarios.reduce((sum, scenario) => sum + scenario.existing.length, 0),
      incomingRows: scenarios.reduce((sum, scenario) => sum + scenario.incoming.length, 0),
      byProfile,
    },
    methods,
  };
}

function evaluateMethod(method: (typeof METHODS)[number], scenarios: Scenario[], seed: number): MethodResult {
  const result: MethodResult = {
    key: method.key,
    name: method.name,
    overall: emptyCounts(),
    bySlice: new Map(CHANGE_KINDS.map((kind) => [kind, emptyCounts()])),
    bySource: new Map([
      ["model", emptyCounts()],
      ["sandbox", emptyCounts()],
    ]),
    byTier: new Map([
      ["duplicate", { predicted: 0, correct: 0 }],
      ["possible", { predicted: 0, correct: 0 }],
    ]),
    repeatGroups: { total: 0, exact: 0 },
    orderSensitiveRows: 0,
    scenariosChangedByOrder: 0,
    milliseconds: 0,
  };
  const shuffler = new Random(seed ^ 0x5bd1e995);
  for (const scenario of scenarios) {
    const input = { existing: scenario.existing, incoming: scenario.incoming };
    const started = performance.now();
    const decisions = method.run(input);
    result.milliseconds += performance.now() - started;
    const score = scoreScenario(scenario, decisions);
    addCounts(result.overall, score.overall);
    addCounts(result.bySource.get(scenario.source)!, score.overall);
    for (const [kind, counts] of score.bySlice) addCounts(result.bySlice.get(kind)!, counts);
    for (const [tier, counts] of score.byTier) {
      const into = result.byTier.get(tier)!;
      into.predicted += counts.predicted;
      into.correct += counts.correct;
    }
    result.repeatGroups.total += score.repeatGroups.total;
    result.repeatGroups.exact += score.repeatGroups.exact;

    const shuffled = method.run({ existing: shuffler.shuffled(scenario.existing), incoming: shuffler.shuffled(scenario.incoming) });
    const changed = changedRows(decisions, shuffled);
    result.orderSensitiveRows += changed;
    if (changed > 0) result.scenariosChangedByOrder++;
  }
  return result;
}

function changedRows(first: readonly Decision[], second: readonly Decision[]): number {
  const byId = new Map(second.map((decision) => [decision.incomingId, decision]));
  let changed = 0;
  for (const decision of first) {
    const other = byId.get(decision.incomingId);
    if (!other || other.matchId !== decision.matchId || other.tier !== decision.tier) changed++;
  }
  return changed;
}
