import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createLogger } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { receiveAggregatorWebhook } from "@/server/webhooks/receive-aggregator-webhook";
import { AggregatorError } from "./client/errors";
import type { LoginOutcome, LoginRef } from "./client/types";
import {
  admin,
  bankSiteSession,
  isoDaysAgo,
  refOf,
  sandboxUrl,
  testClient,
  uniqueOrg,
  waitFor,
  webhookReceiver,
} from "./testing/sandbox-helpers";

// Credentials and security answers pass through memory only. This runs every flow that
// carries them (link, wrong passwords, MFA with wrong and right answers, update login, the
// bank's own site, invalid requests, webhooks), records what a service would record
// (errors, MFA questions, connection events), then scans every table of the database, the
// captured logs and the sandbox's log and state files for them.

const tag = randomBytes(3).toString("hex");
const secrets = {
  wrongPassword: `Wr0ngPass-Zebra-${tag}`,
  wrongUpdatePassword: `Wr0ngUpdate-Okapi-${tag}`,
  wrongBankPassword: `Wr0ngBank-Tapir-${tag}`,
  newPassword: `N3wPass-Quokka-${tag}`,
  wrongAnswer: `Wr0ngAnswer-Narwhal-${tag}`,
  oversizedPassword: `Oversized-Axolotl-${tag}-${"x".repeat(220)}`,
};
const shortSecretPatterns = [
  /"password"\s*:\s*"go"/i,
  /"password"\s*:\s*"blue"/i,
  /"answer"\s*:\s*"blue"/i,
  /password=go\b/i,
];

const logLines: string[] = [];
const logger = createLogger({
  level: "debug",
  destination: new Writable({
    write(chunk, _enc, done) {
      logLines.push(String(chunk));
      done();
    },
  }),
});
let hook: Awaited<ReturnType<typeof webhookReceiver>>;

beforeAll(async () => {
  hook = await webhookReceiver((req) =>
    receiveAggregatorWebhook(req, {
      db: testDb(),
      secret: inject("aggregatorWebhookSecret"),
      enqueueEvent: async () => {},
      log: logger,
    }),
  );
});
afterAll(() => hook.close());

