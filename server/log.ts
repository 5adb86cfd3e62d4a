import pino from "pino";

// Anything credential-like is censored wherever it appears in a log object.
const redactedKeys = [
  "password",
  "newPassword",
  "passwordHash",
  "credentials",
  "answer",
  "answers",
  "token",
  "accessToken",
  "refreshToken",
  "secret",
  "authorization",
  "cookie",
  "mfaSession",
];

export const redactPaths = redactedKeys.flatMap((key) => [key, `*.${key}`, `*.*.${key}`]);

export function createLogger(options: { level?: string; service?: string; destination?: pino.DestinationStream } = {}) {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? "info",
      base: { service: options.service ?? process.env.BANKLINE_SERVICE ?? "web" },
      redact: { paths: redactPaths, censor: "[redacted]" },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}

export const log = createLogger();
export type Logger = pino.Logger;
