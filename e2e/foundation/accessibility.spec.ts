import { test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { storageStateOf } from "../support/users";

test.describe("accessibility of the shell", () => {
  test("sign-in page", async ({ page }) => {
    await page.goto("/sign-in");
    await expectNoSeriousA11yViolations(page);
  });

  test.describe("portal", () => {
    test.use({ storageState: storageStateOf("owner") });
    for (const section of ["members"]) {
      test(`${section} page`, async ({ page }) => {
        await page.goto(`/riverside/${section}`);
        await page.getByRole("heading", { level: 1 }).waitFor();
        await expectNoSeriousA11yViolations(page);
      });
    }
  });
});
