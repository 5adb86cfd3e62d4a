import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testMailConfig } from "@/server/jobs/testing/helpers";
import { log } from "@/server/log";
import { testDb } from "@/server/testing/db";
import { uniqueSuffix } from "@/server/testing/fixtures";
import { deliverMail, MailNotSent } from "./deliver";
import { queueMail } from "./outbox";
import { startSmtpSink, type SmtpSink } from "./testing/smtp-sink";
import { smtpTransport, type MailTransport } from "./transport";
import { readUnsubscribeToken } from "./unsubscribe";

// Delivery of the outbox against a real SMTP server: text and HTML parts, nothing lost while
// the server refuses mail, nothing sent twice however often (or however concurrently) the job
// for a row runs.

let sink: SmtpSink;
let transport: MailTransport;
const deps = () => ({ db: testDb(), transport, config: testMailConfig, log });

beforeAll(async () => {
  sink = await startSmtpSink();
  transport = smtpTransport(sink.url);
});
afterAll(async () => {
  transport.close();
  await sink.stop();
});

async function weeklyMail(to: string, userId: string | null = null) {
  const [id] = await testDb().$transaction((tx) =>
    queueMail(tx, [
      {
        dedupeKey: `test:${uniqueSuffix()}`,
        kind: "weekly-summary",
        toEmail: to,
        userId,
        subject: "Your week",
        data: {
          organizationName: "Test Org",
          orgSlug: "test-org",
          weekOf: "2026-11-30T00:00:00.000Z",
          connections: [],
          newTransactions: 3,
          possibleDuplicates: 1,
        },
      },
    ]),
  );
  return id!;
}

describe("mail delivery", () => {
  it("sends a plain-text and an HTML part with the subject, and marks the row sent", async () => {
    const to = `reader-${uniqueSuffix()}@test.example`;
    const id = await weeklyMail(to);
    expect(await deliverMail(deps(), id)).toBe("sent");
    const [mail] = await sink.waitFor(to);
    expect(mail!.subject).toBe("Your week");
    expect(mail!.text).toContain("3 new transactions waiting for review and 1 possible duplicate");
    expect(mail!.html).toContain("3 new transactions waiting for review");
    expect(mail!.from?.text).toContain("no-reply@bankline.test");
    expect(await testDb().mailMessage.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: "SENT",
      attempts: 1,
      lastError: null,
    });
  });

  it("keeps a message while the SMTP server refuses mail and sends it once when it is back", async () => {
    const to = `outage-${uniqueSuffix()}@test.example`;
    const id = await weeklyMail(to);
    sink.down = true;
    try {
      await expect(deliverMail(deps(), id)).rejects.toBeInstanceOf(MailNotSent);
      await expect(deliverMail(deps(), id)).rejects.toBeInstanceOf(MailNotSent);
    } finally {
      sink.down = false;
    }
    const waiting = await testDb().mailMessage.findUniqueOrThrow({ where: { id } });
    expect(waiting).toMatchObject({ status: "PENDING", attempts: 2 });
    expect(waiting.lastError).toMatch(/421/);
    expect(await deliverMail(deps(), id)).toBe("sent");
    expect(await deliverMail(deps(), id)).toBe("already-done");
    expect(sink.to(to)).toHaveLength(1);
  });

  it("sends once when two workers run the same message's job at the same time", async () => {
    const to = `twice-${uniqueSuffix()}@test.example`;
    const id = await weeklyMail(to);
    const results = await Promise.all([deliverMail(deps(), id), deliverMail(deps(), id), deliverMail(deps(), id)]);
    expect(results.sort()).toEqual(["already-done", "already-done", "sent"]);
    await new Promise((r) => setTimeout(r, 300));
    expect(sink.to(to)).toHaveLength(1);
  });

  it("writes one row however often the same email is decided", async () => {
    const key = `same:${uniqueSuffix()}`;
    const mail = { dedupeKey: key, kind: "weekly-summary" as const, toEmail: "x@test.example", subject: "s", data: {} };
    const first = await testDb().$transaction((tx) => queueMail(tx, [mail]));
    const again = await testDb().$transaction((tx) => queueMail(tx, [mail]));
    expect(first).toHaveLength(1);
    expect(again).toEqual([]);
    expect(await testDb().mailMessage.count({ where: { dedupeKey: key } })).toBe(1);
  });

  it("carries a one-click stop link for optional kinds, and skips the email once that kind is stopped", async () => {
    const db = testDb();
    const user = await db.user.create({
      data: { email: `weekly-${uniqueSuffix()}@test.example`, name: "W", passwordHash: "x", emailWeeklySummary: true },
    });
    const id = await weeklyMail(user.email, user.id);
    expect(await deliverMail(deps(), id)).toBe("sent");
    const [mail] = await sink.waitFor(user.email);
    const raw = (name: string) => mail!.headerLines.find((h) => h.key === name)?.line ?? "";
    const header = raw("list-unsubscribe");
    expect(raw("list-unsubscribe-post")).toBe("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    const token = decodeURIComponent(header.match(/\/unsubscribe\/([^>]+)>/)![1]!);
    expect(readUnsubscribeToken(token)).toEqual({ userId: user.id, kind: "weekly-summary" });
    expect(readUnsubscribeToken(token.replace(/.$/, (c) => (c === "A" ? "B" : "A")))).toBeNull();
    expect(mail!.text).toContain("To stop these emails: http://bankline.test/unsubscribe/");

    await db.user.update({ where: { id: user.id }, data: { emailWeeklySummary: false } });
    const next = await weeklyMail(user.email, user.id);
    expect(await deliverMail(deps(), next)).toBe("skipped");
    expect(sink.to(user.email)).toHaveLength(1);
  });
});
