import { dataDirFromEnv, sandboxStateFile } from "@/server/data-dir";
import { createLogger } from "@/server/log";
import { sandboxConfigFromEnv } from "./config";
import { startSandbox } from "./server";

// `npm run sandbox`, and the process `npm start` and the test setup spawn: the sandbox
// aggregator on SANDBOX_PORT with its state in SANDBOX_STATE_FILE, by default the file
// `npm start` uses (in BANKLINE_DATA_DIR, else .data), `memory` for none (docs/aggregator.md).

process.env.BANKLINE_SERVICE ??= "sandbox";
const log = createLogger();
const sandbox = await startSandbox(
  sandboxConfigFromEnv(process.env, { defaultStateFile: sandboxStateFile(dataDirFromEnv()) }),
  { log },
);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await sandbox.close();
  process.exit(0);
};
process.on("SIGTERM", () => void stop());
process.on("SIGINT", () => void stop());
