import { runDedup } from "@/server/dedup/cli/run-dedup";

// `npm run --silent dedup -- <existing.csv> <incoming.csv>`: prints incoming_id,match_id,score,tier as CSV.
const outcome = await runDedup(process.argv.slice(2));
if (outcome.stdout) process.stdout.write(outcome.stdout);
if (outcome.stderr) process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
