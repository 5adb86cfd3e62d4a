import { beforeAll, describe, expect, it } from "vitest";
import { log } from "@/server/log";
import { acceptTermsAtBank, changePasswordAtBank, resetBankUser } from "@/server/testing/bank-site";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { completeAggregation, startAggregation, type EngineDeps } from "./engine";
import { openMfaSession } from "./mfa-session";

// The connection flows of the help article against the real sandbox over HTTP.

const PERSONAL = "sandbox-bank-personal";
const BUSINESS = "sandbox-bank-business";
const CREDIT_UNION = "sandbox-credit-union";

let fx: OrgFixture;
const owner = () => callerFor(testDb(), fx.users.OWNER);
const member = () => callerFor(testDb(), fx.users.MEMBER);
const deps = (): EngineDeps => ({ db: testDb(), aggregator: testAggregator(), log });
const org = () => ({ orgSlug: fx.org.slug });

async function link(institutionId: string, username: string, password = "go") {
  return owner().connections.link({ ...org(), institutionId, credentials: { username, password } });
}

async function linkAndChooseAll(institutionId: string, username: string) {
  const linked = await link(institutionId, username);
  if (linked.kind === "aggregating") await settle(linked.connectionId);
  else if (linked.kind !== "connected") throw new Error(`expected a link, got ${JSON.stringify(linked)}`);
  const connection = await owner().connections.get({ ...org(), connectionId: linked.connectionId });
  const retrieved = await owner().connections.chooseAccounts({
    ...org(),
    connectionId: linked.connectionId,
    choices: connection.accounts.map((a) => ({
      bankAccountId: a.id,
      link: true,
      newRegisterName: `${a.name} ${a.mask} ${Math.random().toString(36).slice(2, 6)}`,
    })),
  });
  return { connectionId: linked.connectionId, retrieved };
}

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Engine");
});

describe("linking", () => {
  it("links demo with two accounts, then the chosen accounts bring their history into the feed", async () => {
    const { connectionId, retrieved } = await linkAndChooseAll(PERSONAL, "demo");
    expect(retrieved).toMatchObject({ kind: "connected", status: "ACTIVE" });
    const count = retrieved.kind === "connected" ? retrieved.transactionCount! : 0;
    expect(count).toBeGreaterThan(20);

    const connection = await owner().connections.get({ ...org(), connectionId });
    expect(connection.status).toBe("ACTIVE");
    expect(connection.accounts.map((a) => a.kind).sort()).toEqual(["checking", "savings"]);
    expect(connection.accounts.every((a) => a.linked && a.register && /^\d{4}$/.test(a.mask))).toBe(true);
    expect(connection.lastSuccessAt).toBeInstanceOf(Date);
    const feed = await testDb().feedTransaction.count({ where: { bankAccount: { connectionId } } });
    expect(feed).toBe(count);

    const events = await testDb().connectionEvent.findMany({ where: { connectionId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.kind, e.trigger, e.statusCode])).toEqual([
      ["LINK", "CUSTOMER", 0],
      ["RETRIEVE", "CUSTOMER", 0],
    ]);
    expect(events[1]!.transactionCount).toBe(count);
    expect(events.every((e) => e.durationMs !== null && e.actorUserId === fx.users.OWNER.id)).toBe(true);
  });

  it("refuses a business login at the personal variant with 103 and its advice, then links at business", async () => {
    const refused = await link(PERSONAL, "demo_business");
    expect(refused.kind).toBe("failed");
    if (refused.kind !== "failed") return;
    expect(refused.problem.code).toBe(103);
    expect(refused.problem.nextStep).toMatch(/Personal or Business/);
    expect(refused.problem.nextStep).toContain("https://personal.sandboxbank.example");
    expect(refused.connectionId).toBeNull();
    const failedEvent = await testDb().connectionEvent.findFirst({
      where: { organizationId: fx.org.id, connectionId: null, statusCode: 103 },
    });
    expect(failedEvent).toMatchObject({ kind: "LINK", institutionId: PERSONAL });

    const linked = await link(BUSINESS, "demo_business");
    expect(linked.kind).toBe("connected");
    const connection = await owner().connections.get({ ...org(), connectionId: linked.connectionId! });
    expect(connection.accounts).toHaveLength(3);
  });

  it("asks three security questions one at a time, asks again after a wrong answer, then links", async () => {
    let step = await link(CREDIT_UNION, "demo_mfa");
    expect(step.kind).toBe("mfa");
    const connectionId = step.connectionId!;
    const asked: string[] = [];
    let wrongOnce = false;
    while (step.kind === "mfa") {
      asked.push(step.question.text);
      expect(step.question.kind).toBe("text");
      const listed = await owner().connections.get({ ...org(), connectionId });
      expect(listed).toMatchObject({ status: "ACTION_REQUIRED", awaitingAnswer: true });
      if (asked.length === 2 && !wrongOnce) {
        wrongOnce = true;
        step = await member().connections.answerMfa({ ...org(), connectionId, answer: "green-wrong-answer" });
        expect(step).toMatchObject({ kind: "mfa", wrongAnswer: true });
        if (step.kind === "mfa") expect(step.question.text).toBe(asked[1]);
        asked.pop();
        continue;
      }
      step = await owner().connections.answerMfa({ ...org(), connectionId, answer: "blue" });
    }
    expect(step.kind).toBe("connected");
    expect(new Set(asked).size).toBe(3);
    const codes = (
      await testDb().connectionEvent.findMany({ where: { connectionId }, orderBy: { createdAt: "asc" } })
    ).map((e) => e.statusCode);
    expect(codes).toEqual([185, 185, 187, 185, 0]);
    expect(await owner().connections.notices(org())).not.toContainEqual(expect.objectContaining({ connectionId }));
  });

  it("asks a multiple-choice question then a text question", async () => {
    const first = await link(PERSONAL, "demo_mfa_choice");
    expect(first).toMatchObject({ kind: "mfa", question: { kind: "choice" } });
    if (first.kind !== "mfa") return;
    expect(first.question.choices).toContain("Blue");
    const second = await owner().connections.answerMfa({ ...org(), connectionId: first.connectionId, answer: "Blue" });
    expect(second).toMatchObject({ kind: "mfa", question: { kind: "text" } });
    const done = await owner().connections.answerMfa({ ...org(), connectionId: first.connectionId, answer: "blue" });
    expect(done.kind).toBe("connected");
  });
});

