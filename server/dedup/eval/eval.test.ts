import { describe, expect, it } from "vitest";
import type { ExistingTransaction, IncomingTransaction } from "../types";
import { f1, judgeDecisions } from "./metrics";
import { actualBudget, fireflyIii, gnuCash } from "./peers";
import { combineEvaluations, HELD_OUT_SEED, runEvaluation, TUNING_SEEDS } from "./run-evaluation";
import { buildScenario, type Scenario } from "./scenarios";
import { summaryLine } from "./report";

const row = (
  id: string,
  date: string,
  amountCents: number,
  description: string,
  extra: Partial<ExistingTransaction> = {},
): ExistingTransaction => ({
  id,
  account: "chk",
  date,
  amountCents,
  description,
  providerIds: [],
  kind: "register",
  ...extra,
});
const feed = (id: string, date: string, amountCents: number, description: string): IncomingTransaction => ({
  id,
  account: "chk",
  date,
  amountCents,
  description,
  pending: false,
  providerId: `p-${id}`,
});

describe("peer rules", () => {
  it("Actual Budget: same amount within 7 days, the closest dates across the batch first, unlinked entries on ties", () => {
    const existing = [row("e1", "2026-03-01", -500, "COFFEE"), row("e2", "2026-03-20", -500, "COFFEE")];
    // The row on the entry's very day takes it, though another row arrived first.
    const decisions = actualBudget({
      existing,
      incoming: [feed("a", "2026-03-05", -500, "COFFEE"), feed("b", "2026-03-01", -500, "COFFEE")],
    });
    expect(decisions.map((decision) => decision.matchId)).toEqual([null, "e1"]);
    const linked = row("l1", "2026-03-10", -700, "LUNCH", { providerIds: ["other-link"] });
    const typed = row("t1", "2026-03-10", -700, "LUNCH");
    expect(
      actualBudget({ existing: [linked, typed], incoming: [feed("c", "2026-03-10", -700, "LUNCH")] })[0]!.matchId,
    ).toBe("t1");
  });

  it("Firefly III: only an exact copy, and a second identical row of a batch is refused as a copy of the first", () => {
    const decisions = fireflyIii({
      existing: [],
      incoming: [feed("a", "2026-03-02", -500, "COFFEE"), feed("b", "2026-03-02", -500, "COFFEE")],
    });
    expect(decisions).toEqual([
      { incomingId: "a", matchId: null, tier: "new" },
      { incomingId: "b", matchId: "incoming:a", tier: "duplicate" },
    ]);
  });

  it("GnuCash: amount +3, same day +3, description +2 clears; a far date with the same amount is only skipped", () => {
    const matcher = gnuCash({ allCandidates: true });
    const existing = [row("e1", "2026-03-02", -500, "COFFEE")];
    expect(matcher({ existing, incoming: [feed("a", "2026-03-02", -500, "COFFEE")] })[0]).toMatchObject({
      matchId: "e1",
      tier: "duplicate",
    });
    expect(matcher({ existing, incoming: [feed("b", "2026-03-10", -500, "COFFEE")] })[0]).toMatchObject({
      matchId: "e1",
      tier: "possible",
    });
    expect(matcher({ existing, incoming: [feed("c", "2026-03-30", -500, "COFFEE")] })[0]).toMatchObject({
      matchId: null,
      tier: "new",
    });
  });

  it("GnuCash as shipped ignores register splits that already carry an online id", () => {
    const existing = [row("e1", "2026-03-02", -500, "COFFEE", { providerIds: ["old"] })];
    expect(
      gnuCash({ allCandidates: false })({ existing, incoming: [feed("a", "2026-03-02", -500, "COFFEE")] })[0]!.tier,
    ).toBe("new");
  });
});

describe("evaluation", () => {
  it("builds the same scenarios from the same seed", () => {
    const first = buildScenario(3, 5);
    const second = buildScenario(3, 5);
    expect(second.incoming).toEqual(first.incoming);
    expect(second.existing).toEqual(first.existing);
  });

  it("counts a pair right once per existing row, and lets identical rows stand in for each other", () => {
    const scenario: Scenario = {
      name: "t",
      source: "model",
      kind: "relink",
      profile: "card",
      existing: [row("e1", "2026-03-02", -500, "COFFEE"), row("e2", "2026-03-02", -500, "COFFEE")],
      incoming: [feed("a", "2026-03-02", -500, "COFFEE"), feed("b", "2026-03-02", -500, "COFFEE")],
      realIdOfExisting: new Map([
        ["e1", "t1"],
        ["e2", "t2"],
      ]),
      labels: new Map([
        ["a", { realId: "t1", positive: true, kinds: new Set(), repeatGroup: "g" }],
        ["b", { realId: "t2", positive: true, kinds: new Set(), repeatGroup: "g" }],
      ]),
    };
    const crossed = [
      { incomingId: "a", matchId: "e2", tier: "duplicate" as const },
      { incomingId: "b", matchId: "e1", tier: "duplicate" as const },
    ];
    expect(judgeDecisions(scenario, crossed)).toEqual([true, true]);
    const doubled = crossed.map((decision) => ({ ...decision, matchId: "e1" }));
    expect(judgeDecisions(scenario, doubled)).toEqual([true, false]);
  });

  it("beats every peer on a small run and is order invariant", () => {
    const evaluation = runEvaluation({ seed: 11, scenarioCount: 8 });
    const [ours, ...peers] = evaluation.methods;
    for (const peer of peers) expect(f1(ours!.overall)!).toBeGreaterThan(f1(peer.overall)!);
    expect(ours!.orderSensitiveRows).toBe(0);
    expect(summaryLine(evaluation)).toMatch(
      /^eval:dedup f1=\d\.\d{3} precision=\d\.\d{3} recall=\d\.\d{3} best_peer_f1=\d\.\d{3}$/,
    );
  });

  it("tunes on seeds apart from the held-out one, and adds their counts up", () => {
    expect(TUNING_SEEDS).not.toContain(HELD_OUT_SEED);
    const first = runEvaluation({ seed: 1, scenarioCount: 4 });
    const second = runEvaluation({ seed: 2, scenarioCount: 4 });
    const both = combineEvaluations([first, second]);
    expect(both.seeds).toEqual([1, 2]);
    expect(both.scenarios.incomingRows).toBe(first.scenarios.incomingRows + second.scenarios.incomingRows);
    both.methods.forEach((method, at) => {
      expect(method.overall.correct).toBe(first.methods[at]!.overall.correct + second.methods[at]!.overall.correct);
      expect(method.bySlice.get("new-lookalike")!.negatives).toBe(
        first.methods[at]!.bySlice.get("new-lookalike")!.negatives +
          second.methods[at]!.bySlice.get("new-lookalike")!.negatives,
      );
    });
    // The first evaluation is left as it was.
    expect(first.seeds).toEqual([1]);
  });
});
