import { test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { storageStateOf } from "../support/users";

test.describe("accessibility of the shell", () => {
  for (const path of [
    "/sign-in",
    "/sign-in/forgot",
    "/invitations/no-such-invitation-token",
    "/reset-password/no-such-reset-token",
  ]) {
    test(`public page ${path}`, async ({ page }) => {
      await page.goto(path);
      await page.getByRole("heading", { level: 1 }).waitFor();
      await expectNoSeriousA11yViolations(page);
    });
  }

  test.describe("account", () => {
    test.use({ storageState: storageStateOf("owner") });
    for (const [path, loaded] of [
      ["/account", "Sign out everywhere else"],
      ["/account/two-factor", "Set up two-factor sign-in"],
    ] as const) {
      test(`account page ${path}`, async ({ page }) => {
        await page.goto(path);
        await page.getByRole("button", { name: loaded }).waitFor();
        await expectNoSeriousA11yViolations(page);
      });
    }
  });

  test.describe("portal", () => {
    test.use({ storageState: storageStateOf("owner") });
    for (const section of ["members"]) {
      test(`${section} page`, async ({ page }) => {
        await page.goto(`/riverside/${section}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        await page.getByRole("heading", { name: "Pending invitations" }).waitFor();
        await expectNoSeriousA11yViolations(page);
      });
    }
  });
});
