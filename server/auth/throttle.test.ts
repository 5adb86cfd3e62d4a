import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { uniqueSuffix } from "@/server/testing/fixtures";
import {
  attemptSignIn,
  checkSignInThrottle,
  MAX_FAILURES_PER_ADDRESS,
  MAX_FAILURES_PER_EMAIL,
  recordSignInAttempt,
  THROTTLE_WINDOW_MS,
} from "./throttle";

async function fail(email: string, ip: string, times: number, at?: Date) {
  const db = testDb();
  for (let i = 0; i < times; i++) {
    await db.signInAttempt.create({ data: { email, ipAddress: ip, succeeded: false, ...(at ? { createdAt: at } : {}) } });
  }
}

describe("sign-in throttling", () => {
  it("locks an email after repeated failures and says when to try again", async () => {
    const email = `t-${uniqueSuffix()}@test.example`;
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    await fail(email, ip, MAX_FAILURES_PER_EMAIL - 1);
    expect(await checkSignInThrottle(testDb(), email, ip)).toEqual({ allowed: true });
    await fail(email, ip, 1);
    const verdict = await checkSignInThrottle(testDb(), email, "192.0.2.99");
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      const waitMs = verdict.retryAt.getTime() - Date.now();
      expect(waitMs).toBeGreaterThan(THROTTLE_WINDOW_MS - 60_000);
      expect(waitMs).toBeLessThanOrEqual(THROTTLE_WINDOW_MS);
    }
  });

  it("forgets failures older than the window", async () => {
    const email = `t-${uniqueSuffix()}@test.example`;
    await fail(email, "192.0.2.10", MAX_FAILURES_PER_EMAIL, new Date(Date.now() - THROTTLE_WINDOW_MS - 1000));
    expect(await checkSignInThrottle(testDb(), email, "192.0.2.10")).toEqual({ allowed: true });
  });

  it("clears an email's count after a successful sign-in", async () => {
    const email = `t-${uniqueSuffix()}@test.example`;
    await fail(email, "192.0.2.11", MAX_FAILURES_PER_EMAIL - 1, new Date(Date.now() - 60_000));
    await recordSignInAttempt(testDb(), email, "192.0.2.11", true);
    await fail(email, "192.0.2.11", 1);
    expect(await checkSignInThrottle(testDb(), email, "192.0.2.11")).toEqual({ allowed: true });
  });

  it("locks an address that fails across many emails", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}-${uniqueSuffix()}`;
    for (let i = 0; i < MAX_FAILURES_PER_ADDRESS; i++) await fail(`spray-${i}-${uniqueSuffix()}@test.example`, ip, 1);
    const verdict = await checkSignInThrottle(testDb(), `fresh-${uniqueSuffix()}@test.example`, ip);
    expect(verdict.allowed).toBe(false);
  });

  it("lets through no more wrong guesses than the limit when they arrive all at once", async () => {
    const email = `t-${uniqueSuffix()}@test.example`;
    // Each guess takes a while, as a memory-hard password check does.
    const slowWrongPassword = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30));
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attemptSignIn(testDb(), email, `192.0.2.${100 + i}`, slowWrongPassword)),
    );
    expect(verdicts.filter((v) => v.kind === "failed")).toHaveLength(MAX_FAILURES_PER_EMAIL);
    expect(verdicts.filter((v) => v.kind === "locked")).toHaveLength(12 - MAX_FAILURES_PER_EMAIL);
    expect(await testDb().signInAttempt.count({ where: { email } })).toBe(MAX_FAILURES_PER_EMAIL);
  });

  it("records a success, which clears the email's count", async () => {
    const email = `t-${uniqueSuffix()}@test.example`;
    await fail(email, "192.0.2.12", MAX_FAILURES_PER_EMAIL - 1);
    expect(await attemptSignIn(testDb(), email, "192.0.2.12", async () => true)).toEqual({ kind: "signed-in" });
    expect(await attemptSignIn(testDb(), email, "192.0.2.12", async () => false)).toEqual({ kind: "failed" });
    expect(await checkSignInThrottle(testDb(), email, "192.0.2.12")).toEqual({ allowed: true });
  });
});
