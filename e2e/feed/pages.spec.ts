import { expectNoSeriousA11yViolations } from "../support/a11y";
import { apiAs } from "../support/trpc";
import { expect, test } from "../portal/fixtures";
import { linkDemo } from "./fixtures";

// The feed and register pages with real data: accessibility, what a viewer may do, and an
// entry added by hand. The bank is linked through the API: these specs are about the pages.

test("the feed with possible duplicates, the hidden view and the register pass the accessibility checks", async ({
  page,
  org,
}) => {
  // Two links, an import and three axe runs over full pages: on a loaded 2-core machine this takes over a minute.
  test.setTimeout(120_000);
  await org.signInAs(page, "OWNER");
  const api = await apiAs(page);
  const first = await linkDemo(api, org.slug);
  for (const account of first.accounts)
    await api.feed.importAllNew.mutate({ orgSlug: org.slug, bankAccountId: account.id });
  await api.connections.remove.mutate({ orgSlug: org.slug, connectionId: first.connectionId });
  await linkDemo(api, org.slug, first.registers);

  await page.goto(`/${org.slug}/feed`);
  await expect(page.getByRole("table").getByText("Possible duplicate").first()).toBeVisible();
  await expectNoSeriousA11yViolations(page);
  await page.getByRole("button", { name: /^Show hidden/ }).click();
  await expect(page.getByRole("table", { name: /Hidden transactions/ })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await page.goto(`/${org.slug}/register`);
  await expect(
    page
      .getByRole("table")
      .getByText(/Imported from Sandbox Bank/)
      .first(),
  ).toBeVisible();
  await expectNoSeriousA11yViolations(page);
});

test("adds an entry by hand, refusing an amount that is not one", async ({ page, org }) => {
  await org.signInAs(page, "OWNER");
  await page.goto(`/${org.slug}/register`);
  await expect(page.getByText("No register yet.")).toBeVisible();
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

test("a viewer looks at the feed and the register but cannot hide, import or add", async ({ page, org, browser }) => {
  const owner = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const ownerPage = await owner.newPage();
  await org.signInAs(ownerPage, "OWNER");
  await linkDemo(await apiAs(ownerPage), org.slug);
  await owner.close();

  await org.signInAs(page, "VIEWER");
  await page.goto(`/${org.slug}/feed`);
  await expect(page.getByRole("table").getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByText("your role does not allow hiding or importing")).toBeVisible();
  await expect(page.getByRole("button", { name: /^(Import|Hide)/ })).toHaveCount(0);
  await expect(page.getByRole("checkbox")).toHaveCount(0);

  await page.goto(`/${org.slug}/register`);
  await expect(page.getByRole("heading", { name: "Register" })).toBeVisible();
  await expect(page.getByRole("table").getByRole("row").nth(1)).toBeVisible();
  await expect(page.getByRole("form", { name: "Add an entry by hand" })).toHaveCount(0);
});
