import { linkDemo } from "../feed/fixtures";
import { apiAs } from "../support/trpc";
import { connectionCard, expect, seedConnection, test } from "./fixtures";

// A treasurer on a phone: no portal page is wider than the screen (a wide table scrolls inside its
// own box), and every section of the portal is one tap away.

test.use({ viewport: { width: 390, height: 844 } });

const SECTIONS = [
  ["institutions", "Manage Institutions"],
  ["feed", "Bank feed"],
  ["register", "Register"],
  ["members", "Members"],
  ["settings", "Settings"],
] as const;

test("on a phone, every portal page fits the screen's width and shows every section's link", async ({ page, org }) => {
  // A bank whose address is longer than a phone is wide, in a notice and on its card.
  const loginUrl = "https://online-banking.business.commonwealthnonprofitcreditunion.example/login";
  const broken = await seedConnection(org, { status: "ACTION_REQUIRED", lastStatusCode: 103, loginUrl });
  await org.signInAs(page, "OWNER");
  await linkDemo(await apiAs(page), org.slug);

  for (const [path, title] of SECTIONS) {
    await page.goto(`/${org.slug}/${path}`);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    if (path === "institutions") {
      await expect(connectionCard(page, broken.institutionName).getByRole("alert")).toContainText(loginUrl);
      await expect(page.getByRole("region", { name: "Open notices" })).toContainText(loginUrl);
    }
    if (path === "feed") await expect(page.getByLabel("Bank account")).toContainText("Everyday Checking");
    await page.waitForLoadState("networkidle");
    const nav = page.getByRole("navigation", { name: "Organization" });
    for (const [, name] of SECTIONS)
      await expect(nav.getByRole("link", { name }), `${title}: ${name}`).toBeInViewport();
    const sideways = await page.evaluate(
      () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
    );
    expect(sideways, `${title} is wider than the screen by ${sideways} px`).toBeLessThanOrEqual(0);
  }
});
