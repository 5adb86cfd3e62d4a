import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { e2eDb } from "../support/stack";
import { storageStateOf } from "../support/users";

// The support console against the demo data: Riverside's Commonwealth Nonprofit Bank login
// has been failing with 103 for four days; its Sandbox Bank (Business) login works.

async function openRiversideConnection(page: Page, institution: string) {
  await page.goto("/admin");
  await page.getByLabel("Search organizations").fill("Riverside");
  await page.getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Riverside Food Pantry" }).click();
  await expect(page.getByRole("heading", { name: "Riverside Food Pantry", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: institution }).click();
  await expect(page.getByRole("heading", { name: institution, level: 1 })).toBeVisible();
}

test.describe("as support staff", () => {
  test.use({ storageState: storageStateOf("support") });

  test("support finds Riverside, opens the connection in error and reads its 103 history", async ({ page }) => {
    await page.goto("/admin");
    await page.getByLabel("Search organizations").fill("owner@riverside");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByText("Matched on member owner@riverside.example")).toBeVisible();

    await openRiversideConnection(page, "Commonwealth Nonprofit Bank");
    await expect(page.getByRole("region", { name: "What the customer sees" })).toContainText("Error 103");
    await expect(page.getByRole("region", { name: "What the customer sees" })).toContainText("Update Login");

    const history = page.getByRole("region", { name: "Error history" });
    await history.getByLabel("Code").selectOption("103");
    const rows = history.getByRole("row").filter({ hasText: "Invalid credentials" });
    await expect(rows.first()).toBeVisible();
    expect(await rows.count()).toBeGreaterThanOrEqual(5);
    await expect(history.getByRole("row").filter({ hasText: "Aggregation succeeded" })).toHaveCount(0);
    await expect(rows.filter({ hasText: "Schedule" }).first()).toBeVisible();
    await expect(rows.filter({ hasText: "Update login" }).filter({ hasText: "owner@riverside.example" })).toHaveCount(
      1,
    );

    await history.getByLabel("Kind").selectOption({ label: "Retrieve transactions" });
    await expect(history.getByText("3 attempts.", { exact: true })).toBeVisible();

    const force = page.getByRole("button", { name: "Force refresh" });
    await expect(force).toBeDisabled();
    await expect(page.getByText("Only support admins may force a refresh.")).toBeVisible();
  });

  test("institution health shows a known issue first, and the console says so at the top", async ({ page }) => {
    const db = e2eDb();
    const suffix = randomBytes(3).toString("hex");
    const institutionId = `e2e-outage-${suffix}`;
    const name = `Outage Bank ${suffix}`;
    await db.institution.create({
      data: {
        id: institutionId,
        name,
        variant: "BUSINESS",
        loginUrl: "https://outage.example",
        knownIssueSince: new Date(),
        knownIssueCode: 910,
      },
    });
    await db.connectionEvent.createMany({
      data: ["org-a", "org-b", "org-c"].map((org, i) => ({
        organizationId: `${org}-${suffix}`,
        institutionId,
        kind: "LINK" as const,
        trigger: "CUSTOMER" as const,
        statusCode: 910,
        message: "The provider's connection to this bank is down",
        startedAt: new Date(Date.now() - (i + 1) * 60_000),
        createdAt: new Date(Date.now() - (i + 1) * 60_000),
        durationMs: 900,
      })),
    });
    await page.goto("/admin");
    await expect(page.getByRole("region", { name: "Known issues at institutions" })).toContainText(name);
    await page.getByRole("link", { name: "Institution health" }).first().click();
    const row = page.getByRole("row").filter({ hasText: name });
    await expect(row).toContainText("Known issue (910)");
    await expect(row).toContainText("910 × 3");
    await page.getByRole("button", { name: "Last 7 days" }).click();
    await expect(page.getByRole("button", { name: "Last 7 days" })).toHaveAttribute("aria-pressed", "true");
    await expect(page.getByRole("row").filter({ hasText: name })).toContainText("910 × 3");
  });
});

test.describe("as a support admin", () => {
  test.use({ storageState: storageStateOf("supportAdmin") });

  test("forces a refresh with a reason and sees the new event and the audit entry", async ({ page }) => {
    await openRiversideConnection(page, "Sandbox Bank (Business)");
    const reason = `Customer reports a missing deposit, ticket ${randomBytes(3).toString("hex")}`;
    await page.getByRole("button", { name: "Force refresh" }).click();
    await page.getByLabel("Reason for forcing a refresh").fill(reason);
    await page.getByRole("button", { name: "Start refresh" }).click();
    await expect(
      page.getByRole("status").filter({ hasText: "Forced refresh done: 0 — Aggregation succeeded." }),
    ).toBeVisible({ timeout: 30_000 });

    const newest = page.getByRole("region", { name: "Error history" }).getByRole("row").nth(1);
    await expect(newest).toContainText("Forced refresh");
    await expect(newest).toContainText("Support");
    await expect(newest).toContainText("supportadmin@bankline.example");
    await expect(page.getByRole("region", { name: "Changes and support actions" })).toContainText(reason);

    await page.getByRole("link", { name: "Audit log" }).first().click();
    await expect(page.getByLabel("Action").locator("option", { hasText: "connection.forceRefresh" })).toBeAttached();
    await page.getByLabel("Action").selectOption("connection.forceRefresh");
    await page.getByRole("button", { name: "Apply filters" }).click();
    const entry = page.getByRole("row").filter({ hasText: reason });
    await expect(entry).toContainText("supportadmin@bankline.example");
    await expect(entry).toContainText("Riverside Food Pantry");
    await expect(page.getByRole("button", { name: /delete|edit/i })).toHaveCount(0);
  });
});

test.describe("as a customer", () => {
  test.use({ storageState: storageStateOf("owner") });

  test("the console is not found and no support data reaches the browser", async ({ page }) => {
    for (const path of ["/admin", "/admin/organizations/riverside", "/admin/institutions", "/admin/audit"]) {
      const response = await page.goto(path);
      expect(response?.status(), path).toBe(404);
      await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
      await expect(page.getByText("Support console")).toHaveCount(0);
      await expect(page.getByText("Commonwealth Nonprofit Bank")).toHaveCount(0);
    }
    const api = await page.request.get(
      `/api/trpc/support.search?input=${encodeURIComponent(JSON.stringify({ json: { text: "Riverside" } }))}`,
    );
    expect(api.status()).toBe(403);
    expect(await api.text()).not.toContain("riverside");
  });
});
