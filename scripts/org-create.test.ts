import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { uniqueSuffix } from "@/server/testing/fixtures";
import { slugFromName } from "@/server/orgs/service";

const root = path.resolve(import.meta.dirname, "..");

function orgCreate(args: string[]) {
  return spawnSync(process.execPath, ["--import", "tsx", "scripts/org-create.ts", ...args], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: inject("databaseUrl"), LOG_LEVEL: "warn" },
    encoding: "utf8",
    timeout: 60_000,
  });
}

describe("npm run org:create", () => {
  it("creates the organization and emails its first owner an invitation (no one can sign up otherwise)", () => {
    const s = uniqueSuffix();
    const owner = `first-owner-${s}@test.example`;
    const run = orgCreate(["--name", `Lakeside Arts ${s}`, "--owner", owner]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Created Lakeside Arts ${s} at /lakeside-arts-${s}.`);
    expect(run.stdout).toContain(`Invitation emailed to ${owner} as owner`);
    return (async () => {
      const org = await testDb().organization.findUniqueOrThrow({ where: { slug: `lakeside-arts-${s}` } });
      expect(
        await testDb().invitation.findFirst({ where: { organizationId: org.id }, select: { email: true, role: true } }),
      ).toEqual({ email: owner, role: "OWNER" });
      expect(
        await testDb().mailMessage.findFirst({ where: { toEmail: owner }, select: { kind: true, subject: true } }),
      ).toEqual({
        kind: "invitation",
        subject: `You are invited to Lakeside Arts ${s} on Bankline`,
      });
      expect(await testDb().membership.count({ where: { organizationId: org.id } })).toBe(0);
      // The same address again is refused with a message that says what to do.
      const again = orgCreate(["--name", `Lakeside Arts ${s}`, "--owner", owner]);
      expect(again.status).toBe(1);
      expect(again.stderr).toContain("is taken; choose another with --slug");
    })();
  });

  it("says how to call it when an argument is missing or wrong", () => {
    const run = orgCreate(["--name", "X Org", "--owner", "not-an-email"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--owner");
    expect(run.stderr).toContain("Usage: npm run org:create");
    expect(slugFromName("Église St-Jean Food Bank!")).toBe("eglise-st-jean-food-bank");
  });
});
