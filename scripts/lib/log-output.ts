import { createWriteStream, existsSync, mkdirSync, renameSync, statSync, type WriteStream } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import type { Readable } from "node:stream";
import { prettyFactory } from "pino-pretty";

// Where the log lines of `npm start`'s processes go. Every process logs pino JSON; each
// process's lines are appended to <dir>/<process>.log whole. The terminal gets either a calm
// view (LOG_FORMAT=pretty, the default: warnings and errors as readable lines, plus the start's
// own lines) or every JSON line on stdout (LOG_FORMAT=json, for a platform that collects it).

export type LogFormat = "pretty" | "json";

export function logFormatFromEnv(env: NodeJS.ProcessEnv = process.env): LogFormat {
  const format = env.LOG_FORMAT ?? "pretty";
  if (format !== "pretty" && format !== "json") throw new Error(`LOG_FORMAT must be pretty or json, not ${format}`);
  return format;
}

/** A file past this size is moved aside (to <name>.1.log) when the next start opens it. */
const ROTATE_BYTES = 20 * 1024 * 1024;
const WARN = 40;
export const ERROR = 50;
/** What Next.js prints when it starts (on stderr): not worth a newcomer's attention. */
const STARTUP_CHATTER = /^\s*(▲|✓|- (Local|Network|Environments?|Experiments)\b|$)/;

export class LogOutput {
  private readonly files = new Map<string, WriteStream>();
  private readonly pretty = prettyFactory({
    colorize: !!process.stdout.isTTY,
    translateTime: "SYS:HH:MM:ss",
    ignore: "pid,hostname,service",
    messageFormat: "{service}: {msg}",
    singleLine: true,
  });

  constructor(
    readonly format: LogFormat,
    /** Where the JSON files go; null keeps none (the JSON on stdout is the log). */
    readonly dir: string | null,
  ) {
    if (dir) mkdirSync(dir, { recursive: true });
  }

  /** One line a process wrote: JSON from its logger, or anything else it printed. */
  line(service: string, text: string, from: "stdout" | "stderr" = "stdout", terminalLevel = WARN) {
    if (!text.trim()) return;
    this.file(service)?.write(text.endsWith("\n") ? text : `${text}\n`);
    const entry = parseLogLine(text);
    if (this.format === "json") {
      process.stdout.write(
        entry
          ? `${text.trimEnd()}\n`
          : `${JSON.stringify({
              level: from === "stderr" ? 50 : 30,
              time: new Date().toISOString(),
              service,
              msg: text.trimEnd(),
            })}\n`,
      );
      return;
    }
    // Quiet: a process's warnings and errors, and what it wrote
    // to stderr that is neither a log line nor start-up chatter.
    if (entry ? entry.level >= terminalLevel : from === "stderr" && !STARTUP_CHATTER.test(text)) {
      process.stderr.write(entry ? this.pretty(entry) : `[${service}] ${text.trimEnd()}\n`);
    }
  }

  /** A pino destination for a logger running in this process; the terminal shows its lines from `terminalLevel` up. */
  destination(service: string, terminalLevel = WARN) {
    return { write: (text: string) => this.line(service, text, "stdout", terminalLevel) };
  }

  /** Reads a child's output line by line into its log. */
  follow(service: string, stdout: Readable | null, stderr: Readable | null) {
    if (stdout)
      createInterface({ input: stdout, crlfDelay: Infinity }).on("line", (text) => this.line(service, text, "stdout"));
    if (stderr)
      createInterface({ input: stderr, crlfDelay: Infinity }).on("line", (text) => this.line(service, text, "stderr"));
  }

  /** The start's own message: printed as it is in the calm view, as a JSON line otherwise, and kept in start.log. */
  say(message: string, fields: Record<string, unknown> = {}) {
    const json = JSON.stringify({
      level: 30,
      time: new Date().toISOString(),
      service: "start",
      ...fields,
      msg: message,
    });
    this.file("start")?.write(`${json}\n`);
    if (this.format === "json") process.stdout.write(`${json}\n`);
    else console.log(message);
  }

  async close() {
    await Promise.all([...this.files.values()].map((stream) => new Promise<void>((resolve) => stream.end(resolve))));
    this.files.clear();
  }

  private file(service: string): WriteStream | null {
    if (!this.dir) return null;
    let stream = this.files.get(service);
    if (!stream) {
      const file = path.join(this.dir, `${service}.log`);
      if (existsSync(file) && statSync(file).size > ROTATE_BYTES)
        renameSync(file, path.join(this.dir, `${service}.1.log`));
      stream = createWriteStream(file, { flags: "a" });
      this.files.set(service, stream);
    }
    return stream;
  }
}

function parseLogLine(text: string): { level: number } | null {
  if (!text.startsWith("{")) return null;
  try {
    const value = JSON.parse(text) as { level?: unknown };
    return typeof value.level === "number" ? (value as { level: number }) : null;
  } catch {
    return null;
  }
}
