import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openNotice, resolveNotices } from "@/server/connections/notices";
import { startTestWorker, testQueueSchema, waitUntil } from "@/server/jobs/testing/helpers";
import type { RunningWorker } from "@/server/jobs/worker";
import { startSmtpSink, type SmtpSink } from "@/server/mail/testing/smtp-sink";
import { smtpTransport } from "@/server/mail/transport";
import { testDb } from "@/server/testing/db";
import { callerFor, createOrgWithMembers, createUser, type OrgFixture } from "@/server/testing/fixtures";
import { requeueStalledMail } from "@/server/mail/sweep";
import { evaluateConnectionAlert, REMINDER_AFTER_MS } from "./connection-alerts";
import { queueWeeklySummaries } from "./weekly-summary";

// Emails about a connection that needs its customer: once per problem to owners and admins,
// one reminder after three days, a "fixed" note when it works again; never again for a
// failed retry of the same problem.

const INSTITUTION = {
  id: "alerts-test-bank",
  name: "Alerts Test Bank",
  variant: "BUSINESS" as const,
  loginUrl: "https://alerts.bank.example",
};

async function newConnection(fx: OrgFixture) {
  await testDb().institution.upsert({ where: { id: INSTITUTION.id }, create: INSTITUTION, update: {} });
  return testDb().connection.create({
    data: { organizationId: fx.org.id, institutionId: INSTITUTION.id, status: "ACTIVE", lastStatusCode: 0 },
    select: { id: true },
  });
}

async function fail(fx: OrgFixture, connectionId: string, code: number) {
  await testDb().$transaction(async (tx) => {
    await tx.connection.update({
      where: { id: connectionId },
      data: { status: "ACTION_REQUIRED", lastStatusCode: code },
    });
    await openNotice(tx, {
      organizationId: fx.org.id,
      connectionId,
      statusCode: code,
      institutionName: INSTITUTION.name,
      institutionUrl: INSTITUTION.loginUrl,
    });
  });
}

async function works(connectionId: string) {
  await testDb().$transaction(async (tx) => {
    await tx.connection.update({ where: { id: connectionId }, data: { status: "ACTIVE", lastStatusCode: 0 } });
    await resolveNotices(tx, [connectionId]);
  });
}

const mailsAbout = (connectionId: string) =>
  testDb().mailMessage.findMany({
    where: { connectionId },
    select: { kind: true, toEmail: true, subject: true },
    orderBy: { createdAt: "asc" },
  });

describe("connection emails", () => {
  it("emails owners and admins once per problem, reminds once after three days and says when it is fixed", async () => {
    const fx = await createOrgWithMembers(testDb(), "Alerts");
    const { id } = await newConnection(fx);
    const now = Date.now();
    await fail(fx, id, 103);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 600 })).toBe("waiting");
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("problem");
    const first = await mailsAbout(id);
    expect(first.map((m) => m.toEmail).sort()).toEqual([fx.users.ADMIN.email, fx.users.OWNER.email].sort());
    expect(first[0]).toMatchObject({
      kind: "connection-problem",
      subject: "Action needed: Alerts Test Bank (Error 103)",
    });

    // The next failed refresh of the same problem, and an Update Login that clears the notice
    // while it aggregates and fails again: nothing new.
    await fail(fx, id, 103);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("none");
    await testDb().$transaction(async (tx) => {
      await tx.connection.update({ where: { id }, data: { status: "AGGREGATING" } });
      await resolveNotices(tx, [id]);
    });
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("none");
    await fail(fx, id, 103);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("none");
    expect(await mailsAbout(id)).toHaveLength(2);

    const later = new Date(now + REMINDER_AFTER_MS + 60_000);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0, now: later })).toBe("reminder");
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0, now: later })).toBe("none");

    await works(id);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("fixed");
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("none");
    expect((await mailsAbout(id)).map((m) => m.kind)).toEqual([
      "connection-problem",
      "connection-problem",
      "connection-reminder",
      "connection-reminder",
      "connection-fixed",
      "connection-fixed",
    ]);
  });

  it("emails nobody about a problem fixed within the quiet while, nor someone who stopped these emails", async () => {
    const fx = await createOrgWithMembers(testDb(), "Alerts quiet");
    await testDb().user.update({ where: { id: fx.users.ADMIN.id }, data: { emailConnectionProblems: false } });
    const quick = await newConnection(fx);
    await fail(fx, quick.id, 185);
    await works(quick.id);
    expect(await evaluateConnectionAlert(testDb(), quick.id, { delaySeconds: 0 })).toBe("none");
    expect(await mailsAbout(quick.id)).toEqual([]);

    const slow = await newConnection(fx);
    await fail(fx, slow.id, 109);
    expect(await evaluateConnectionAlert(testDb(), slow.id, { delaySeconds: 0 })).toBe("problem");
    expect((await mailsAbout(slow.id)).map((m) => m.toEmail)).toEqual([fx.users.OWNER.email]);
  });

  it("a new code is a new problem; a removed connection closes its alert without a fixed note", async () => {
    const fx = await createOrgWithMembers(testDb(), "Alerts change");
    const { id } = await newConnection(fx);
    await fail(fx, id, 109);
    await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 });
    await fail(fx, id, 103);
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("problem");
    await testDb().$transaction(async (tx) => {
      await tx.connection.update({ where: { id }, data: { status: "REMOVED", removedAt: new Date() } });
      await resolveNotices(tx, [id]);
    });
    expect(await evaluateConnectionAlert(testDb(), id, { delaySeconds: 0 })).toBe("closed");
    expect((await mailsAbout(id)).map((m) => m.subject)).toEqual([
      "Action needed: Alerts Test Bank (Error 109)",
      "Action needed: Alerts Test Bank (Error 109)",
      "Action needed: Alerts Test Bank (Error 103)",
      "Action needed: Alerts Test Bank (Error 103)",
    ]);
  });

  it("sends the weekly summary once a week to owners who asked for it", async () => {
    const fx = await createOrgWithMembers(testDb(), "Weekly");
    await testDb().user.update({ where: { id: fx.users.OWNER.id }, data: { emailWeeklySummary: true } });
    await testDb().user.update({ where: { id: fx.users.ADMIN.id }, data: { emailWeeklySummary: true } });
    const monday = new Date("2026-12-07T13:00:00Z");
    expect(await queueWeeklySummaries(testDb(), monday, { organizationIds: [fx.org.id] })).toBe(1);
    expect(
      await queueWeeklySummaries(testDb(), new Date("2026-12-09T13:00:00Z"), { organizationIds: [fx.org.id] }),
    ).toBe(0);
    const rows = await testDb().mailMessage.findMany({ where: { organizationId: fx.org.id, kind: "weekly-summary" } });
    expect(rows.map((r) => r.toEmail)).toEqual([fx.users.OWNER.email]);
  });
});

