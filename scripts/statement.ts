import { runStatement } from "@/server/statements/cli/run-statement";

// `npm run --silent statement -- <file>`: the statement's transactions as CSV, in the dedup command's format.
const outcome = await runStatement(process.argv.slice(2));
if (outcome.stdout) process.stdout.write(outcome.stdout);
if (outcome.stderr) process.stderr.write(outcome.stderr);
process.exitCode = outcome.exitCode;