describe("broken logins", () => {
  it("108: retrieval needs the customer until the terms are accepted at the bank's site", async () => {
    const institution = "northwindbank-personal";
    await resetBankUser(institution, "demo_terms");
    const { connectionId } = await linkAndChooseAll(institution, "demo_terms");
    const refused = await member().connections.retrieve({ ...org(), connectionId });
    expect(refused).toMatchObject({ kind: "failed", problem: { code: 108, actor: "customer" } });
    const listed = await owner().connections.get({ ...org(), connectionId });
    expect(listed).toMatchObject({ status: "ACTION_REQUIRED", problem: { code: 108 } });
    expect(await owner().connections.notices(org())).toContainEqual(
      expect.objectContaining({ connectionId, statusCode: 108 }),
    );

    await acceptTermsAtBank(institution, "demo_terms");
    const retrieved = await member().connections.retrieve({ ...org(), connectionId });
    expect(retrieved).toMatchObject({ kind: "connected", status: "ACTIVE" });
    expect(await owner().connections.notices(org())).not.toContainEqual(expect.objectContaining({ connectionId }));
  });

  it("109: fixed by Update Login with the password changed at the bank", async () => {
    const institution = "northwindbank-business";
    await resetBankUser(institution, "demo_password");
    const { connectionId } = await linkAndChooseAll(institution, "demo_password");
    expect(await member().connections.retrieve({ ...org(), connectionId })).toMatchObject({ problem: { code: 109 } });
    await changePasswordAtBank(institution, "demo_password", "new-secret-4411");
    const stale = await owner().connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo_password", password: "go" },
    });
    expect(stale).toMatchObject({ kind: "failed", problem: { code: 103 } });
    const fixed = await owner().connections.updateLogin({
      ...org(),
      connectionId,
      credentials: { username: "demo_password", password: "new-secret-4411" },
    });
    expect(fixed.kind).toBe("connected");
    expect(await owner().connections.list(org())).toContainEqual(
      expect.objectContaining({ id: connectionId, status: "ACTIVE" }),
    );
    expect((await owner().connections.list(org())).filter((c) => c.id === connectionId)).toHaveLength(1);
  });

  it("102: the bank not answering is an error nobody must act on, with a next try", async () => {
    const { connectionId } = await linkAndChooseAll("harborviewbank-personal", "demo_down");
    const first = await member().connections.retrieve({ ...org(), connectionId });
    expect(first).toMatchObject({ kind: "failed", problem: { code: 102, actor: "nobody", remedy: "wait" } });
    const listed = await owner().connections.get({ ...org(), connectionId });
    expect(listed.status).toBe("ERROR");
    expect(listed.nextRetryAt!.getTime()).toBeGreaterThan(Date.now());
    expect(await owner().connections.notices(org())).not.toContainEqual(expect.objectContaining({ connectionId }));
  });
});

