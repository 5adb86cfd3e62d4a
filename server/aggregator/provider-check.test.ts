import { describe, expect, it } from "vitest";
import { testClient, uniqueOrg } from "@/server/aggregator/testing/sandbox-helpers";
import { runProviderCheck } from "./provider-check";

// `npm run provider:check` with the default provider: every method of the contract once
// against the run's sandbox, the credential style's too (a link of `demo`, a security
// question of `demo_mfa`); the Mastercard provider's run is in mastercard/contract.test.ts.

describe("provider:check", () => {
  it("passes against the sandbox, one line per operation and the summary last", async () => {
    const { client } = testClient();
    const lines: string[] = [];
    const result = await runProviderCheck(
      client,
      {
        search: "sandbox",
        organizationId: uniqueOrg(),
        appUrl: "http://localhost:3000",
        linkInstitutionId: "sandbox-bank-personal",
        linkUsername: "demo",
        linkPassword: "go",
        mfaUsername: "demo_mfa",
        mfaAnswer: "blue",
      },
      (line) => lines.push(line),
    );
    expect(lines.map((l) => l.split(" (")[0])).toEqual([
      "ok searchInstitutions",
      "ok getInstitution",
      "ok createConnectSession",
      "ok link",
      "ok listLogins",
      "ok listAccounts",
      "ok getLoginStatus",
      "ok refresh",
      "ok getTransactions",
      "ok updateLogin",
      "ok createConnectSession fix",
      "ok remove",
      "ok link with a security question",
      "ok answerMfa",
      "provider:check provider=sandbox ok=14 failed=0",
    ]);
    expect(result).toMatchObject({ ok: 14, failed: 0 });
  });

  it("reports a failure with its reason and counts it", async () => {
    const { client } = testClient();
    const lines: string[] = [];
    const result = await runProviderCheck(
      client,
      {
        search: "sandbox",
        organizationId: uniqueOrg(),
        appUrl: "http://localhost:3000",
        linkInstitutionId: "sandbox-bank-personal",
        linkUsername: "demo",
        linkPassword: "not-the-password",
        mfaUsername: "demo_mfa",
        mfaAnswer: "blue",
      },
      (line) => lines.push(line),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^failed link: link failed: aggregator status 103 \(Invalid credentials\)/),
    );
    expect(lines).toContainEqual("failed listAccounts: no login at the provider to check it with (link one first)");
    expect(lines.at(-1)).toMatch(/^provider:check provider=sandbox ok=\d+ failed=[1-9]\d*$/);
    expect(result.failed).toBeGreaterThan(0);
  });
});
