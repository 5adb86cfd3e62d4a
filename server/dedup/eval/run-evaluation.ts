import { matchTransactions } from "../match-transactions";
import { addCounts, addScore, emptyCounts, emptyScore, scoreScenario } from "./metrics";
import type { Counts, ScenarioScore } from "./metrics";
import { actualBudget, fireflyIii, gnuCash, type Decision, type Matcher } from "./peers";
import { Random } from "./random";
import { buildSandboxScenario } from "./sandbox-scenarios";
import { buildBooksScenario } from "./books-scenarios";
import { buildScenario, type Scenario } from "./scenarios";

export interface MethodResult extends ScenarioScore {
  key: string;
  name: string;
  bySource: Map<Scenario["source"], Counts>;
  /** Rows whose decision changed when both lists were shuffled. */
  orderSensitiveRows: number;
  scenariosChangedByOrder: number;
  milliseconds: number;
}

export interface Evaluation {
  /** One seed, or the tuning seeds added together. */
  seeds: number[];
  scenarios: {
    total: number;
    fromSandbox: number;
    relink: number;
    refresh: number;
    existingRows: number;
    incomingRows: number;
    byProfile: Record<string, number>;
  };
  methods: MethodResult[];
  /** Entries typed by hand, statement files and same-source refreshes (books-scenarios.ts), measured apart. */
  books: {
    scenarios: {
      total: number;
      typed: number;
      statement: number;
      sameSource: number;
      existingRows: number;
      incomingRows: number;
    };
    methods: MethodResult[];
  };
}

export const OURS = "ours";

/** Reported figures come from this seed; the model's numbers are never tuned on it. */
export const HELD_OUT_SEED = 20260517;

/** The seeds the model's numbers are tuned on (`npm run eval:dedup -- --tuning`); none is the held-out seed. */
export const TUNING_SEEDS: readonly number[] = Array.from({ length: 20 }, (_, at) => at + 1);

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

export function runEvaluation({
  seed,
  scenarioCount,
  booksScenarioCount = scenarioCount,
}: {
  seed: number;
  scenarioCount: number;
  booksScenarioCount?: number;
}): Evaluation {
  const scenarios: Scenario[] = [];
  for (let index = 0; index < scenarioCount; index++) {
    scenarios.push(index % 4 === 3 ? buildSandboxScenario(seed, index) : buildScenario(seed, index));
  }
  const books: Scenario[] = [];
  for (let index = 0; index < booksScenarioCount; index++) books.push(buildBooksScenario(seed, index));

  const methods = METHODS.map((method) => evaluateMethod(method, scenarios, seed));
  const booksMethods = METHODS.map((method) => evaluateMethod(method, books, seed + 1));
  const byProfile: Record<string, number> = {};
  for (const scenario of scenarios) byProfile[scenario.profile] = (byProfile[scenario.profile] ?? 0) + 1;
  return {
    seeds: [seed],
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
    books: {
      scenarios: {
        total: books.length,
        typed: books.filter((scenario) => scenario.kind === "typed").length,
        statement: books.filter((scenario) => scenario.kind === "statement").length,
        sameSource: books.filter((scenario) => scenario.kind === "refresh").length,
        existingRows: books.reduce((sum, scenario) => sum + scenario.existing.length, 0),
        incomingRows: books.reduce((sum, scenario) => sum + scenario.incoming.length, 0),
      },
      methods: booksMethods,
    },
  };
}

function evaluateMethod(method: (typeof METHODS)[number], scenarios: Scenario[], seed: number): MethodResult {
  const result: MethodResult = {
    key: method.key,
    name: method.name,
    ...emptyScore(),
    bySource: new Map([
      ["model", emptyCounts()],
      ["sandbox", emptyCounts()],
    ]),
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
    addScore(result, score);
    addCounts(result.bySource.get(scenario.source)!, score.overall);

    const shuffled = method.run({
      existing: shuffler.shuffled(scenario.existing),
      incoming: shuffler.shuffled(scenario.incoming),
    });
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

/** Several evaluations as one: every count added up, scenario for scenario (the tuning seeds together). */
export function combineEvaluations(evaluations: readonly Evaluation[]): Evaluation {
  const [first, ...rest] = evaluations;
  if (!first) throw new Error("combineEvaluations: nothing to combine");
  const combined: Evaluation = structuredClone(first);
  for (const evaluation of rest) {
    combined.seeds.push(...evaluation.seeds);
    const totals = combined.scenarios;
    const more = evaluation.scenarios;
    totals.total += more.total;
    totals.fromSandbox += more.fromSandbox;
    totals.relink += more.relink;
    totals.refresh += more.refresh;
    totals.existingRows += more.existingRows;
    totals.incomingRows += more.incomingRows;
    for (const [profile, count] of Object.entries(more.byProfile))
      totals.byProfile[profile] = (totals.byProfile[profile] ?? 0) + count;
    const books = combined.books.scenarios;
    for (const key of ["total", "typed", "statement", "sameSource", "existingRows", "incomingRows"] as const)
      books[key] += evaluation.books.scenarios[key];
    addMethods(combined.methods, evaluation.methods);
    addMethods(combined.books.methods, evaluation.books.methods);
  }
  return combined;
}

function addMethods(intoMethods: MethodResult[], methods: readonly MethodResult[]): void {
  methods.forEach((method, at) => {
    const into = intoMethods[at]!;
    addScore(into, method);
    for (const [source, counts] of method.bySource) addCounts(into.bySource.get(source)!, counts);
    into.orderSensitiveRows += method.orderSensitiveRows;
    into.scenariosChangedByOrder += method.scenariosChangedByOrder;
    into.milliseconds += method.milliseconds;
  });
}