describe("aggregation in progress", () => {
  it("325 while a slow aggregation runs, Active once it completes", async () => {
    const linked = await link("summitvalleybank-personal", "demo_slow");
    const connectionId = linked.connectionId!;
    expect(linked.kind === "aggregating" || linked.kind === "connected").toBe(true);
    if (linked.kind === "aggregating") await settle(connectionId);
    const connection = await owner().connections.get({ ...org(), connectionId });
    await owner().connections.chooseAccounts({
      ...org(),
      connectionId,
      choices: connection.accounts.map((a) => ({
        bankAccountId: a.id,
        link: a.kind === "checking",
        newRegisterName: `Slow ${a.id}`,
      })),
    });

    const again = await member().connections.retrieve({ ...org(), connectionId });
    expect(again).toMatchObject({ kind: "failed", problem: { code: 325 } });
    expect((await owner().connections.get({ ...org(), connectionId })).status).toBe("AGGREGATING");

    await settle(connectionId);
    expect((await owner().connections.get({ ...org(), connectionId })).status).toBe("ACTIVE");
    const after = await member().connections.retrieve({ ...org(), connectionId });
    expect(after.kind).toBe("aggregating");
  });

  it("two retrievals at once start one aggregation", async () => {
    const { connectionId } = await linkAndChooseAll("summitvalleybank-business", "demo_slow");
    await settle(connectionId);
    const results = await Promise.all([1, 2, 3].map(() => member().connections.retrieve({ ...org(), connectionId })));
    expect(results.filter((r) => r.kind === "aggregating")).toHaveLength(1);
    expect(results.filter((r) => r.kind === "failed" && r.problem.code === 325)).toHaveLength(2);
  });
});

describe("two completions of one aggregation", () => {
  it("a webhook while the retrieval is still reading records nothing of its own, and the count stays the customer's", async () => {
    const { connectionId } = await linkAndChooseAll(PERSONAL, "demo");
    const eventsBefore = await testDb().connectionEvent.count({ where: { connectionId } });
    // The retrieval's reading of transactions waits until the webhook has been handled.
    let reading!: () => void;
    const readingStarted = new Promise<"reading">((resolve) => (reading = () => resolve("reading")));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const aggregator = testAggregator();
    const slow: EngineDeps = {
      ...deps(),
      aggregator: new Proxy(aggregator, {
        get(target, property) {
          if (property === "getTransactions")
            return async (...args: Parameters<typeof target.getTransactions>) => {
              reading();
              await released;
              return target.getTransactions(...args);
            };
          const value = Reflect.get(target, property, target) as unknown;
          return typeof value === "function" ? value.bind(target) : value;
        },
      }),
    };
    const retrieval = startAggregation(slow, {
      organizationId: fx.org.id,
      connectionId,
      source: { kind: "RETRIEVE", trigger: "CUSTOMER", actorUserId: fx.users.MEMBER.id },
    });
    expect(await Promise.race([readingStarted, retrieval.then(() => "finished first")])).toBe("reading");

    // What the aggregator's webhook about the same aggregation does meanwhile.
    const echo = await completeAggregation(deps(), { connectionId, statusCode: 0, reportedAttemptAt: new Date() });
    expect(echo).toMatchObject({ kind: "connected", attemptId: null, transactionCount: null });

    release();
    const outcome = await retrieval;
    expect(outcome).toMatchObject({ kind: "connected", status: "ACTIVE" });
    expect(await testDb().connectionEvent.count({ where: { connectionId } })).toBe(eventsBefore + 1);
    const view = await owner().connections.get({ ...org(), connectionId });
    expect(view.lastResult?.id).toBe(outcome.attemptId);
    expect(view.lastResult?.transactionCount).toBe(outcome.kind === "connected" ? outcome.transactionCount : -1);
  });
});

describe("remove and re-add", () => {
  it("removes the connection, keeps its history, and the same bank links again like a first time", async () => {
    const { connectionId } = await linkAndChooseAll("lakeshorebank-personal", "demo");
    await owner().connections.remove({ ...org(), connectionId });
    expect((await owner().connections.list(org())).map((c) => c.id)).not.toContain(connectionId);
    await expect(owner().connections.get({ ...org(), connectionId })).rejects.toThrow(/not found/);
    const events = await testDb().connectionEvent.findMany({ where: { connectionId } });
    expect(events.map((e) => e.kind)).toContain("REMOVE");
    expect(await testDb().feedTransaction.count({ where: { bankAccount: { connectionId }, state: "NEW" } })).toBe(0);
    const audit = await testDb().auditEntry.findFirst({
      where: { objectId: connectionId, action: "connection.remove" },
    });
    expect(audit).toMatchObject({ actorUserId: fx.users.OWNER.id, organizationId: fx.org.id });

    const again = await link("lakeshorebank-personal", "demo");
    expect(again.kind).toBe("connected");
    expect(again.connectionId).not.toBe(connectionId);
  });
});

