import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const fixture = (name: string) => path.join("server/statements/fixtures", name);

function run(script: string, ...args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", script, ...args], { cwd: root, encoding: "utf8" });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("statement command", () => {
  it("prints the file's transactions with the dedup command's header, the file's reference as provider_id", () => {
    const result = run("scripts/statement.ts", fixture("checking-and-savings.ofx"));
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        "id,account,date,amount,description,pending,provider_id",
        "s1,000123456789,2026-03-02,-42.13,AMAZON MKTPLACE PMTS,false,2026030201",
        "s2,000123456789,2026-03-05,-582.25,CHECK 1043,false,2026030501",
        "s3,000123456789,2026-03-06,1250.00,Ben & Jerry's Foundation Grant été 2026,false,2026030601",
        "s4,000123456789,2026-03-10,-18.50,CAFÉ ZURÜCK – MÜNCHEN,false,2026031001",
        "s5,000987654321,2026-03-31,3.07,INTEREST PAYMENT,false,S2026033101",
        "",
      ].join("\n"),
    );
  });

  it("feeds dedup directly: a second download of the same statement is all duplicates under --same-source", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "statement-"));
    const first = run("scripts/statement.ts", fixture("checking-and-savings.ofx")).stdout;
    writeFileSync(path.join(dir, "existing.csv"), first.replace(/^s(\d+),/gm, "r$1,"));
    writeFileSync(path.join(dir, "incoming.csv"), first);
    const matched = run(
      "scripts/dedup.ts",
      "--same-source",
      path.join(dir, "existing.csv"),
      path.join(dir, "incoming.csv"),
    );
    expect(matched.stderr).toBe("");
    const rows = matched.stdout
      .trimEnd()
      .split("\n")
      .slice(1)
      .map((line) => line.split(","));
    expect(rows.map(([id, match, score, tier]) => [id, match, score, tier])).toEqual(
      [1, 2, 3, 4, 5].map((n) => [`s${n}`, `r${n}`, "1.000", "duplicate"]),
    );
  });

  it.each([
    [
      "truncated.ofx",
      "line 60: the file ends inside <STMTTRN> opened on line 55: it looks cut off (download it again)",
    ],
    ["truncated.qif", "line 12: the file ends inside a transaction that has no closing ^"],
    ["truncated.csv", "line 6: a quoted field is never closed"],
    ["truncated.camt053.xml", "the file ends inside <Ntry> opened on line 32"],
    ["bad-amount.ofx", 'line 66: "-18.5.0" is not an amount'],
  ])("%s: nothing on stdout, the reason on stderr, a non-zero exit", (name, reason) => {
    const result = run("scripts/statement.ts", fixture(name));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe("");
    expect(result.stderr).toContain(`statement: ${fixture(name)}: `);
    expect(result.stderr).toContain(reason);
  });

  it("says which file it cannot read, and how to call it", () => {
    expect(run("scripts/statement.ts", fixture("no-such.ofx"))).toEqual({
      code: 1,
      stdout: "",
      stderr: `statement: cannot read ${fixture("no-such.ofx")}: no such file\n`,
    });
    const usage = run("scripts/statement.ts");
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("usage: npm run --silent statement -- <statement file>");
  });
});