describe("connection emails through the job queue", () => {
  let sink: SmtpSink;
  let worker: RunningWorker;
  const previousDelay = process.env.CONNECTION_EMAIL_DELAY_SECONDS;

  beforeAll(async () => {
    process.env.CONNECTION_EMAIL_DELAY_SECONDS = "0";
    sink = await startSmtpSink();
    worker = await startTestWorker({ schema: testQueueSchema(), mail: { transport: smtpTransport(sink.url) } });
  });
  afterAll(async () => {
    process.env.CONNECTION_EMAIL_DELAY_SECONDS = previousDelay;
    await worker.stop({ graceful: false });
    await sink.stop();
  });

  it("a notice opened in a transaction brings each owner and admin one email, and the same problem again brings none", async () => {
    const fx = await createOrgWithMembers(testDb(), "Alerts queue");
    const { id } = await newConnection(fx);
    await fail(fx, id, 103);
    const [mail] = await sink.waitFor(fx.users.OWNER.email);
    await sink.waitFor(fx.users.ADMIN.email);
    expect(mail!.subject).toBe("Action needed: Alerts Test Bank (Error 103)");
    expect(mail!.text).toContain("Error 103: Alerts Test Bank did not accept the username or password");
    expect(mail!.text).toContain(`http://bankline.test/${fx.org.slug}/institutions#connection-${id}`);
    expect(mail!.html).toContain("Open it on Manage Institutions");

    await fail(fx, id, 103);
    await works(id);
    await sink.waitFor(fx.users.OWNER.email, 2);
    expect(sink.to(fx.users.OWNER.email).map((m) => m.subject)).toEqual([
      "Action needed: Alerts Test Bank (Error 103)",
      "Fixed: Alerts Test Bank works again",
    ]);
    expect(sink.to(fx.users.MEMBER.email)).toEqual([]);
    await waitUntil(
      "every email is sent",
      async () => (await testDb().mailMessage.count({ where: { connectionId: id, status: "PENDING" } })) === 0,
    );
    // The support console's connection page lists them.
    const support = await createUser(testDb(), { staffRole: "SUPPORT" });
    const listed = await callerFor(testDb(), support).support.connectionEmails({ connectionId: id });
    expect(listed.map((m) => [m.kind, m.toEmail, m.status]).sort()).toEqual(
      [
        ["connection-fixed", fx.users.ADMIN.email, "SENT"],
        ["connection-fixed", fx.users.OWNER.email, "SENT"],
        ["connection-problem", fx.users.ADMIN.email, "SENT"],
        ["connection-problem", fx.users.OWNER.email, "SENT"],
      ].sort(),
    );
  });

  it("the sweep queues again a waiting email whose delivery job is gone, and it is sent once", async () => {
    const fx = await createOrgWithMembers(testDb(), "Requeue");
    const to = fx.users.OWNER.email;
    // Written without a job (as by a process that died before queueing), twenty minutes ago.
    const message = await testDb().mailMessage.create({
      data: {
        dedupeKey: `lost:${fx.org.id}`,
        kind: "weekly-summary",
        toEmail: to,
        organizationId: fx.org.id,
        subject: "A lost email",
        data: {
          organizationName: fx.org.name,
          orgSlug: fx.org.slug,
          weekOf: "2026-11-30T00:00:00.000Z",
          connections: [],
          newTransactions: 0,
          possibleDuplicates: 0,
        },
        createdAt: new Date(Date.now() - 20 * 60_000),
      },
    });
    const scope = { organizationIds: [fx.org.id] };
    expect(await requeueStalledMail(testDb(), worker.boss, new Date(), scope)).toBe(1);
    await sink.waitFor(to);
    await waitUntil(
      "the row is marked sent",
      async () => (await testDb().mailMessage.findUniqueOrThrow({ where: { id: message.id } })).status === "SENT",
    );
    expect(await requeueStalledMail(testDb(), worker.boss, new Date(), scope)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(sink.to(to).map((m) => m.subject)).toEqual(["A lost email"]);
  });
});
