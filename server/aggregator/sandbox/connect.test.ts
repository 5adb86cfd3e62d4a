import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { HttpAggregatorClient } from "@/server/aggregator/client/http-client";
import type { LoginRef } from "@/server/aggregator/client/types";
import {
  bankSiteSession,
  ConnectPageVisit,
  waitFor,
  webhookReceiver,
} from "@/server/aggregator/testing/sandbox-helpers";
import { createLogger } from "@/server/log";
import { SIGNATURE_HEADER, verifyWebhookSignature } from "@/server/webhooks/signature";
import { sandboxConfigFromEnv } from "./config";
import { startSandbox, type Sandbox } from "./server";

// The hosted Connect page driven over HTTP as a browser without script would, with Bankline's
// own client opening the sessions and reading the logins, and a receiver for the events.

const SECRET = "connect-test-secret-0123456789";
const REDIRECT = "http://127.0.0.1:9/connect/return?session=ses_1";
/** Never the right password: it must appear in no page, event or log line. */
const WRONG_PASSWORD = "hunter-wrong-77";

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

let sandbox: Sandbox;
let receiver: Awaited<ReturnType<typeof webhookReceiver>>;
let client: HttpAggregatorClient;
let orgSeq = 0;
let org: string;

beforeAll(async () => {
  receiver = await webhookReceiver();
  sandbox = await startSandbox(
    sandboxConfigFromEnv({
      SANDBOX_PORT: "0",
      AGGREGATOR_WEBHOOK_SECRET: SECRET,
      SANDBOX_SLOW_MS: "300",
      SANDBOX_WEBHOOK_RETRY_MS: "50",
    }),
    { log: logger },
  );
  client = new HttpAggregatorClient({
    baseUrl: sandbox.url,
    logger: createLogger({ level: "silent" }),
    retry: { maxAttempts: 1 },
    customerWebhookUrl: receiver.url,
  });
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  org = `org_connect_${++orgSeq}`;
});

async function setLinkStyle(institutionId: string, style: "hosted" | "credentials" | null) {
  const res = await fetch(`${sandbox.url}/admin/institutions/${institutionId}/link-style`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ style }),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { linkStyle: string };
}

async function openSession(
  input: { purpose?: "link" | "fix"; institutionId?: string | null; login?: LoginRef | null } = {},
) {
  const reference = `ses_${org}_${Math.random().toString(36).slice(2, 8)}`;
  const session = await client.createConnectSession({
    organizationId: org,
    reference,
    purpose: input.purpose ?? "link",
    institutionId: input.institutionId ?? null,
    login: input.login ?? null,
    webhookUrl: receiver.url,
    redirectUrl: REDIRECT,
  });
  return { reference, visit: await ConnectPageVisit.open(session.url), expiresAt: session.expiresAt };
}

/** The connect events of one session, in the order sent, each checked for its signature. */
function eventsOf(reference: string) {
  return receiver.received
    .filter((r) => r.body.type.startsWith("connect.") && r.body.data.reference === reference)
    .map((r) => {
      expect(verifyWebhookSignature(r.raw, r.headers[SIGNATURE_HEADER] as string, SECRET)).toBe(true);
      return {
        type: r.body.type,
        ...(r.body.data as {
          loginIds: string[];
          statusCode: number | null;
          institutionId: string | null;
          customerExternalId: string;
        }),
      };
    });
}

const eventually = (reference: string, count: number) =>
  waitFor(`${count} connect events`, async () => {
    const events = eventsOf(reference);
    return events.length >= count ? events : null;
  });

const ref = (loginId: string, institutionId: string): LoginRef => ({ loginId, institutionId });