describe("removing at the aggregator", () => {
  it("forgets the login at the aggregator, not only in Bankline", async () => {
    const linked = await link("desertsunbank-business", "demo");
    const connectionId = linked.connectionId!;
    const row = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    const ref = { loginId: row.providerLoginId!, institutionId: row.institutionId };
    expect((await testAggregator().getLoginStatus(ref)).statusCode).toBe(0);

    await owner().connections.remove({ ...org(), connectionId });
    await expect(testAggregator().getLoginStatus(ref)).rejects.toMatchObject({ kind: "not-found" });
    await expect(testAggregator().listAccounts(ref)).rejects.toMatchObject({ kind: "not-found" });
    await expect(testAggregator().refresh(ref)).rejects.toMatchObject({ kind: "not-found" });
  });
});

describe("click here on a security-question alert", () => {
  it("with no question stored, starts a fresh aggregation and records it as the customer's", async () => {
    const { connectionId } = await linkAndChooseAll("coppercanyonbank-business", "demo");
    const resumed = await member().connections.resume({ ...org(), connectionId });
    expect(resumed).toMatchObject({ kind: "connected", status: "ACTIVE" });
    const events = await testDb().connectionEvent.findMany({ where: { connectionId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.kind, e.trigger, e.statusCode, e.actorUserId])).toEqual([
      ["LINK", "CUSTOMER", 0, fx.users.OWNER.id],
      ["RETRIEVE", "CUSTOMER", 0, fx.users.OWNER.id],
      ["REFRESH", "CUSTOMER", 0, fx.users.MEMBER.id],
    ]);
    expect(events[2]!.durationMs).not.toBeNull();
    const row = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row.lastSuccessAt!.getTime()).toBeGreaterThanOrEqual(events[2]!.startedAt.getTime());
  });

  it("with the stored question expired, asks the aggregator again instead of showing the stale question", async () => {
    const first = await link("silverlakecu", "demo_mfa");
    if (first.kind !== "mfa") throw new Error(`expected a security question, got ${first.kind}`);
    const connectionId = first.connectionId;
    // The customer answered the first question, then left until the second one expired.
    const second = await owner().connections.answerMfa({ ...org(), connectionId, answer: "blue" });
    expect(second).toMatchObject({ kind: "mfa", question: { progress: { current: 2 } } });
    const stale = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    // The aggregator's MFA session is kept sealed, and opened only to send it back with an answer.
    expect(stale.mfaSession).toMatch(/^v1\./);
    expect(stale.mfaSession).not.toContain(openMfaSession(stale.mfaSession!));
    await testDb().connection.update({
      where: { id: connectionId },
      data: { mfaExpiresAt: new Date(Date.now() - 1000) },
    });

    const resumed = await member().connections.resume({ ...org(), connectionId });
    // The link never finished, so the aggregator starts its questions over.
    expect(resumed).toMatchObject({
      kind: "mfa",
      wrongAnswer: false,
      question: { progress: { current: 1, total: 3 } },
    });
    if (resumed.kind === "mfa") expect(resumed.expiresAt.getTime()).toBeGreaterThan(Date.now());
    const row = await testDb().connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(row.mfaSession).not.toBe(stale.mfaSession);
    expect(row).toMatchObject({ status: "ACTION_REQUIRED", lastStatusCode: 185, activeEventId: null });
    const events = await testDb().connectionEvent.findMany({ where: { connectionId }, orderBy: { createdAt: "asc" } });
    expect(events.map((e) => [e.kind, e.trigger, e.statusCode])).toEqual([
      ["LINK", "CUSTOMER", 185],
      ["MFA_ANSWER", "CUSTOMER", 185],
      ["REFRESH", "CUSTOMER", 185],
    ]);
    expect(events[2]).toMatchObject({ actorUserId: fx.users.MEMBER.id });
    expect(events[2]!.durationMs).not.toBeNull();

    // The new question is the one that counts: answering all three links the connection.
    let step = resumed;
    while (step.kind === "mfa") step = await member().connections.answerMfa({ ...org(), connectionId, answer: "blue" });
    expect(step.kind).toBe("connected");
  });
});

/** Waits out a slow aggregation the way the webhook job would finish it. */
async function settle(connectionId: string) {
  await waitUntil(async () => (await completeAggregation(deps(), { connectionId })).kind !== "aggregating");
}

async function waitUntil(probe: () => Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 200));
  }
}
