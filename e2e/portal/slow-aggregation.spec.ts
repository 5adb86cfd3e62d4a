import { expectNoSeriousA11yViolations } from "../support/a11y";
import { chooseAllAccounts, connectionCard, enterCredentials, expect, pickInstitution, test } from "./fixtures";

test("demo_slow: Retrieve during an aggregation gives Error 325, the status turns Active by itself, then retrieval works", async ({
  page,
  org,
}) => {
  test.slow();
  const name = "Summit Valley Bank (Personal)";
  await org.signInAs(page, "OWNER");
  const dialog = await pickInstitution(page, "summit valley", name);
  await enterCredentials(dialog, "demo_slow");
  await expect(dialog.getByRole("progressbar", { name: "Retrieving transactions" })).toBeVisible();
  // The link's aggregation takes SANDBOX_SLOW_MS, then its webhook goes through the job queue.
  await expect(dialog.getByRole("heading", { name: "Choose accounts" })).toBeVisible({ timeout: 30_000 });
  await chooseAllAccounts(dialog);
  await dialog.getByRole("button", { name: "Done" }).click();

  const card = connectionCard(page, name);
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await card.getByRole("button", { name: "Retrieve Transactions" }).click();
  await expect(card.getByText("Aggregating", { exact: true })).toBeVisible();
  await expect(card.getByRole("progressbar")).toBeVisible();

  await card.getByRole("button", { name: "Retrieve Transactions" }).click();
  const busy = card.getByRole("alert");
  await expect(busy).toContainText("Error 325: Transactions are being retrieved");
  await expect(busy).toContainText("Status now: Aggregating");
  await expect(busy.getByRole("link", { name: "Manage Institutions" })).toBeVisible();
  await expectNoSeriousA11yViolations(page);

  await expect(card.getByText("Active", { exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(busy).toContainText("Status now: Active");
  await card.getByRole("button", { name: "Retrieve Transactions" }).click();
  await expect(card.getByText("Aggregating", { exact: true })).toBeVisible();
  await expect(card.getByText(/\d+ new transactions? arrived/)).toBeVisible({ timeout: 30_000 });
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
});