describe("hosted Connect page", () => {
  it("links demo: search, sign in, choose the accounts; only the shared accounts reach the client", async () => {
    const { reference, visit, expiresAt } = await openSession();
    expect(expiresAt!.getTime() - Date.now()).toBeGreaterThan(29 * 60_000);
    expect(visit.status).toBe(200);
    expect(visit.headers.get("x-frame-options")).toBeNull();
    expect(visit.headers.get("content-security-policy")).toContain("frame-ancestors *");
    expect(visit.heading).toBe("Connect your bank");
    expect(visit.fieldValue("Search for your bank")).toBe("");

    await visit.search("sandbox");
    expect(visit.buttons).toContain("Sandbox Bank (Personal) · Personal · https://personal.sandboxbank.example");
    expect(visit.buttons).toContain("Sandbox Bank (Business) · Business · https://business.sandboxbank.example");
    await visit.chooseBank("Sandbox Bank (Personal)");
    expect(visit.heading).toBe("Sign in to Sandbox Bank (Personal)");
    expect(visit.fieldValue("Username")).toBe("");
    expect(visit.fieldValue("Password")).toBe("");
    expect(visit.buttons).toEqual(expect.arrayContaining(["Connect", "Exit", "Choose another bank"]));

    await visit.signIn("demo", "go");
    expect(visit.heading).toBe("Choose the accounts to share");
    const accounts = visit.options;
    expect(accounts.map((a) => [a.label.replace(/\d{4}/, "####"), a.checked])).toEqual([
      ["Everyday Checking (ending ####)", true],
      ["Savings (ending ####)", true],
    ]);
    expect(eventsOf(reference)).toEqual([]);

    await visit.share(["Everyday Checking"]);
    expect(visit.heading).toBe("You're connected");
    expect(visit.returnLink).toBe(`${REDIRECT}&status=completed`);

    const [event] = await eventually(reference, 1);
    const [login] = await client.listLogins(org);
    expect(event).toEqual({
      type: "connect.completed",
      reference,
      customerId: login!.customerId,
      customerExternalId: org,
      loginIds: [login!.loginId],
      institutionId: "sandbox-bank-personal",
      statusCode: 0,
    });
    const shared = await client.listAccounts(ref(login!.loginId, "sandbox-bank-personal"));
    expect(shared.map((a) => a.name)).toEqual(["Everyday Checking"]);
    const savings = accounts.find((a) => a.label.startsWith("Savings"))!.value;
    await expect(
      client.getTransactions({
        ...ref(login!.loginId, "sandbox-bank-personal"),
        accountId: savings,
        from: "2000-01-01",
        to: "2100-01-01",
      }),
    ).rejects.toMatchObject({ kind: "not-found" });
    // Sharing outlives a refresh.
    await client.refresh(ref(login!.loginId, "sandbox-bank-personal"));
    expect((await client.listAccounts(ref(login!.loginId, "sandbox-bank-personal"))).length).toBe(1);

    // The session is over: the page says so, and a late form changes nothing.
    await visit.submit(
      "sign-in",
      [
        ["username", "demo"],
        ["password", "go"],
      ],
      "1",
    );
    expect(visit.heading).toBe("You're connected");
    expect(await client.listLogins(org)).toHaveLength(1);
  });

  it("asks demo_mfa's three questions one at a time; a wrong answer is refused with the same question", async () => {
    const { reference, visit } = await openSession({ institutionId: "sandbox-credit-union" });
    expect(visit.heading).toBe("Sign in to Sandbox Credit Union");
    expect(visit.buttons).not.toContain("Choose another bank");
    await visit.signIn("demo_mfa", "go");
    expect(visit.heading).toBe("Sandbox Credit Union asks a security question");
    expect(visit.text).toContain("Question 1 of 3");
    expect(visit.fieldValue("What is your favorite color?")).toBe("");
    expect(visit.buttons).toContain("Submit answer");

    await visit.answer("crimson-42");
    expect(visit.alert).toBe("That answer was not accepted. Try again.");
    expect(visit.text).toContain("Question 1 of 3");
    expect(visit.fieldValue("What is your favorite color?")).toBe("");
    expect(visit.html).not.toContain("crimson-42");

    const step = visit.step;
    await visit.answer("blue");
    expect(visit.alert).toBeNull();
    expect(visit.text).toContain("Question 2 of 3");
    // The same form posted twice (a double click) answers once.
    await visit.submit("answer", [["answer", "blue"]], step);
    expect(visit.text).toContain("Question 2 of 3");
    expect(visit.fieldValue("What color was your first car?")).toBe("");

    await visit.answer("blue");
    expect(visit.text).toContain("Question 3 of 3");
    await visit.answer("blue");
    expect(visit.heading).toBe("Choose the accounts to share");
    await visit.share();
    expect(visit.heading).toBe("You're connected");

    const events = await eventually(reference, 1);
    expect(events.map((e) => e.type)).toEqual(["connect.completed"]);
    const [login] = await client.listLogins(org);
    expect(events[0]!.loginIds).toEqual([login!.loginId]);
    expect((await client.listAccounts(ref(login!.loginId, "sandbox-credit-union"))).length).toBe(2);
  });

  it("shows a choice question as radio buttons labelled by the question", async () => {
    const { visit } = await openSession({ institutionId: "sandbox-bank-personal" });
    await visit.signIn("demo_mfa_choice", "go");
    expect(visit.legend).toBe("Which of these colors did you choose when you enrolled?");
    expect(visit.options.map((o) => [o.type, o.label])).toEqual([
      ["radio", "Red"],
      ["radio", "Green"],
      ["radio", "Blue"],
      ["radio", "Yellow"],
    ]);
    await visit.answer("Blue");
    expect(visit.text).toContain("Question 2 of 2");
    expect(visit.fieldValue("What color was your first bicycle?")).toBe("");
  });

  it("shows a 103 with its code, sends connect.failed for each try, and links on the next try", async () => {
    const { reference, visit } = await openSession({ institutionId: "sandbox-bank-personal" });
    await visit.signIn("demo_business", "go");
    expect(visit.heading).toBe("Sign in to Sandbox Bank (Personal)");
    expect(visit.alert).toMatch(
      /^Error 103: Sandbox Bank \(Personal\) did not accept that username and password\..*personal or business/,
    );
    expect(visit.fieldValue("Username")).toBe("");

    await visit.signIn("demo", WRONG_PASSWORD);
    expect(visit.alert).toMatch(/^Error 103:/);
    await visit.signIn("demo", "go");
    expect(visit.heading).toBe("Choose the accounts to share");
    await visit.share();

    const events = await eventually(reference, 3);
    expect(events.map((e) => [e.type, e.statusCode, e.loginIds.length, e.institutionId])).toEqual([
      ["connect.failed", 103, 0, "sandbox-bank-personal"],
      ["connect.failed", 103, 0, "sandbox-bank-personal"],
      ["connect.completed", 0, 1, "sandbox-bank-personal"],
    ]);
    expect(await client.listLogins(org)).toHaveLength(1);
  });

  it("fixes a demo_password login after the password was changed at the bank's site", async () => {
    const bank = "harborviewbank-personal";
    await setLinkStyle(bank, "hosted");
    const link = await openSession({ institutionId: bank });
    await link.visit.signIn("demo_password", "go");
    await link.visit.share();
    const [login] = await client.listLogins(org);
    const loginRef = ref(login!.loginId, bank);

    await expect(client.refresh(loginRef)).rejects.toMatchObject({ code: 109 });
    const site = await bankSiteSession(bank, "demo_password", "go", sandbox.url);
    expect(
      (await site!.post("password", { currentPassword: "go", newPassword: "go-again", confirmPassword: "go-again" }))
        .status,
    ).toBe(303);
    await expect(client.refresh(loginRef)).rejects.toMatchObject({ code: 103 });

    const { reference, visit } = await openSession({ purpose: "fix", login: loginRef });
    expect(visit.heading).toBe("Fix the connection to Harborview Bank (Personal)");
    expect(visit.fieldValue("Username")).toBe("demo_password");
    await visit.signIn("demo_password", "go");
    expect(visit.alert).toMatch(/^Error 103:/);
    expect(visit.heading).toBe("Fix the connection to Harborview Bank (Personal)");
    await visit.signIn("demo_password", "go-again");
    expect(visit.heading).toBe("Connection fixed");
    expect(visit.returnLink).toBe(`${REDIRECT}&status=completed`);

    const events = await eventually(reference, 2);
    expect(events.map((e) => [e.type, e.statusCode, e.loginIds])).toEqual([
      ["connect.failed", 103, [login!.loginId]],
      ["connect.completed", 0, [login!.loginId]],
    ]);
    expect((await client.getLoginStatus(loginRef)).statusCode).toBe(0);
    expect((await client.refresh(loginRef)).login.statusCode).toBe(0);
    await setLinkStyle(bank, null);
  });

  it("shares every account again when a fix signs in as another bank user", async () => {
    const { visit } = await openSession({ institutionId: "sandbox-bank-business" });
    await visit.signIn("demo", "go");
    await visit.share(["Savings"]);
    const [login] = await client.listLogins(org);
    const loginRef = ref(login!.loginId, "sandbox-bank-business");
    expect((await client.listAccounts(loginRef)).map((a) => a.name)).toEqual(["Savings"]);

    const fix = await openSession({ purpose: "fix", login: loginRef });
    await fix.visit.signIn("demo_business", "go");
    expect(fix.visit.heading).toBe("Connection fixed");
    expect((await client.listAccounts(loginRef)).map((a) => a.name)).toEqual([
      "Business Operating Checking",
      "Business Reserve Savings",
      "Business Rewards Card",
    ]);
  });

  it("ends the session on Exit: back to Bankline with status=cancelled and the logins created so far", async () => {
    const first = await openSession();
    await first.visit.exit();
    expect(first.visit.leftTo).toBe(`${REDIRECT}&status=cancelled`);
    expect((await eventually(first.reference, 1))[0]).toMatchObject({
      type: "connect.cancelled",
      loginIds: [],
      statusCode: null,
      institutionId: null,
    });
    await first.visit.search("sandbox");
    expect(first.visit.heading).toBe("You left without connecting");

    const bank = "granitestatebank-personal";
    await setLinkStyle(bank, "hosted");
    const { reference, visit } = await openSession({ institutionId: bank });
    await visit.signIn("demo_mfa", "go");
    expect(visit.buttons).toContain("Exit");
    await visit.exit();
    expect(visit.leftTo).toBe(`${REDIRECT}&status=cancelled`);
    const [login] = await client.listLogins(org);
    expect((await eventually(reference, 1))[0]).toMatchObject({
      type: "connect.cancelled",
      loginIds: [login!.loginId],
    });
    // Its questions were never answered: a hosted bank asks them on the page (Connect Fix), not through the client.
    await expect(client.refresh(ref(login!.loginId, bank))).rejects.toMatchObject({ code: 185 });
    await setLinkStyle(bank, null);
  });

  it("finishes demo_slow like a success while the accounts are retrieved; the aggregation's webhook follows", async () => {
    const { reference, visit } = await openSession({ institutionId: "sandbox-bank-personal" });
    await visit.signIn("demo_slow", "go");
    expect(visit.heading).toBe("You're connected");
    expect(visit.text).toContain("is retrieving your accounts");
    const [event] = await eventually(reference, 1);
    expect(event!.type).toBe("connect.completed");
    const [login] = await client.listLogins(org);
    expect(login!.aggregating).toBe(true);
    await waitFor("the aggregation's webhook", async () =>
      receiver.received.find((r) => r.body.type === "aggregation.completed" && r.body.data.loginId === login!.loginId),
    );
    expect((await client.listAccounts(ref(login!.loginId, "sandbox-bank-personal"))).length).toBe(2);
  });

  it("refuses credentials and answers through the API at a hosted institution; the rest works as usual", async () => {
    const bank = "riverbendtrust-personal";
    expect((await client.getInstitution(bank)).linkStyle).toBe("CREDENTIALS");
    expect(await setLinkStyle(bank, "hosted")).toMatchObject({ linkStyle: "hosted" });
    expect((await client.getInstitution(bank)).linkStyle).toBe("HOSTED");

    const customer = await (
      await fetch(`${sandbox.url}/v1/customers`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ externalId: org }),
      })
    ).json();
    const linkRes = await fetch(`${sandbox.url}/v1/customers/${customer.customer.id}/institution-logins`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ institutionId: bank, credentials: { username: "demo", password: WRONG_PASSWORD } }),
    });
    expect(linkRes.status).toBe(400);
    const refused = await linkRes.json();
    expect(refused.error).toMatchObject({ type: "invalid_request", code: null });
    expect(refused.error.message).toMatch(/Riverbend Trust \(Personal\) links through the hosted Connect page only/);
    expect(await client.listLogins(org)).toEqual([]);

    const { visit } = await openSession({ institutionId: bank });
    await visit.signIn("demo", "go");
    await visit.share();
    const [login] = await client.listLogins(org);
    const loginRef = ref(login!.loginId, bank);
    await expect(client.updateLogin(loginRef, { username: "demo", password: "go" })).rejects.toMatchObject({
      httpStatus: 400,
    });
    expect((await client.refresh(loginRef)).login.statusCode).toBe(0);
    const [account] = await client.listAccounts(loginRef);
    expect(
      (await client.getTransactions({ ...loginRef, accountId: account!.id, from: "2000-01-01", to: "2100-01-01" }))
        .length,
    ).toBeGreaterThan(0);
    await client.remove(loginRef);
    expect(await client.listLogins(org)).toEqual([]);

    expect(await setLinkStyle(bank, null)).toMatchObject({ linkStyle: "credentials" });
    expect(
      (
        await client.link({
          organizationId: org,
          institutionId: bank,
          credentials: { username: "demo", password: "go" },
        })
      ).kind,
    ).toBe("ok");
  });

  it("checks what a session is opened for", async () => {
    const { visit } = await openSession();
    await visit.signIn("x", "y"); // a form of another step: nothing happens
    expect(visit.heading).toBe("Connect your bank");

    const customer = (
      await (
        await fetch(`${sandbox.url}/v1/customers`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ externalId: org }),
        })
      ).json()
    ).customer.id as string;
    const other = await client.link({
      organizationId: `${org}_other`,
      institutionId: "sandbox-bank-personal",
      credentials: { username: "demo", password: "go" },
    });
    const open = (body: object) =>
      fetch(`${sandbox.url}/v1/customers/${customer}/connect-sessions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ reference: "r1", redirectUrl: REDIRECT, webhookUrl: receiver.url, ...body }),
      });
    expect((await open({ purpose: "fix" })).status).toBe(400);
    expect((await open({ purpose: "fix", loginId: other.login.loginId })).status).toBe(404);
    expect((await open({ purpose: "link", loginId: other.login.loginId })).status).toBe(400);
    expect((await open({ purpose: "link", institutionId: "no-such-bank" })).status).toBe(404);
    expect((await open({ purpose: "link", redirectUrl: "javascript:alert(1)" })).status).toBe(400);
    expect((await open({ purpose: "link", reference: "" })).status).toBe(400);
    const ok = await open({ purpose: "link", webhookUrl: null });
    expect(ok.status).toBe(201);
    const { session } = await ok.json();
    expect(session.url).toBe(`${sandbox.url}/connect/${session.id}`);

    const gone = await ConnectPageVisit.open(`${sandbox.url}/connect/cs_unknown`);
    expect([gone.status, gone.heading]).toEqual([404, "This page has expired"]);
  });
});

describe("link style settings", () => {
  it("SANDBOX_LINK_STYLE=hosted makes every institution hosted unless switched back one by one", async () => {
    const hosted = await startSandbox(sandboxConfigFromEnv({ SANDBOX_PORT: "0", SANDBOX_LINK_STYLE: "hosted" }), {
      log: createLogger({ level: "silent" }),
    });
    try {
      const hostedClient = new HttpAggregatorClient({
        baseUrl: hosted.url,
        logger: createLogger({ level: "silent" }),
        retry: { maxAttempts: 1 },
      });
      const page = await hostedClient.searchInstitutions({ limit: 100 });
      expect(page.total).toBeGreaterThan(40);
      expect(new Set(page.institutions.map((i) => i.linkStyle))).toEqual(new Set(["HOSTED"]));
      const credentials = { username: "demo", password: "go" };
      await expect(
        hostedClient.link({ organizationId: "org-env", institutionId: "sandbox-bank-personal", credentials }),
      ).rejects.toMatchObject({ httpStatus: 400 });

      const put = (style: string | null) =>
        fetch(`${hosted.url}/admin/institutions/sandbox-bank-personal/link-style`, {
          method: "PUT",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ style }),
        });
      expect(await (await put("credentials")).json()).toEqual({
        institutionId: "sandbox-bank-personal",
        linkStyle: "credentials",
      });
      expect(
        (await hostedClient.link({ organizationId: "org-env", institutionId: "sandbox-bank-personal", credentials }))
          .kind,
      ).toBe("ok");
      expect((await hostedClient.getInstitution("sandbox-bank-business")).linkStyle).toBe("HOSTED");
      expect((await put(null)).status).toBe(200);
      expect((await hostedClient.getInstitution("sandbox-bank-personal")).linkStyle).toBe("HOSTED");
      expect((await put("popup")).status).toBe(400);
      expect(
        (
          await fetch(`${hosted.url}/admin/institutions/no-such-bank/link-style`, {
            method: "PUT",
            body: JSON.stringify({ style: "hosted" }),
          })
        ).status,
      ).toBe(404);
    } finally {
      await hosted.close();
    }
    expect(sandboxConfigFromEnv({}).linkStyle).toBe("credentials");
    expect(() => sandboxConfigFromEnv({ SANDBOX_LINK_STYLE: "popup" })).toThrow();
  });

  it("never echoes or logs a password, and logs no session's address", async () => {
    const lines = logLines.join("");
    expect(lines).toContain("POST /connect");
    expect(lines).not.toContain(WRONG_PASSWORD);
    expect(lines).not.toContain("go-again");
    expect(lines).not.toMatch(/cs_[A-Za-z0-9_-]{20}/);
    expect(receiver.received.some((r) => r.raw.includes(WRONG_PASSWORD) || r.raw.includes("go-again"))).toBe(false);
  });
});
