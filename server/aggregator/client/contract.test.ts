import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyWebhookSignature, SIGNATURE_HEADER } from "@/server/webhooks/signature";
import { inject } from "vitest";
import {
  admin,
  bankSiteSession,
  isoDaysAgo,
  refOf,
  testClient,
  uniqueOrg,
  waitFor,
  webhookReceiver,
} from "@/server/aggregator/testing/sandbox-helpers";
import { AggregatorError } from "./errors";
import type { HttpAggregatorClient } from "./http-client";
import type { LoginOutcome } from "./types";

// The contract of SANDBOX.md, row by row, through the provider client against the sandbox
// running over HTTP. Flows that change a bank user's state (terms, password, outage) use
// institutions no other suite touches.

const PERSONAL = "sandbox-bank-personal";
const BUSINESS = "sandbox-bank-business";
const WRONG_PASSWORD = "contract-wrong-password-3141";

let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let client: HttpAggregatorClient;

beforeAll(async () => {
  hook = await webhookReceiver();
  client = testClient({ customerWebhookUrl: hook.url }).client;
});
afterAll(() => hook.close());

async function failure(promise: Promise<unknown>): Promise<AggregatorError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AggregatorError);
  return err as AggregatorError;
}

const link = (username: string, institutionId = PERSONAL, password = "go") =>
  client.link({ organizationId: uniqueOrg(), institutionId, credentials: { username, password } });

function expectOk(outcome: LoginOutcome) {
  expect(outcome.kind).toBe("ok");
  return outcome;
}

describe("sandbox catalog", () => {
  it("has the three contract institutions verbatim and at least 40 in all", async () => {
    const page = await client.searchInstitutions({ text: "sandbox" });
    const rows = page.institutions.map((i) => [i.name, i.variant, i.loginUrl]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ["Sandbox Bank (Personal)", "PERSONAL", "https://personal.sandboxbank.example"],
        ["Sandbox Bank (Business)", "BUSINESS", "https://business.sandboxbank.example"],
        ["Sandbox Credit Union", "PERSONAL", "https://www.sandboxcu.example"],
      ]),
    );
    const all = await client.searchInstitutions({ limit: 100 });
    expect(all.total).toBeGreaterThanOrEqual(40);
    const business = await client.searchInstitutions({ variant: "BUSINESS", limit: 100 });
    expect(business.institutions.every((i) => i.variant === "BUSINESS")).toBe(true);
    expect(business.total).toBeGreaterThanOrEqual(15);
    const one = await client.getInstitution(BUSINESS);
    expect(one).toMatchObject({ name: "Sandbox Bank (Business)", status: "online" });
    expect(one.sandboxSiteUrl).toMatch(/\/bank\/sandbox-bank-business$/);
    expect((await failure(client.getInstitution("no-such-bank"))).kind).toBe("not-found");
  });
});

