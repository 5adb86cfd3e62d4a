import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { admin, ConnectPageVisit, waitFor, webhookReceiver } from "@/server/aggregator/testing/sandbox-helpers";
import { processAggregatorWebhook } from "@/server/jobs/aggregator-webhook";
import { log } from "@/server/log";
import { changePasswordAtBank, resetBankUser } from "@/server/testing/bank-site";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, testAggregator, type OrgFixture } from "@/server/testing/fixtures";
import { receiveAggregatorWebhook } from "@/server/webhooks/receive-aggregator-webhook";
import type { EngineDeps } from "./engine";
import { settleConnectEvent, settleConnectSession } from "./hosted";

// The hosted link style from Bankline's side, against the run's sandbox: its Connect page is
// driven as a browser would, and its signed events reach Bankline's real receiver and job,
// which settle the sessions. The institutions here are switched to the hosted style for this
// file alone.

// Institutions no other test file links at: they run beside this one on the same sandbox.
const HOSTED = ["bluegrassfarmers-personal", "bluegrassfarmers-business", "mapleleafsavings-business"] as const;
const [LINK_AT, FIX_AT, OTHER_AT] = HOSTED;

let fx: OrgFixture;
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
const deps = (): EngineDeps => ({ db: testDb(), aggregator: testAggregator(), log });
const appUrl = () => new URL(hook.url).origin;
const owner = () => callerFor(testDb(), fx.users.OWNER);
const org = () => ({ orgSlug: fx.org.slug });
const session = (sessionId: string) => owner().connections.connectSession({ ...org(), sessionId });

beforeAll(async () => {
  fx = await createOrgWithMembers(testDb(), "Hosted");
  for (const id of HOSTED) await admin("PUT", `/admin/institutions/${id}/link-style`, { style: "hosted" });
  hook = await webhookReceiver((req) =>
    receiveAggregatorWebhook(req, {
      db: testDb(),
      secret: inject("aggregatorWebhookSecret"),
      // Processed at once, as the worker would from the queue.
      enqueueEvent: async (eventId) => void (await processAggregatorWebhook(deps(), eventId)),
    }),
  );
  process.env.APP_URL = appUrl();
});
afterAll(async () => {
  for (const id of HOSTED) await admin("PUT", `/admin/institutions/${id}/link-style`, { style: null });
  await hook?.close();
});

async function openLink(institutionId: string) {
  const opened = await owner().connections.connectLink({ ...org(), institutionId });
  return { ...opened, page: await ConnectPageVisit.open(opened.url) };
}

const settled = (sessionId: string) =>
  waitFor(`session ${sessionId} settled`, async () =>
    (await session(sessionId)).status !== "OPEN" ? session(sessionId) : null,
  );

