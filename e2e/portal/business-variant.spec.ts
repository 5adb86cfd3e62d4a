import {
  chooseAllAccounts,
  connectionCard,
  enterCredentials,
  expect,
  flowDialog,
  pickInstitution,
  test,
} from "./fixtures";

test("a business login at the Personal variant gives Error 103 with the Personal/Business advice, then links at Business", async ({
  page,
  org,
}) => {
  await org.signInAs(page, "OWNER");
  const dialog = await pickInstitution(page, "sandbox bank", "Sandbox Bank (Personal)");
  await enterCredentials(dialog, "demo_business");

  const problem = dialog.getByRole("alert");
  await expect(problem).toContainText("Error 103");
  await expect(problem).toContainText("did not accept the username or password");
  await expect(problem).toContainText(/Personal or Business/);
  await expect(problem).toContainText("https://personal.sandboxbank.example");
  await expect(problem.getByRole("link", { name: "https://personal.sandboxbank.example" })).toBeVisible();

  await problem.getByRole("button", { name: "Choose another institution" }).click();
  const search = dialog.getByLabel("Search for your bank or credit union");
  await expect(search).toHaveValue("sandbox bank");
  const business = dialog
    .getByRole("list", { name: "Institutions" })
    .getByRole("button", { name: /^Sandbox Bank \(Business\)/ });
  await expect(business).toContainText("https://business.sandboxbank.example");
  await expect(business).toContainText("Business");
  await business.click();
  await enterCredentials(dialog, "demo_business");
  await expect(dialog.getByRole("checkbox", { name: /^Link / })).toHaveCount(3);
  await chooseAllAccounts(dialog);
  await dialog.getByRole("button", { name: "Done" }).click();

  const card = connectionCard(page, "Sandbox Bank (Business)");
  await expect(card.getByText("Active", { exact: true })).toBeVisible();
  await expect(card.getByRole("table", { name: "Linked accounts" }).getByRole("row")).toHaveCount(4);
  await expect(connectionCard(page, "Sandbox Bank (Personal)")).toHaveCount(0);
  await expect(flowDialog(page)).toBeHidden();
});
