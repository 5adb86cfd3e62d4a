import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "../../..");
const fixture = (name: string) => path.join("server/dedup/cli/fixtures", name);

function dedup(...args: string[]) {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/dedup.ts", ...args], {
    cwd: root,
    encoding: "utf8",
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

describe("dedup command", () => {
  it("prints incoming_id,match_id,score,tier in incoming order", () => {
    const run = dedup(fixture("existing.csv"), fixture("incoming.csv"));
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("incoming_id,match_id,score,tier");
    const rows = lines.slice(1).map((line) => line.split(","));
    expect(rows.map(([id]) => id)).toEqual(["i1", "i2", "i3", "i4", "i5", "i6"]);
    const byId: Record<string, { match?: string; score?: string; tier?: string }> = Object.fromEntries(
      rows.map(([id, match, score, tier]) => [id, { match, score, tier }]),
    );
    expect(byId.i1).toMatchObject({ match: "r1", tier: "duplicate" });
    expect(byId.i2).toEqual({ match: "", score: "0.000", tier: "new" });
    expect(byId.i3).toMatchObject({ match: "r2", tier: "duplicate" });
    expect(byId.i4!.match).toBe("r3");
    expect(byId.i5).toMatchObject({ match: "r4", score: "0.990", tier: "duplicate" });
    expect(byId.i6).toMatchObject({ match: "", tier: "new" });
    for (const { score } of Object.values(byId)) expect(score).toMatch(/^\d\.\d{3}$/);
  });

  it("--same-source: a different provider id from the same source is a different transaction", () => {
    const run = dedup("--same-source", fixture("existing.csv"), fixture("incoming.csv"));
    expect(run.stderr).toBe("");
    const byId = Object.fromEntries(
      run.stdout
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((line) => line.split(","))
        .map(([id, match, , tier]) => [id, { match, tier }]),
    );
    // The coffee and the rent came under other ids of the same source: new. A pending row's posted
    // version gets an id of its own, and a check typed by hand has no source.
    expect(byId.i1).toEqual({ match: "", tier: "new" });
    expect(byId.i3).toEqual({ match: "", tier: "new" });
    expect(byId.i4!.match).toBe("r3");
    expect(byId.i5).toEqual({ match: "r4", tier: "duplicate" });
  });

  it("refuses an option it does not know", () => {
    const run = dedup("--same-sauce", fixture("existing.csv"), fixture("incoming.csv"));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain("dedup: unknown option --same-sauce");
  });

  it.each([
    [
      "missing-column.csv",
      1,
      'missing column "provider_id"; the header must include id,account,date,amount,description,pending,provider_id',
    ],
    ["bad-date.csv", 3, 'date "2026-02-30" is not a calendar date YYYY-MM-DD'],
    ["bad-amount.csv", 3, 'amount "1,234.00" is not a signed decimal amount like -5.00 or 1234.5'],
    ["bad-amount.csv", 4, 'amount "5.001" has more than 2 decimal places'],
    ["bad-pending.csv", 2, 'pending "yes" must be true or false'],
    ["wrong-field-count.csv", 2, "expected 7 fields like the header, found 6"],
    ["unclosed-quote.csv", 2, "a quoted field is never closed"],
  ])("%s: names the file and line %i, exits non-zero, prints nothing on stdout", (name, line, message) => {
    const run = dedup(fixture("existing.csv"), fixture(name));
    expect(run.code).not.toBe(0);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`${fixture(name)}:${line}: ${message}`);
  });

  it("reports bad rows in the existing file too", () => {
    const run = dedup(fixture("bad-date.csv"), fixture("incoming.csv"));
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${fixture("bad-date.csv")}:3: date`);
  });

  it("says which file it cannot read", () => {
    const run = dedup(fixture("existing.csv"), fixture("no-such-file.csv"));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toBe(`dedup: cannot read ${fixture("no-such-file.csv")}: no such file\n`);
  });

  it("explains its usage when given the wrong number of files", () => {
    const run = dedup(fixture("existing.csv"));
    expect(run.code).toBe(2);
    expect(run.stdout).toBe("");
    expect(run.stderr).toMatch(/usage: npm run --silent dedup -- \[--same-source\] <existing.csv> <incoming.csv>/);
  });
});