describe("hosted link style", () => {
  it("links on the provider's page: the event adds the login as a connection with its accounts to choose, recorded as the customer's link", async () => {
    const { sessionId, inFrame, page } = await openLink(LINK_AT);
    expect(inFrame).toBe(true);
    expect(page.heading).toContain("Sign in to");
    await page.signIn("demo", "go");
    await page.share();
    expect(page.returnLink).toContain(`/connect/return?org=${fx.org.slug}&session=${sessionId}`);

    const view = await settled(sessionId);
    expect(view).toMatchObject({ purpose: "LINK", status: "COMPLETED", problem: null });
    expect(view.connectionIds).toHaveLength(1);
    const connection = await owner().connections.get({ ...org(), connectionId: view.connectionIds[0]! });
    expect(connection).toMatchObject({ status: "ACTIVE", institution: { id: LINK_AT, linkStyle: "HOSTED" } });
    expect(connection.accounts.length).toBeGreaterThan(0);
    expect(connection.accounts.every((a) => !a.linked)).toBe(true);
    const events = await testDb().connectionEvent.findMany({ where: { connectionId: connection.id } });
    expect(events.map((e) => [e.kind, e.trigger, e.actorUserId, e.statusCode])).toEqual([
      ["LINK", "CUSTOMER", fx.users.OWNER.id, 0],
    ]);

    // The customer's return after the event changes nothing: one settlement per session.
    expect(await owner().connections.connectReturned({ ...org(), sessionId, ending: "completed" })).toEqual(view);
    expect(await testDb().connection.count({ where: { connectSessionId: sessionId } })).toBe(1);
  });

  it("records each refused sign-in on the page in the history, and a session left without a login ends cancelled or failed", async () => {
    const failed = await openLink(OTHER_AT);
    await failed.page.signIn("demo", "not-the-password");
    expect(failed.page.alert).toContain("103");
    await waitFor("the refused attempt recorded", () =>
      testDb().connectionEvent.findFirst({
        where: { organizationId: fx.org.id, institutionId: OTHER_AT, kind: "LINK", statusCode: 103 },
      }),
    );
    expect(await session(failed.sessionId)).toMatchObject({
      status: "OPEN",
      problem: { code: 103, remedy: "update-login" },
    });
    await failed.page.exit();
    expect(await settled(failed.sessionId)).toMatchObject({
      status: "FAILED",
      problem: { code: 103 },
      connectionIds: [],
    });

    const left = await openLink(OTHER_AT);
    await left.page.exit();
    expect(await settled(left.sessionId)).toMatchObject({ status: "CANCELLED", problem: null, connectionIds: [] });
  });

  it("a customer who comes back before the provider's event settles the session at once, and the event then changes nothing", async () => {
    const { sessionId, page } = await openLink(OTHER_AT);
    await page.signIn("demo", "go");
    // Returned before the account step's event: the login is read from the provider.
    const view = await settleConnectSession(deps(), {
      organizationId: fx.org.id,
      sessionId,
      ending: "completed",
      statusCode: null,
    });
    expect(view).toMatchObject({ status: "COMPLETED" });
    await page.share();
    await waitFor(
      "the completion event processed",
      async () =>
        (await testDb().webhookEvent.count({ where: { type: "connect.completed", processedAt: { not: null } } })) > 0,
    );
    expect(await testDb().connection.count({ where: { connectSessionId: sessionId } })).toBe(1);
  });

  it("fixes a login with Connect Fix after the bank refused its password: active again, notice resolved, an Update Login in the history", async () => {
    await resetBankUser(FIX_AT, "demo_password");
    const link = await openLink(FIX_AT);
    await link.page.signIn("demo_password", "go");
    await link.page.share();
    const [connectionId] = (await settled(link.sessionId)).connectionIds;
    await changePasswordAtBank(FIX_AT, "demo_password", "hosted-fix-2468");
    expect(
      await callerFor(testDb(), fx.users.MEMBER).connections.retrieve({ ...org(), connectionId: connectionId! }),
    ).toMatchObject({
      kind: "failed",
      problem: { code: 103, remedy: "update-login" },
    });
    // Members answer questions; fixing a login is for owners and admins.
    await expect(
      callerFor(testDb(), fx.users.MEMBER).connections.connectAnswer({ ...org(), connectionId: connectionId! }),
    ).rejects.toMatchObject({
      code: "PRECONDITION_FAILED",
    });

    const fix = await owner().connections.connectFix({ ...org(), connectionId: connectionId! });
    const page = await ConnectPageVisit.open(fix.url);
    expect(page.fieldValue("Username")).toBe("demo_password");
    await page.signIn("demo_password", "hosted-fix-2468");
    const view = await settled(fix.sessionId);
    expect(view).toMatchObject({ purpose: "FIX", status: "COMPLETED", connectionIds: [connectionId] });
    expect(await owner().connections.get({ ...org(), connectionId: connectionId! })).toMatchObject({
      status: "ACTIVE",
      problem: null,
    });
    expect(await testDb().notice.count({ where: { connectionId, resolvedAt: null } })).toBe(0);
    const last = await testDb().connectionEvent.findFirstOrThrow({
      where: { connectionId },
      orderBy: { createdAt: "desc" },
    });
    expect(last).toMatchObject({ kind: "UPDATE_LOGIN", trigger: "CUSTOMER", statusCode: 0 });
  });

  it("ignores a provider event that names another organization's session, and refuses the credential form at a hosted institution", async () => {
    const other = await createOrgWithMembers(testDb(), "Other hosted");
    const opened = await owner().connections.connectLink({ ...org(), institutionId: OTHER_AT });
    const processed = await settleConnectEvent(deps(), "completed", {
      reference: opened.sessionId,
      customerId: "cus_forged",
      customerExternalId: other.org.id,
      loginIds: [],
      institutionId: null,
      statusCode: null,
    });
    expect(processed).toBe(false);
    expect(await session(opened.sessionId)).toMatchObject({ status: "OPEN" });

    await expect(
      owner().connections.link({
        ...org(),
        institutionId: OTHER_AT,
        credentials: { username: "demo", password: "go" },
      }),
    ).rejects.toMatchObject({ code: "PRECONDITION_FAILED" });
  });
});
