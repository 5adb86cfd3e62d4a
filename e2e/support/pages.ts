import { expect, type Page } from "@playwright/test";
import { DEMO_PASSWORD } from "./users";

export async function signIn(page: Page, email: string, password = DEMO_PASSWORD) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The sign-in's second step: a code from the authenticator (or a recovery code). */
export async function enterCode(page: Page, code: string) {
  await page.getByLabel("Authentication code").fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
}

export async function expectSignedInAt(page: Page, path: RegExp) {
  await expect(page).toHaveURL(path);
  await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
}
