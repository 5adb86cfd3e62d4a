import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { createUser, uniqueSuffix } from "@/server/testing/fixtures";
import { purgeExpiredRows, RETENTION } from "./retention";

const daysAgo = (days: number) => new Date(Date.now() - days * 24 * 60 * 60 * 1000);

describe("retention", () => {
  it("forgets webhook events, sign-in attempts, sessions and resets past their retention, and keeps the recent ones", async () => {
    const db = testDb();
    const tag = uniqueSuffix();
    const user = await createUser(db);
    await db.webhookEvent.createMany({
      data: [
        {
          id: `evt_old_${tag}`,
          type: "login.updated",
          payload: {},
          receivedAt: daysAgo(RETENTION.webhookEventDays + 1),
          processedAt: daysAgo(RETENTION.webhookEventDays + 1),
        },
        { id: `evt_new_${tag}`, type: "login.updated", payload: {}, receivedAt: daysAgo(1), processedAt: daysAgo(1) },
      ],
    });
    const email = `retention-${tag}@test.example`;
    await db.signInAttempt.createMany({
      data: [
        { email, ipAddress: "192.0.2.1", succeeded: false, createdAt: daysAgo(RETENTION.signInAttemptDays + 1) },
        { email, ipAddress: "192.0.2.1", succeeded: true, createdAt: daysAgo(2) },
      ],
    });
    await db.session.createMany({
      data: [
        { userId: user.id, tokenHash: `old-${tag}`, expiresAt: daysAgo(RETENTION.sessionDays + 1) },
        { userId: user.id, tokenHash: `new-${tag}`, expiresAt: daysAgo(-1) },
      ],
    });
    await db.passwordReset.create({ data: { userId: user.id, expiresAt: daysAgo(RETENTION.passwordResetDays + 1) } });

    const purged = await purgeExpiredRows(db);
    expect(purged.webhookEvents).toBeGreaterThanOrEqual(1);
    expect(
      (await db.webhookEvent.findMany({ where: { id: { endsWith: tag } }, select: { id: true } })).map((e) => e.id),
    ).toEqual([`evt_new_${tag}`]);
    expect(await db.signInAttempt.findMany({ where: { email }, select: { succeeded: true } })).toEqual([
      { succeeded: true },
    ]);
    expect(
      (await db.session.findMany({ where: { userId: user.id }, select: { tokenHash: true } })).map((s) => s.tokenHash),
    ).toEqual([`new-${tag}`]);
    expect(await db.passwordReset.count({ where: { userId: user.id } })).toBe(0);
  });
});
