import { matchTransactions } from "@/server/dedup";
import { benchData } from "@/server/dedup/eval/bench-data";

// `npm run bench:matcher`: the pure matcher on 200 000 existing rows and 20 000 incoming rows of one account,
// no database. Reports the first call of the process (cold: JIT and description cache) and the best and
// median of the runs after it.

const EXISTING = 200_000;
const INCOMING = 20_000;
const RUNS = 5;

function timed(): { seconds: number; flagged: number } {
  const started = performance.now();
  const results = matchTransactions(data);
  return {
    seconds: (performance.now() - started) / 1000,
    flagged: results.filter((result) => result.tier !== "new").length,
  };
}

const data = benchData(EXISTING, INCOMING);
const first = timed();
const runs = Array.from({ length: RUNS }, timed)
  .map((run) => run.seconds)
  .sort((a, b) => a - b);
console.log(
  `first call ${first.seconds.toFixed(3)} s, then ${runs.map((seconds) => seconds.toFixed(3)).join(" ")} s; ` +
    `${first.flagged} of ${INCOMING} flagged`,
);
console.log(
  `bench:matcher existing=${EXISTING} incoming=${INCOMING} first_call_s=${first.seconds.toFixed(3)} ` +
    `match_s=${runs[0]!.toFixed(3)} median_s=${runs[Math.floor(RUNS / 2)]!.toFixed(3)}`,
);
