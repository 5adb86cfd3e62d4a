import { describe, expect, it } from "vitest";
import { testDb } from "@/server/testing/db";
import { createUser, uniqueSuffix } from "@/server/testing/fixtures";
import { hashPassword, verifyPasswordOrDummy } from "./password";
import {
  attemptSignIn,
  checkSignInThrottle,
  FIRST_DELAY_MS,
  FREE_FAILURES_PER_ADDRESS,
  FREE_FAILURES_PER_EMAIL,
  GUESSING_ALERT_FAILURES,
  MAX_DELAY_MS,
  recordSignInAttempt,
  THROTTLE_WINDOW_MS,
} from "./throttle";

async function fail(email: string, ip: string, times: number, at = new Date()) {
  for (let i = 0; i < times; i++) {
    await testDb().signInAttempt.create({ data: { email, ipAddress: ip, succeeded: false, createdAt: at } });
  }
}
const address = () => `198.51.100.${Math.floor(Math.random() * 250)}-${uniqueSuffix()}`;
const anEmail = () => `t-${uniqueSuffix()}@test.example`;

describe("sign-in throttling", () => {
  it("slows an email down more with each failure past the free ones, and never locks it out", async () => {
    const email = anEmail();
    const now = new Date();
    await fail(email, address(), FREE_FAILURES_PER_EMAIL - 1, now);
    expect(await checkSignInThrottle(testDb(), email, address(), now)).toEqual({ allowed: true });
    await fail(email, address(), 1, now);
    const first = await checkSignInThrottle(testDb(), email, address(), now);
    expect(first).toEqual({ allowed: false, retryAt: new Date(now.getTime() + FIRST_DELAY_MS) });
    expect(await checkSignInThrottle(testDb(), email, address(), new Date(now.getTime() + FIRST_DELAY_MS))).toEqual({
      allowed: true,
    });
    await fail(email, address(), 1, now);
    expect(await checkSignInThrottle(testDb(), email, address(), now)).toEqual({
      allowed: false,
      retryAt: new Date(now.getTime() + 2 * FIRST_DELAY_MS),
    });
    // However many guesses, the real person waits minutes at most.
    await fail(email, address(), 40, now);
    expect(await checkSignInThrottle(testDb(), email, address(), now)).toEqual({
      allowed: false,
      retryAt: new Date(now.getTime() + MAX_DELAY_MS),
    });
  });

  it("forgets failures older than the window", async () => {
    const email = anEmail();
    await fail(email, "192.0.2.10", 10, new Date(Date.now() - THROTTLE_WINDOW_MS - 1000));
    expect(await checkSignInThrottle(testDb(), email, "192.0.2.10")).toEqual({ allowed: true });
  });

  it("clears an email's count after a successful sign-in", async () => {
    const email = anEmail();
    await fail(email, "192.0.2.11", FREE_FAILURES_PER_EMAIL + 2, new Date(Date.now() - 60_000));
    await recordSignInAttempt(testDb(), email, "192.0.2.11", true);
    await fail(email, "192.0.2.11", 1);
    expect(await checkSignInThrottle(testDb(), email, "192.0.2.11")).toEqual({ allowed: true });
  });

  it("does not slow down the person's own address for strangers' guesses", async () => {
    const email = anEmail();
    const home = address();
    await recordSignInAttempt(testDb(), email, home, true);
    await new Promise((r) => setTimeout(r, 5));
    await fail(email, address(), 30);
    expect((await checkSignInThrottle(testDb(), email, address())).allowed).toBe(false);
    expect(await checkSignInThrottle(testDb(), email, home)).toEqual({ allowed: true });
  });

  it("slows down an address that fails across many emails, but never puts every unknown address in one bucket", async () => {
    const ip = address();
    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS; i++) await fail(anEmail(), ip, 1);
    expect((await checkSignInThrottle(testDb(), anEmail(), ip)).allowed).toBe(false);
    for (let i = 0; i < FREE_FAILURES_PER_ADDRESS + 5; i++) await fail(anEmail(), "unknown", 1);
    expect(await checkSignInThrottle(testDb(), anEmail(), "unknown")).toEqual({ allowed: true });
  });

  it("lets through no more wrong guesses than the free ones when they arrive all at once", async () => {
    const email = anEmail();
    // Each guess takes a while, as a memory-hard password check does.
    const slowWrongPassword = () => new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 30));
    const verdicts = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attemptSignIn(testDb(), email, `192.0.2.${100 + i}`, slowWrongPassword)),
    );
    expect(verdicts.filter((v) => v.kind === "failed")).toHaveLength(FREE_FAILURES_PER_EMAIL);
    expect(verdicts.filter((v) => v.kind === "locked")).toHaveLength(12 - FREE_FAILURES_PER_EMAIL);
    expect(await testDb().signInAttempt.count({ where: { email } })).toBe(FREE_FAILURES_PER_EMAIL);
  });

  it("emails the person once when strangers keep guessing, and no one for an email without an account", async () => {
    const user = await createUser(testDb());
    const stranger = anEmail();
    const earlier = new Date(Date.now() - 10 * 60_000);
    for (const email of [user.email, stranger]) {
      await fail(email, address(), GUESSING_ALERT_FAILURES - 1, earlier);
      expect(await attemptSignIn(testDb(), email, address(), async () => false)).toEqual({ kind: "failed" });
    }
    const mails = await testDb().mailMessage.findMany({
      where: { kind: "sign-in-guessed", toEmail: { in: [user.email, stranger] } },
    });
    expect(mails.map((m) => m.toEmail)).toEqual([user.email]);
    expect(JSON.stringify(mails[0]!.data)).not.toMatch(/198\.51/);
    await fail(user.email, address(), 3, earlier);
    expect(await attemptSignIn(testDb(), user.email, address(), async () => false)).toMatchObject({ kind: "locked" });
    expect(await testDb().mailMessage.count({ where: { kind: "sign-in-guessed", toEmail: user.email } })).toBe(1);
  });

  it("spends the same password check on an email without an account as on one with", async () => {
    const passwordHash = await hashPassword("a-real-password-for-timing");
    const time = async (hash: string | null) => {
      const started = performance.now();
      await verifyPasswordOrDummy(hash, "a-wrong-password-guess");
      return performance.now() - started;
    };
    await time(null);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 5; i++) {
      known.push(await time(passwordHash));
      unknown.push(await time(null));
    }
    expect(median(unknown)).toBeGreaterThan(median(known) * 0.5);
    expect(await verifyPasswordOrDummy(null, "anything")).toBe(false);
  });
});
