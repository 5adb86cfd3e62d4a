import pino from "pino";

// Anything credential-like is censored wherever it appears in a log object, at any depth
// and under any spelling of its key (password, currentPassword, apiKey, Authorization …).
const CREDENTIAL_KEY = new RegExp(
  [
    "passw(or)?d",
    "passphrase",
    "^pwd$",
    "secret",
    "token",
    "answer",
    "authori[sz]ation",
    "cookie",
    "credential",
    "api[-_]?key",
    "mfa[-_]?session",
    "private[-_]?key",
  ].join("|"),
  "i",
);
const CENSORED = "[redacted]";
const MAX_DEPTH = 8;

/** A copy of a log object with the values of credential-like keys censored. */
export function censorCredentials<T>(value: T): T {
  return censor(value, 0, new WeakSet()) as T;
}

function censor(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value) || depth > MAX_DEPTH) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((item) => censor(item, depth + 1, seen));
  const isError = value instanceof Error;
  if (!isError && Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null)
    return value;
  // An error keeps its prototype (so it is still logged as an error) and its message and stack.
  const copy: Record<string, unknown> = isError ? Object.create(Object.getPrototypeOf(value)) : {};
  if (isError) Object.assign(copy, { name: value.name, message: value.message, stack: value.stack });
  for (const [key, inner] of Object.entries(value))
    copy[key] = CREDENTIAL_KEY.test(key) ? CENSORED : censor(inner, depth + 1, seen);
  if (isError && value.cause !== undefined) copy.cause = censor(value.cause, depth + 1, seen);
  return copy;
}

export function createLogger(options: { level?: string; service?: string; destination?: pino.DestinationStream } = {}) {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: options.service ?? process.env.BANKLINE_SERVICE ?? "web" },
      formatters: { log: (object) => censorCredentials(object) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

// The process-wide logger writes to stdout, unless the process sends its lines elsewhere
// (npm start keeps them in files and shows a calm view: scripts/lib/log-output.ts).
const stdout = pino.destination({ dest: 1, sync: true });
let processDestination: pino.DestinationStream | null = null;

/** Sends the process-wide logger's lines to `destination` instead of stdout. */
export function routeProcessLogs(destination: pino.DestinationStream | null) {
  processDestination = destination;
}

export const log = createLogger({
  destination: { write: (line: string) => (processDestination ?? stdout).write(line) },
});
export type Logger = pino.Logger;
