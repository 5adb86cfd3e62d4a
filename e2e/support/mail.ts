import { expect } from "@playwright/test";
import { generateSync } from "otplib";
import { e2eStack } from "./stack";

// The mail the stack's catcher (maildev) caught, read through its HTTP API.

export interface CaughtMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  to: { address: string }[];
  headers: Record<string, string>;
}

export async function mailTo(address: string): Promise<CaughtMail[]> {
  const { mailUrl } = e2eStack();
  const res = await fetch(`${mailUrl}/api/email`);
  expect(res.ok).toBe(true);
  const all = (await res.json()) as CaughtMail[];
  return all.filter((m) => m.to.some((t) => t.address === address));
}

/** Waits until `count` emails reached the address; answers them, oldest first. */
export async function waitForMail(address: string, count = 1, timeoutMs = 30_000): Promise<CaughtMail[]> {
  let mails: CaughtMail[] = [];
  await expect
    .poll(async () => (mails = await mailTo(address)).length, { message: `emails to ${address}`, timeout: timeoutMs })
    .toBeGreaterThanOrEqual(count);
  return mails;
}

export function linkIn(mail: CaughtMail, path: string): string {
  const match = mail.text.match(new RegExp(`https?://[^\\s]+${path}[^\\s]+`));
  if (!match) throw new Error(`no ${path} link in: ${mail.text}`);
  return new URL(match[0]).pathname;
}

/** A code for the key that is not from `usedStep` (a code is good once): waits for the next step if needed. */
export async function freshCode(secret: string, usedStep?: number): Promise<{ code: string; step: number }> {
  let step = Math.floor(Date.now() / 30_000);
  while (usedStep !== undefined && step <= usedStep) {
    await new Promise((r) => setTimeout(r, 500));
    step = Math.floor(Date.now() / 30_000);
  }
  return { code: generateSync({ secret, epoch: step * 30 + 1 }), step };
}
