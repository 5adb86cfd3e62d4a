import { readFile } from "node:fs/promises";
import { formatCents } from "@/server/dedup";
import { csvField } from "@/server/dedup/csv";
import { readStatementFile } from "../read-statement";
import { StatementError, type Statement } from "../types";

export interface CliOutcome {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const USAGE = "usage: npm run --silent statement -- <statement file>";

/**
 * `statement FILE`: the file's transactions as CSV with the dedup command's header, so its output is the
 * incoming file of `dedup`. provider_id is the file's own reference (OFX FITID …). Nothing on stdout for a file
 * that cannot be read whole.
 */
export async function runStatement(args: readonly string[]): Promise<CliOutcome> {
  if (args.length !== 1 || args[0]!.startsWith("--"))
    return failure(2, [`statement: expected 1 file, got ${args.length}`, USAGE]);
  const file = args[0]!;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (error) {
    const code = error instanceof Error && "code" in error ? String(error.code) : "";
    const why = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : code || String(error);
    return failure(1, [`statement: cannot read ${file}: ${why}`]);
  }
  try {
    const read = readStatementFile(bytes, { fileName: file });
    if (!read.statement) {
      return failure(1, [
        `statement: ${file}: cannot tell which CSV column holds the date, the amount and the description ` +
          `(columns: ${read.csv!.layout.columns.join(", ")})`,
      ]);
    }
    return { exitCode: 0, stdout: formatStatement(read.statement), stderr: "" };
  } catch (error) {
    if (error instanceof StatementError) return failure(1, [`statement: ${file}: ${error.message}`]);
    throw error;
  }
}

export function formatStatement(statement: Statement): string {
  const lines = ["id,account,date,amount,description,pending,provider_id"];
  let serial = 0;
  statement.accounts.forEach((account, at) => {
    const name = account.number ?? `account-${at + 1}`;
    for (const row of account.transactions) {
      lines.push(
        [
          `s${++serial}`,
          csvField(name),
          row.date,
          formatCents(row.amountCents),
          csvField(row.description),
          "false",
          csvField(row.reference ?? ""),
        ].join(","),
      );
    }
  });
  return `${lines.join("\n")}\n`;
}

function failure(exitCode: number, lines: string[]): CliOutcome {
  return { exitCode, stdout: "", stderr: `${lines.join("\n")}\n` };
}
