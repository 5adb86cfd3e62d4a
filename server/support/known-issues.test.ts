import { beforeAll, describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, type OrgFixture } from "@/server/testing/fixtures";
import { evaluateKnownIssues, listKnownIssues } from "./known-issues";
import { addHistory, minutesAgo, testConnection, testInstitution } from "./testing/history";

let orgs: OrgFixture[];

beforeAll(async () => {
  orgs = [];
  for (const name of ["Known A", "Known B", "Known C"]) orgs.push(await createOrgWithMembers(testDb(), name));
});

async function failingEverywhere(codes: number[], minutes: number[] = [20, 15, 10]) {
  const institutionId = await testInstitution(testDb());
  const connections = [];
  for (const [i, fx] of orgs.entries()) {
    const c = await testConnection(testDb(), { organizationId: fx.org.id, institutionId, status: "ERROR" });
    if (codes[i] !== undefined) await addHistory(testDb(), c, [{ statusCode: codes[i]!, at: minutesAgo(minutes[i]!) }]);
    connections.push(c);
  }
  return { institutionId, connections };
}

const institution = (id: string) => testDb().institution.findUniqueOrThrow({ where: { id } });
// Other test files mark and clear institutions of their own at the same time: evaluate only
// the institutions these organizations use.
const evaluate = (now = new Date()) =>
  evaluateKnownIssues(testDb(), now, { organizationIds: orgs.map((fx) => fx.org.id) });

describe("known issues at an institution", () => {
  it("are marked when several organizations fail there with provider-side codes in a short window", async () => {
    const { institutionId, connections } = await failingEverywhere([910, 910, 102]);
    const changes = await evaluate();
    expect(changes.marked).toContainEqual({ institutionId, code: 910 });
    const marked = await institution(institutionId);
    expect(marked.knownIssueCode).toBe(910);
    // Since the first of those failures, twenty minutes ago.
    expect(Math.abs(marked.knownIssueSince!.getTime() - minutesAgo(20).getTime())).toBeLessThan(5_000);

    // Support sees it at the top of the console; the customers' Manage Institutions says so too.
    expect((await listKnownIssues(testDb())).map((k) => k.institutionId)).toContain(institutionId);
    const list = await callerFor(testDb(), orgs[0]!.users.VIEWER).connections.list({ orgSlug: orgs[0]!.org.slug });
    expect(list.find((c) => c.id === connections[0]!.id)?.institution.knownIssue).toBe(true);
  });

  it("are not marked for codes that need the customer, for one organization, or for failures spread over hours", async () => {
    const customerSide = await failingEverywhere([103, 103, 109]);
    const twoOrgs = await failingEverywhere([910, 910]);
    const spread = await failingEverywhere([102, 102, 102], [200, 100, 10]);
    await evaluate();
    for (const { institutionId } of [customerSide, twoOrgs, spread])
      expect((await institution(institutionId)).knownIssueSince).toBeNull();
  });

  it("clear by themselves once aggregations there succeed again", async () => {
    const { institutionId, connections } = await failingEverywhere([903, 903, 903]);
    await evaluate();
    expect((await institution(institutionId)).knownIssueCode).toBe(903);

    await addHistory(testDb(), connections[0]!, [{ statusCode: 0, at: minutesAgo(2) }]);
    await evaluate();
    expect((await institution(institutionId)).knownIssueSince).not.toBeNull();

    await addHistory(testDb(), connections[1]!, [{ statusCode: 0, at: minutesAgo(1) }]);
    expect((await evaluate()).cleared).toContain(institutionId);
    expect(await institution(institutionId)).toMatchObject({ knownIssueSince: null, knownIssueCode: null });
  });

  it("clear when the failures stopped hours ago even if nobody has succeeded yet", async () => {
    const { institutionId } = await failingEverywhere([910, 910, 910]);
    await evaluate();
    expect((await institution(institutionId)).knownIssueSince).not.toBeNull();
    await evaluate(new Date(Date.now() + 7 * 60 * 60_000));
    expect((await institution(institutionId)).knownIssueSince).toBeNull();
  });
});
