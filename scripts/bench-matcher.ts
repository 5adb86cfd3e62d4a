import { matchTransactions } from "@/server/dedup";
import { benchData } from "@/server/dedup/eval/bench-data";

// `npm run bench:matcher`: the pure matcher on 200 000 existing rows and 20 000 incoming rows of one account,
// no database. Prints the best of a few runs, after one warm-up.

const EXISTING = 200_000;
const INCOMING = 20_000;
const RUNS = 5;

const data = benchData(EXISTING, INCOMING);
matchTransactions(data);
const times: number[] = [];
let flagged = 0;
for (let run = 0; run < RUNS; run++) {
  const started = performance.now();
  const results = matchTransactions(data);
  times.push((performance.now() - started) / 1000);
  flagged = results.filter((result) => result.tier !== "new").length;
}
times.sort((a, b) => a - b);
console.log(`runs: ${times.map((seconds) => seconds.toFixed(3)).join(" ")} s; ${flagged} of ${INCOMING} flagged`);
console.log(`bench:matcher existing=${EXISTING} incoming=${INCOMING} match_s=${times[0]!.toFixed(3)} median_s=${times[Math.floor(RUNS / 2)]!.toFixed(3)}`);
