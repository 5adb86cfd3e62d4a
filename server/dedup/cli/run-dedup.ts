import { readFile } from "node:fs/promises";
import { csvField } from "../csv";
import { matchTransactions } from "../match-transactions";
import type { MatchResult } from "../types";
import { readExistingCsv, readIncomingCsv, type InputProblem, type ReadResult } from "./read-transactions";

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const USAGE = "usage: npm run --silent dedup -- [--same-source] <existing.csv> <incoming.csv>";

/** The one source `--same-source` puts both files' provider ids in. */
const SAME_SOURCE = "same-source";

/**
 * `dedup [--same-source] <existing.csv> <incoming.csv>`: all of stdout on success, only stderr on failure.
 * `--same-source`: the existing rows' provider ids come from the source of the incoming rows (a refresh of one
 * connection, the same account's statements), so a different provider id is a different transaction.
 */
export async function runDedup(args: readonly string[]): Promise<CliOutcome> {
  const flags = args.filter((arg) => arg.startsWith("--"));
  const files = args.filter((arg) => !arg.startsWith("--"));
  const unknown = flags.filter((flag) => flag !== "--same-source");
  if (unknown.length > 0) return failure(2, [`dedup: unknown option ${unknown[0]}`, USAGE]);
  if (files.length !== 2) return failure(2, [`dedup: expected 2 files, got ${files.length}`, USAGE]);
  const [existingPath, incomingPath] = files as [string, string];
  const sameSource = flags.includes("--same-source");

  const texts = await Promise.all([readText(existingPath), readText(incomingPath)]);
  const unreadable = texts.flatMap((text) => (text.ok ? [] : [text.message]));
  if (unreadable.length > 0) return failure(1, unreadable);

  const existing = readExistingCsv(existingPath, (texts[0] as { text: string }).text);
  const incoming = readIncomingCsv(incomingPath, (texts[1] as { text: string }).text);
  const problems = [...problemsOf(existing), ...problemsOf(incoming)];
  if (!existing.ok || !incoming.ok) return failure(1, problems.map(formatProblem));

  const results = matchTransactions(
    sameSource
      ? {
          existing: existing.rows.map((row) => (row.providerIds.length > 0 ? { ...row, sources: [SAME_SOURCE] } : row)),
          incoming: incoming.rows.map((row) => ({ ...row, source: SAME_SOURCE })),
        }
      : { existing: existing.rows, incoming: incoming.rows },
  );
  return { exitCode: 0, stdout: formatResults(results), stderr: "" };
}

export function formatResults(results: readonly MatchResult[]): string {
  const lines = ["incoming_id,match_id,score,tier"];
  for (const result of results) {
    lines.push(
      [csvField(result.incomingId), csvField(result.matchId ?? ""), result.score.toFixed(3), result.tier].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

async function readText(path: string): Promise<{ ok: true; text: string } | { ok: false; message: string }> {
  try {
    return { ok: true, text: await readFile(path, "utf8") };
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? describeFsError(String(error.code)) : String(error);
    return { ok: false, message: `dedup: cannot read ${path}: ${reason}` };
  }
}

function describeFsError(code: string): string {
  const known: Record<string, string> = {
    ENOENT: "no such file",
    EACCES: "permission denied",
    EISDIR: "it is a directory",
  };
  return known[code] ?? code;
}

function problemsOf<T>(read: ReadResult<T>): InputProblem[] {
  return read.ok ? [] : read.problems;
}

function formatProblem(problem: InputProblem): string {
  return `${problem.file}:${problem.line}: ${problem.message}`;
}

function failure(exitCode: number, lines: string[]): CliOutcome {
  return { exitCode, stdout: "", stderr: `${lines.join("\n")}\n` };
}