describe("test logins", () => {
  it("demo links at once with checking and savings and about 90 days of history", async () => {
    const outcome = expectOk(await link("demo"));
    expect(outcome.login).toMatchObject({ statusCode: 0, aggregating: false });
    expect(outcome.login.lastSuccessAt).toBeInstanceOf(Date);
    const ref = refOf(outcome);
    const accounts = await client.listAccounts(ref);
    expect(accounts.map((a) => a.kind)).toEqual(["checking", "savings"]);
    expect(accounts.every((a) => /^\d{4}$/.test(a.mask) && Number.isInteger(a.balanceCents))).toBe(true);

    const checking = await client.getTransactions({
      ...ref,
      accountId: accounts[0]!.id,
      from: isoDaysAgo(400),
      to: isoDaysAgo(-1),
    });
    const dates = checking.map((t) => t.transactionDate).sort();
    expect(dates[0]! >= isoDaysAgo(90)).toBe(true);
    expect(dates[0]! <= isoDaysAgo(85)).toBe(true);
    expect(checking.length).toBeGreaterThan(100);
    expect(checking.every((t) => Number.isInteger(t.amountCents) && t.amountCents !== 0)).toBe(true);
    expect(checking.some((t) => t.pending)).toBe(true);
    expect(checking.some((t) => t.checkNumber !== null && /^CHECK \d+$/.test(t.description))).toBe(true);
    expect(checking.some((t) => t.amountCents > 0 && /PAYROLL/.test(t.description))).toBe(true);

    const refreshed = expectOk(await client.refresh(ref));
    expect(refreshed.login.statusCode).toBe(0);
    const status = await client.getLoginStatus(ref);
    expect(status.lastAttemptAt!.getTime()).toBeGreaterThanOrEqual(outcome.login.lastAttemptAt!.getTime());

    await client.remove(ref);
    await client.remove(ref); // already gone counts as removed
    expect((await failure(client.getLoginStatus(ref))).kind).toBe("not-found");
  });

  it("any other password gives 103, never retried", async () => {
    const err = await failure(link("demo", PERSONAL, WRONG_PASSWORD));
    expect(err).toMatchObject({ code: 103, kind: "status", retryable: false, needsCustomer: true, attempts: 1 });
    expect(err.describe({ institutionUrl: "https://personal.sandboxbank.example" }).nextStep).toContain(
      "https://personal.sandboxbank.example",
    );
    expect((await failure(link("somebody_else"))).code).toBe(103);
  });

  it("demo_business gives 103 at a personal variant and links at the business one with 3 accounts", async () => {
    const err = await failure(link("demo_business", PERSONAL));
    expect(err.code).toBe(103);
    expect(err.describe().nextStep).toMatch(/Personal or Business/);
    const outcome = expectOk(await link("demo_business", BUSINESS));
    const accounts = await client.listAccounts(refOf(outcome));
    expect(accounts.map((a) => a.kind)).toEqual(["checking", "savings", "credit_card"]);
  });

  it("demo_mfa asks three questions one at a time; a wrong answer gives 187 and the same question", async () => {
    let outcome = await link("demo_mfa");
    expect(outcome.kind).toBe("mfa");
    if (outcome.kind !== "mfa") return;
    const ref = refOf(outcome);
    expect(outcome.challenge).toMatchObject({ statusCode: 185, question: { kind: "text" } });
    expect((await failure(client.listAccounts(ref))).code).toBe(185);

    const first = outcome.challenge;
    outcome = await client.answerMfa(ref, first.session, "contract-wrong-answer-2718");
    if (outcome.kind !== "mfa") throw new Error("expected the question again");
    expect(outcome.challenge.statusCode).toBe(187);
    expect(outcome.challenge.question).toEqual(first.question);
    expect(outcome.login.statusCode).toBe(187);

    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      if (outcome.kind !== "mfa") throw new Error(`expected question ${i + 1}`);
      expect(outcome.challenge.progress).toEqual({ current: i + 1, total: 3 });
      seen.add(outcome.challenge.question.id);
      outcome = await client.answerMfa(ref, outcome.challenge.session, "blue");
    }
    expect(seen.size).toBe(3);
    expect(expectOk(outcome).login.statusCode).toBe(0);
    expect(await client.listAccounts(ref)).toHaveLength(2);
    // A superseded session no longer works.
    expect((await failure(client.answerMfa(ref, first.session, "blue"))).code).toBe(331);
  });

  it("demo_mfa_choice asks a multiple-choice question (Blue) and then a text question (blue)", async () => {
    let outcome = await link("demo_mfa_choice");
    if (outcome.kind !== "mfa" || outcome.challenge.question.kind !== "choice") throw new Error("expected a choice");
    expect(outcome.challenge.question.choices).toContain("Blue");
    const ref = refOf(outcome);
    outcome = await client.answerMfa(ref, outcome.challenge.session, "Blue");
    if (outcome.kind !== "mfa") throw new Error("expected the text question");
    expect(outcome.challenge.question.kind).toBe("text");
    outcome = await client.answerMfa(ref, outcome.challenge.session, "blue");
    expect(expectOk(outcome).login.statusCode).toBe(0);
  });

  it("an unanswered question expires with 331 and Update Login asks again", async () => {
    const outcome = await link("demo_mfa", "sandbox-credit-union");
    if (outcome.kind !== "mfa") throw new Error("expected a question");
    const ref = refOf(outcome);
    await waitFor("the MFA session to expire", async () => (await client.getLoginStatus(ref)).statusCode === 331, 8000);
    expect((await failure(client.answerMfa(ref, outcome.challenge.session, "blue"))).code).toBe(331);
    const expired = hook.received.find(
      (w) => w.body.type === "login.mfa_expired" && w.body.data.loginId === ref.loginId,
    );
    expect(expired?.body.data.statusCode).toBe(331);

    let again = await client.updateLogin(ref, { username: "demo_mfa", password: "go" });
    for (let i = 0; again.kind === "mfa" && i < 3; i++)
      again = await client.answerMfa(ref, again.challenge.session, "blue");
    expect(expectOk(again).login.statusCode).toBe(0);
  });

  it("demo_terms refreshes with 108 until the terms are accepted at the bank's site", async () => {
    const institutionId = "riverbendtrust-personal";
    const ref = refOf(expectOk(await link("demo_terms", institutionId)));
    const err = await failure(client.refresh(ref));
    expect(err).toMatchObject({ code: 108, needsCustomer: true, retryable: false });
    expect((await client.getLoginStatus(ref)).statusCode).toBe(108);

    const bank = await bankSiteSession(institutionId, "demo_terms", "go");
    expect(await bank!.home()).toContain("New terms and conditions");
    expect((await bank!.post("terms", {})).status).toBe(303);
    expect(await bank!.home()).not.toContain("New terms and conditions");
    expect(expectOk(await client.refresh(ref)).login.statusCode).toBe(0);
  });

  it("demo_password refreshes with 109 until the password changes; then 103 until Update Login with the new one", async () => {
    const institutionId = "granitestatebank-personal";
    const newPassword = "contract-new-password-1618";
    const ref = refOf(expectOk(await link("demo_password", institutionId)));
    expect((await failure(client.refresh(ref))).code).toBe(109);

    const bank = await bankSiteSession(institutionId, "demo_password", "go");
    expect(await bank!.home()).toContain("must change your password");
    const changed = await bank!.post("password", { currentPassword: "go", newPassword, confirmPassword: newPassword });
    expect(changed.status).toBe(303);

    expect((await failure(client.refresh(ref))).code).toBe(103);
    expect(await bankSiteSession(institutionId, "demo_password", "go")).toBeNull();
    expect((await failure(client.updateLogin(ref, { username: "demo_password", password: "go" }))).code).toBe(103);
    expect(
      expectOk(await client.updateLogin(ref, { username: "demo_password", password: newPassword })).login.statusCode,
    ).toBe(0);
    expect(expectOk(await client.refresh(ref)).login.statusCode).toBe(0);
    // The old password no longer links either.
    expect((await failure(link("demo_password", institutionId))).code).toBe(103);
  });

  it("demo_slow aggregates in the background: 325 meanwhile, then a webhook and data", async () => {
    const outcome = expectOk(await link("demo_slow"));
    expect(outcome.login).toMatchObject({ aggregating: true, statusCode: 325 });
    const ref = refOf(outcome);
    const busy = await failure(client.listAccounts(ref));
    expect(busy).toMatchObject({ code: 325, retryable: false, needsCustomer: false });
    expect(busy.describe().connectionStatus).toBe("AGGREGATING");
    expect((await failure(client.refresh(ref))).code).toBe(325);

    const event = await waitFor("the aggregation webhook", async () =>
      hook.received.find((w) => w.body.type === "aggregation.completed" && w.body.data.loginId === ref.loginId),
    );
    expect(event.body.data).toMatchObject({ statusCode: 0, aggregating: false, trigger: "link" });
    expect(
      verifyWebhookSignature(event.raw, event.headers[SIGNATURE_HEADER] as string, inject("aggregatorWebhookSecret")),
    ).toBe(true);
    expect(await client.listAccounts(ref)).toHaveLength(2);
  });

  it("demo_down fails refreshes with 102 three times and succeeds on the fourth", async () => {
    const ref = refOf(expectOk(await link("demo_down")));
    for (let i = 0; i < 3; i++) {
      expect(await failure(client.refresh(ref))).toMatchObject({ code: 102, retryable: true, needsCustomer: false });
    }
    expect(expectOk(await client.refresh(ref)).login.statusCode).toBe(0);

    // With retries, one refresh call rides out the next three 102s.
    const retries: number[] = [];
    const patient = testClient({ retry: { maxAttempts: 4 }, onRetry: (r) => retries.push(r.error.code!) }).client;
    expect(expectOk(await patient.refresh(ref)).login.statusCode).toBe(0);
    expect(retries).toEqual([102, 102, 102]);
  });

  it("demo_outage refreshes with 910 while its institution is marked down", async () => {
    const institutionId = "harborviewbank-personal";
    await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: true });
    try {
      const ref = refOf(expectOk(await link("demo_outage", institutionId)));
      const err = await failure(client.refresh(ref));
      expect(err).toMatchObject({ code: 910, retryable: true, needsCustomer: false });
      expect(err.describe().connectionStatus).toBe("ERROR");
      expect((await client.getInstitution(institutionId)).status).toBe("outage");
      await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: false });
      expect(expectOk(await client.refresh(ref)).login.statusCode).toBe(0);
    } finally {
      await admin("PUT", `/admin/institutions/${institutionId}/outage`, { down: false });
    }
  });

  it("demo_big has one checking account with 20 000 transactions over two years", async () => {
    const ref = refOf(expectOk(await link("demo_big")));
    const accounts = await client.listAccounts(ref);
    expect(accounts).toHaveLength(1);
    const started = performance.now();
    const all = await client.getTransactions({
      ...ref,
      accountId: accounts[0]!.id,
      from: isoDaysAgo(800),
      to: isoDaysAgo(-5),
    });
    expect(all).toHaveLength(20_000);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(new Set(all.map((t) => t.id)).size).toBe(20_000);
    const dates = all.map((t) => t.transactionDate).sort();
    expect(dates[0]! >= isoDaysAgo(730)).toBe(true);
    const ranged = await client.getTransactions({
      ...ref,
      accountId: accounts[0]!.id,
      from: isoDaysAgo(30),
      to: isoDaysAgo(0),
    });
    expect(ranged.length).toBeGreaterThan(700);
    expect(ranged.every((t) => t.postedDate >= isoDaysAgo(30))).toBe(true);
  });

  it.each([
    ["demo_moved", 945],
    ["demo_closed", 946],
    ["demo_maintenance", 903],
  ])("%s links and then refreshes with %i", async (username, code) => {
    const ref = refOf(expectOk(await link(username)));
    expect((await failure(client.refresh(ref))).code).toBe(code);
  });

  it("every link brings the same real-world transactions under new ids", async () => {
    const org = uniqueOrg();
    const take = async () => {
      const ref = refOf(
        expectOk(
          await client.link({
            organizationId: org,
            institutionId: PERSONAL,
            credentials: { username: "demo", password: "go" },
          }),
        ),
      );
      const [checking] = await client.listAccounts(ref);
      const all = await client.getTransactions({
        ...ref,
        accountId: checking!.id,
        from: isoDaysAgo(90),
        to: isoDaysAgo(0),
      });
      // Dates shift by up to 3 days per link, so compare on the day the purchase happened.
      return all.filter((t) => t.transactionDate >= isoDaysAgo(60) && t.transactionDate <= isoDaysAgo(10));
    };
    const [a, b] = [await take(), await take()];
    const key = (t: { transactionDate: string; amountCents: number }) => `${t.transactionDate} ${t.amountCents}`;
    expect(a.map(key).sort()).toEqual(b.map(key).sort());
    const idsA = new Set(a.map((t) => t.id));
    expect(b.some((t) => idsA.has(t.id))).toBe(false);
  });

  it("webhooks are signed and carry unique event ids", async () => {
    const events = hook.received.filter((w) => w.body.type === "aggregation.completed");
    expect(events.length).toBeGreaterThan(3);
    expect(new Set(events.map((e) => e.body.id)).size).toBe(events.length);
    for (const e of events) {
      expect(
        verifyWebhookSignature(e.raw, e.headers[SIGNATURE_HEADER] as string, inject("aggregatorWebhookSecret")),
      ).toBe(true);
    }
  });
});