describe("credentials and security answers", () => {
  it("appear nowhere after every flow", async () => {
    const { client } = testClient({ logger, customerWebhookUrl: hook.url, retry: { maxAttempts: 2, baseDelayMs: 5 } });
    const db = testDb();
    const org = await db.organization.create({ data: { slug: `secrets-${tag}`, name: `Secrets ${tag}` } });
    const recorded: unknown[] = [];

    /** What a service would keep of an attempt: the error, the question, the outcome. */
    async function record(loginRef: LoginRef | null, institutionId: string, result: LoginOutcome | AggregatorError) {
      recorded.push(result);
      const isError = result instanceof AggregatorError;
      if (isError) logger.error({ err: result }, "aggregator call failed");
      const loginId = isError ? (loginRef?.loginId ?? null) : result.login.loginId;
      await db.institution.upsert({
        where: { id: institutionId },
        create: { id: institutionId, name: institutionId, variant: "PERSONAL", loginUrl: "https://example.invalid" },
        update: {},
      });
      const connection = await db.connection.create({
        data: {
          organizationId: org.id,
          institutionId,
          providerLoginId: loginId ? `${loginId}-${randomBytes(3).toString("hex")}` : null,
          status: isError ? "ACTION_REQUIRED" : "ACTIVE",
          lastStatusCode: isError ? result.code : result.login.statusCode,
          lastStatusMessage: isError ? result.message : null,
          mfaSession: !isError && result.kind === "mfa" ? result.challenge.session : null,
          mfaQuestion: !isError && result.kind === "mfa" ? result.challenge.question : undefined,
        },
      });
      await db.connectionEvent.create({
        data: {
          organizationId: org.id,
          connectionId: connection.id,
          institutionId,
          kind: "LINK",
          trigger: "CUSTOMER",
          statusCode: isError ? result.code : result.login.statusCode,
          message: JSON.stringify(isError ? { error: result, described: result.describe() } : result),
        },
      });
    }
    async function attempt(loginRef: LoginRef | null, institutionId: string, call: () => Promise<LoginOutcome>) {
      try {
        const outcome = await call();
        await record(loginRef, institutionId, outcome);
        return outcome;
      } catch (err) {
        if (!(err instanceof AggregatorError)) throw err;
        await record(loginRef, institutionId, err);
        return null;
      }
    }
    const link = (username: string, password: string, institutionId = "sandbox-bank-personal") =>
      attempt(null, institutionId, () =>
        client.link({ organizationId: uniqueOrg(), institutionId, credentials: { username, password } }),
      );

    // Wrong and right passwords, data, refresh.
    expect(await link("demo", secrets.wrongPassword)).toBeNull();
    expect(await link("demo", secrets.oversizedPassword)).toBeNull();
    const demo = refOf((await link("demo", "go"))!);
    const [checking] = await client.listAccounts(demo);
    await client.getTransactions({ ...demo, accountId: checking!.id, from: isoDaysAgo(30), to: isoDaysAgo(0) });
    await attempt(demo, demo.institutionId, () => client.refresh(demo));
    expect(
      await attempt(demo, demo.institutionId, () =>
        client.updateLogin(demo, { username: "demo", password: secrets.wrongUpdatePassword }),
      ),
    ).toBeNull();

    // MFA: a wrong answer, then the right ones; the multiple-choice variant.
    for (const username of ["demo_mfa", "demo_mfa_choice"]) {
      let outcome = await link(username, "go");
      const ref = refOf(outcome!);
      outcome = await attempt(ref, ref.institutionId, () =>
        client.answerMfa(ref, (outcome as { challenge: { session: string } }).challenge.session, secrets.wrongAnswer),
      );
      while (outcome?.kind === "mfa") {
        const answer = outcome.challenge.question.kind === "choice" ? "Blue" : "blue";
        const session = outcome.challenge.session;
        outcome = await attempt(ref, ref.institutionId, () => client.answerMfa(ref, session, answer));
      }
      expect(outcome?.kind).toBe("ok");
    }

    // The bank's own site: a wrong password, new terms, a password change, Update Login.
    const termsBank = "redwoodcommunity-personal";
    const terms = refOf((await link("demo_terms", "go", termsBank))!);
    await attempt(terms, termsBank, () => client.refresh(terms));
    expect(await bankSiteSession(termsBank, "demo_terms", secrets.wrongBankPassword)).toBeNull();
    const wrongPage = await (
      await fetch(`${sandboxUrl()}/bank/${termsBank}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ username: "demo_terms", password: secrets.wrongBankPassword }),
      })
    ).text();
    expect(wrongPage).not.toContain(secrets.wrongBankPassword);
    await (await bankSiteSession(termsBank, "demo_terms", "go"))!.post("terms", {});
    await attempt(terms, termsBank, () => client.refresh(terms));

    const passwordBank = "cascadefederal-personal";
    const pw = refOf((await link("demo_password", "go", passwordBank))!);
    await attempt(pw, passwordBank, () => client.refresh(pw));
    const bank = (await bankSiteSession(passwordBank, "demo_password", "go"))!;
    const mismatch = await bank.post("password", {
      currentPassword: "go",
      newPassword: secrets.newPassword,
      confirmPassword: secrets.wrongBankPassword,
    });
    expect(await mismatch.text()).not.toContain(secrets.newPassword);
    await bank.post("password", {
      currentPassword: "go",
      newPassword: secrets.newPassword,
      confirmPassword: secrets.newPassword,
    });
    await attempt(pw, passwordBank, () => client.refresh(pw));
    await attempt(pw, passwordBank, () =>
      client.updateLogin(pw, { username: "demo_password", password: secrets.wrongUpdatePassword }),
    );
    const updated = await attempt(pw, passwordBank, () =>
      client.updateLogin(pw, { username: "demo_password", password: secrets.newPassword }),
    );
    expect(updated?.kind).toBe("ok");

    // A flaky sandbox in the middle of a link: errors and retries are logged.
    const flakyOrg = uniqueOrg();
    await admin("POST", "/admin/faults/rules", {
      match: { institutionId: "sandbox-credit-union" },
      errorRate: 1,
      times: 1,
    });
    await attempt(null, "sandbox-credit-union", () =>
      client.link({
        organizationId: flakyOrg,
        institutionId: "sandbox-credit-union",
        credentials: { username: "demo", password: secrets.wrongPassword },
      }),
    );

    await waitFor("the last webhook to be stored", async () =>
      (await db.webhookEvent.findMany({ where: { payload: { path: ["data", "loginId"], equals: pw.loginId } } })).some(
        (e) => (e.payload as { data: { trigger: string } }).data.trigger === "update",
      ),
    );
    expect(recorded.length).toBeGreaterThan(15);

    // A canary, planted where a leak would land, proves the scan reaches those places.
    const canary = `Canary-Pelican-${tag}`;
    logger.info({ note: canary }, "canary");
    const someConnection = await db.connection.findFirstOrThrow({ where: { organizationId: org.id } });
    await db.connectionEvent.create({
      data: {
        organizationId: org.id,
        connectionId: someConnection.id,
        institutionId: someConnection.institutionId,
        kind: "REFRESH",
        trigger: "SCHEDULE",
        message: canary,
      },
    });

    // ---- the scan ----
    const haystacks: Record<string, string> = { "client and route logs": logLines.join("") };
    const tables = await db.$queryRawUnsafe<{ schema: string; name: string }[]>(
      "SELECT table_schema AS schema, table_name AS name FROM information_schema.tables WHERE table_schema IN ('public', 'pgboss') AND table_type = 'BASE TABLE'",
    );
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) {
      const rows = await db.$queryRawUnsafe<{ row: string }[]>(
        `SELECT t::text AS row FROM "${t.schema}"."${t.name}" t`,
      );
      haystacks[`table ${t.schema}.${t.name}`] = rows.map((r) => r.row).join("\n");
    }
    const logFile = inject("aggregatorLogFile");
    const stateFile = inject("aggregatorStateFile");
    if (logFile) {
      haystacks["sandbox log"] = await readFile(logFile, "utf8");
      expect(haystacks["sandbox log"]).toContain("sandbox request");
    }
    if (stateFile) {
      await admin("POST", "/admin/flush");
      await new Promise((r) => setTimeout(r, 200));
      haystacks["sandbox state"] = await readFile(stateFile, "utf8");
      if (existsSync(`${stateFile}.journal`))
        haystacks["sandbox journal"] = await readFile(`${stateFile}.journal`, "utf8");
    }

    const canaryFound = Object.entries(haystacks)
      .filter(([, text]) => text.includes(canary))
      .map(([where]) => where);
    expect(canaryFound.sort()).toEqual(["client and route logs", "table public.ConnectionEvent"]);

    const leaks: string[] = [];
    for (const [where, text] of Object.entries(haystacks)) {
      for (const [name, secret] of Object.entries(secrets)) {
        if (text.toLowerCase().includes(secret.slice(0, 24).toLowerCase())) leaks.push(`${name} in ${where}`);
      }
      for (const pattern of shortSecretPatterns) if (pattern.test(text)) leaks.push(`${pattern} in ${where}`);
    }
    expect(leaks).toEqual([]);
  });
});
