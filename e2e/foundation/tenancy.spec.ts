import { expect, test } from "@playwright/test";
import { hashPassword } from "@/server/auth/password";
import { e2eDb } from "../support/stack";
import { expectSignedInAt, signIn } from "../support/pages";
import { storageStateOf } from "../support/users";

test.describe("organizations and roles", () => {
  test.describe("as the owner of Riverside", () => {
    test.use({ storageState: storageStateOf("owner") });

    test("another organization's pages are not found", async ({ page }) => {
      const response = await page.goto("/hillcrest/institutions");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByText("Hillcrest Youth League")).toHaveCount(0);
    });

    test("the support console is not found and shows no data", async ({ page }) => {
      const response = await page.goto("/admin");
      expect(response?.status()).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByText("Support console")).toHaveCount(0);
    });

    test("the portal navigation reaches every section by keyboard", async ({ page }) => {
      await page.goto("/riverside/institutions");
      const nav = page.getByRole("navigation", { name: "Organization" });
      for (const name of ["Manage Institutions", "Bank feed", "Register", "Members", "Settings"]) {
        await expect(nav.getByRole("link", { name })).toBeVisible();
      }
      await nav.getByRole("link", { name: "Members" }).focus();
      await page.keyboard.press("Enter");
      await expect(page).toHaveURL(/\/riverside\/members$/);
      await expect(page.getByRole("cell", { name: "member@riverside.example", exact: true })).toBeVisible();
      await expect(nav.getByRole("link", { name: "Members" })).toHaveAttribute("aria-current", "page");
    });
  });

  test.describe("as support staff", () => {
    test.use({ storageState: storageStateOf("support") });

    test("the support console opens", async ({ page }) => {
      await page.goto("/admin");
      await expect(page.getByRole("heading", { name: "Support console" })).toBeVisible();
    });
  });

  test("a person in two organizations switches between them", async ({ page }) => {
    const db = e2eDb();
    const email = `two-orgs-${Date.now()}@bankline.example`;
    const [riverside, hillcrest] = await Promise.all(
      ["riverside", "hillcrest"].map((slug) => db.organization.findUniqueOrThrow({ where: { slug } })),
    );
    await db.user.create({
      data: {
        email,
        name: "Two Orgs",
        passwordHash: await hashPassword("two-orgs-password"),
        memberships: {
          create: [
            { organizationId: riverside!.id, role: "VIEWER" },
            { organizationId: hillcrest!.id, role: "MEMBER" },
          ],
        },
      },
    });
    await signIn(page, email, "two-orgs-password");
    await expectSignedInAt(page, /\/hillcrest\/institutions$/);
    await page.getByLabel("Switch organization").selectOption({ label: "Riverside Food Pantry" });
    await expect(page).toHaveURL(/\/riverside\/institutions$/);
    await expect(page.getByText("viewer", { exact: false }).first()).toBeVisible();
  });
});
