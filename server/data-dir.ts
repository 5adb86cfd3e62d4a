import path from "node:path";

// Where Bankline keeps what it makes for itself on this machine: the embedded PostgreSQL,
// local secrets and the sandbox's state. `npm start` and `npm run sandbox` agree on it.

const root = path.resolve(import.meta.dirname, "..");

/** BANKLINE_DATA_DIR (relative to the repository unless absolute), `.data` by default. */
export function dataDirFromEnv(env: Record<string, string | undefined> = process.env): string {
  return path.resolve(root, env.BANKLINE_DATA_DIR || ".data");
}

/** The sandbox's state file in a data directory. */
export const sandboxStateFile = (dataDir: string) => path.join(dataDir, "sandbox-state.json");
