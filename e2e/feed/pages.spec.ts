import { expect, test } from "@playwright/test";
import { expectNoSeriousA11yViolations } from "../support/a11y";
import { apiAs } from "../support/trpc";
import { storageStateOf } from "../support/users";
import { linkDemo, newOrganization } from "./fixtures";

// The feed and register pages with real data: accessibility, what a viewer may do, and an
// entry added by hand.

test.describe("as the owner", () => {
  test.use({ storageState: storageStateOf("owner") });

  test("the feed with possible duplicates and the register pass the accessibility checks", async ({ page }) => {
    const org = await newOrganization({ owner: "OWNER" });
    await page.goto(`/${org.slug}/feed`);
    const api = await apiAs(page);
    const first = await linkDemo(api, org.slug);
    for (const account of first.accounts) await api.feed.importAllNew.mutate({ orgSlug: org.slug, bankAccountId: account.id });
    await api.connections.remove.mutate({ orgSlug: org.slug, connectionId: first.connectionId });
    await linkDemo(api, org.slug, first.registers);

    await page.reload();
    await expect(page.getByRole("table").getByText("Possible duplicate").first()).toBeVisible();
    await expectNoSeriousA11yViolations(page);
    await page.getByRole("button", { name: /^Show hidden/ }).click();
    await expect(page.getByRole("table", { name: /Hidden transactions/ })).toBeVisible();
    await expectNoSeriousA11yViolations(page);

    await page.goto(`/${org.slug}/register`);
    await expect(page.getByRole("table").getByText(/Imported from Sandbox Bank/).first()).toBeVisible();
    await expectNoSeriousA11yViolations(page);
  });

  test("adds an entry by hand, refusing an amount that is not one", async ({ page }) => {
    const org = await newOrganization({ owner: "OWNER" });
    await page.goto(`/${org.slug}/feed`);
    await linkDemo(await apiAs(page), org.slug);
    await page.goto(`/${org.slug}/register`);
    const form = page.getByRole("form", { name: "Add an entry by hand" });
    await form.getByLabel("Date").fill("2026-03-14");
    await form.getByLabel("Description").fill("Joe's Plumbing");
    await form.getByLabel("Amount").fill("12.345");
    await form.getByLabel("Check number (optional)").fill("1043");
    await form.getByRole("button", { name: "Add entry" }).click();
    await expect(form.getByLabel("Amount")).toHaveAttribute("aria-invalid", "true");
    await expect(form.getByText("Enter an amount like 125.00.")).toBeVisible();

    await form.getByLabel("Amount").fill("150.00");
    await form.getByRole("button", { name: "Add entry" }).click();
    await expect(form.getByRole("status")).toHaveText("Added “Joe's Plumbing” (-$150.00) to Everyday Checking books.");
    const row = page.getByRole("row", { name: /Joe's Plumbing/ });
    await expect(row).toContainText("Added by hand");
    await expect(row).toContainText("1043");
    await expect(row).toContainText("-$150.00");
  });
});

test.describe("as a viewer", () => {
  test.use({ storageState: storageStateOf("viewer") });

  test("looks at the feed and the register but cannot hide, import or add", async ({ page, browser }) => {
    const org = await newOrganization({ viewer: "VIEWER", owner: "OWNER" });
    const owner = await browser.newContext({ storageState: storageStateOf("owner") });
    const ownerPage = await owner.newPage();
    await ownerPage.goto(`/${org.slug}/feed`);
    await linkDemo(await apiAs(ownerPage), org.slug);
    await owner.close();

    await page.goto(`/${org.slug}/feed`);
    await expect(page.getByRole("table").getByRole("row").nth(1)).toBeVisible();
    await expect(page.getByText("your role does not allow hiding or importing")).toBeVisible();
    await expect(page.getByRole("button", { name: /^(Import|Hide)/ })).toHaveCount(0);
    await expect(page.getByRole("checkbox")).toHaveCount(0);

    await page.goto(`/${org.slug}/register`);
    await expect(page.getByRole("heading", { name: "Register" })).toBeVisible();
    await expect(page.getByRole("form", { name: "Add an entry by hand" })).toHaveCount(0);
  });
});
