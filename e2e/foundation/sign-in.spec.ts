import { randomBytes } from "node:crypto";
import { expect, test } from "@playwright/test";
import { expectSignedInAt, signIn } from "../support/pages";
import { demo } from "../support/users";

test.describe("sign-in", () => {
  test("an owner signs in, lands on Manage Institutions and signs out; a copy of the session cookie stops working too", async ({
    page,
    context,
    browser,
  }) => {
    await signIn(page, demo.owner);
    await expectSignedInAt(page, /\/riverside\/institutions$/);
    await expect(page.getByRole("heading", { name: "Manage Institutions" })).toBeVisible();
    const copied = await context.cookies();
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/riverside/institutions");
    await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Friverside%2Finstitutions/);

    const elsewhere = await browser.newContext();
    await elsewhere.addCookies(copied);
    const stolen = await elsewhere.newPage();
    await stolen.goto("/riverside/institutions");
    await expect(stolen).toHaveURL(/\/sign-in/);
    await elsewhere.close();
  });

  test("a wrong password is refused with a clear message", async ({ page }) => {
    await signIn(page, demo.member, "not-the-password");
    await expect(page.locator("form").getByRole("alert")).toHaveText(/email and password do not match/);
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("repeated failures slow the email down and say how long to wait", async ({ page }) => {
    const email = `nobody-${randomBytes(3).toString("hex")}@riverside.example`;
    for (let i = 0; i < 3; i++) {
      await signIn(page, email, `wrong-${i}`);
      await expect(page.locator("form").getByRole("alert")).toHaveText(/do not match/);
    }
    await signIn(page, email, "wrong-again");
    await expect(page.locator("form").getByRole("alert")).toHaveText(
      /Too many failed sign-ins\. For your security, wait \d+ seconds before trying again \(until \d{1,2}:\d{2}:\d{2}/,
    );
  });

  test("the session cookie is HttpOnly, SameSite and Secure", async ({ page, context }) => {
    await signIn(page, demo.viewer);
    await expectSignedInAt(page, /\/riverside\/institutions$/);
    const session = (await context.cookies()).find((c) => c.name.includes("next-auth.session-token"));
    expect(session).toBeDefined();
    expect(session!.httpOnly).toBe(true);
    expect(session!.sameSite).toBe("Lax");
    expect(session!.secure).toBe(true);
    expect(session!.expires * 1000 - Date.now()).toBeLessThanOrEqual(8 * 60 * 60 * 1000 + 60_000);
  });
});
