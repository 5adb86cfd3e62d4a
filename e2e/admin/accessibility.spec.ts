import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { e2eDb } from "../support/stack";
import { storageStateOf } from "../support/users";

test.describe("accessibility of the support console", () => {
  test.use({ storageState: storageStateOf("support") });

  test("search, organization, connection, institution health and audit log pages", async ({ page }) => {
    await page.goto("/admin?q=Riverside");
    await expect(page.getByRole("link", { name: "Riverside Food Pantry" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/admin/organizations/riverside");
    await expect(page.getByRole("heading", { name: "Connections" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    const connection = await e2eDb().connection.findFirstOrThrow({
      where: { organization: { slug: "riverside" }, status: "ACTION_REQUIRED" },
    });
    await page.goto(`/admin/connections/${connection.id}`);
    await expect(page.getByRole("region", { name: "Error history" }).getByRole("row").nth(1)).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/admin/institutions");
    await expect(page.getByRole("heading", { name: "Every institution" })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/admin/audit");
    await expect(page.getByRole("row").nth(1)).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });
});
