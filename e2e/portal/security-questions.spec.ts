import { e2eDb } from "../support/stack";
import {
  chooseAllAccounts,
  connectionCard,
  enterCredentials,
  expect,
  flowDialog,
  pickInstitution,
  test,
} from "./fixtures";

test.describe("security questions", () => {
  test("demo_mfa asks three questions one at a time; a wrong answer gives Error 187 and the same question", async ({
    page,
    org,
  }) => {
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "sandbox credit", "Sandbox Credit Union");
    await enterCredentials(dialog, "demo_mfa");

    await expect(dialog.getByRole("heading", { name: "Security question" })).toBeVisible();
    await expect(dialog.getByText("Question 1 of 3")).toBeVisible();
    await dialog.getByRole("textbox").fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();

    await expect(dialog.getByText("Question 2 of 3")).toBeVisible();
    const second = await dialog
      .getByRole("textbox")
      .getAttribute("id")
      .then((id) => dialog.locator(`label[for="${id}"]`).textContent());
    await dialog.getByRole("textbox").fill("green");
    await dialog.getByRole("button", { name: "Answer" }).click();
    await expect(dialog.getByRole("alert")).toContainText("Error 187: That answer was not accepted");
    await expect(dialog.getByText("Question 2 of 3")).toBeVisible();
    await expect(dialog.getByRole("textbox", { name: second! })).toBeFocused();
    await expect(dialog.getByRole("textbox", { name: second! })).toHaveValue("");
    await dialog.getByRole("textbox", { name: second! }).fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();

    await expect(dialog.getByText("Question 3 of 3")).toBeVisible();
    await expect(dialog.getByRole("alert")).toHaveCount(0);
    await dialog.getByRole("textbox").fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();
    await chooseAllAccounts(dialog);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(connectionCard(page, "Sandbox Credit Union").getByText("Active", { exact: true })).toBeVisible();
  });

  test("demo_mfa_choice asks a multiple-choice question, then a text question", async ({ page, org }) => {
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "maple leaf", "Maple Leaf Savings (Personal)");
    await enterCredentials(dialog, "demo_mfa_choice");

    const choices = dialog.getByRole("group", { name: "Which of these colors did you choose when you enrolled?" });
    await expect(choices.getByRole("radio")).toHaveCount(4);
    await expect(dialog.getByText("Question 1 of 2")).toBeVisible();
    await choices.getByRole("radio", { name: "Blue" }).check();
    await dialog.getByRole("button", { name: "Answer" }).click();

    await expect(dialog.getByText("Question 2 of 2")).toBeVisible();
    await dialog.getByRole("textbox", { name: "What color was your first bicycle?" }).fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();
    await chooseAllAccounts(dialog);
  });

  test("a customer who left finds the alert: click here asks the next question; Update Login walks the questions again on the same connection", async ({
    page,
    org,
  }) => {
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "granite state", "Granite State Bank (Personal)");
    await enterCredentials(dialog, "demo_mfa");
    await expect(dialog.getByText("Question 1 of 3")).toBeVisible();
    await dialog.getByRole("textbox").fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();
    await expect(dialog.getByText("Question 2 of 3")).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();

    const card = connectionCard(page, "Granite State Bank (Personal)");
    await expect(card.getByText("Action required", { exact: true })).toBeVisible();
    const alert = card.getByRole("alert");
    await expect(alert).toContainText("Error 185");
    await expect(page.getByRole("link", { name: "1 open notice" })).toBeVisible();
    await alert.getByRole("link", { name: "click here" }).click();
    await expect(flowDialog(page).getByText("Question 2 of 3")).toBeVisible();
    await page.keyboard.press("Escape");

    await card.getByRole("button", { name: "Update Login" }).click();
    await expect(dialog.getByRole("heading", { name: "Update Login for Granite State Bank (Personal)" })).toBeVisible();
    await enterCredentials(dialog, "demo_mfa", "go", "Save login");
    for (const n of [1, 2, 3]) {
      await expect(dialog.getByText(`Question ${n} of 3`)).toBeVisible();
      await dialog.getByRole("textbox").fill("blue");
      await dialog.getByRole("button", { name: "Answer" }).click();
    }
    await chooseAllAccounts(dialog);
    await dialog.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("article")).toHaveCount(1);
    await expect(card.getByText("Active", { exact: true })).toBeVisible();
    await expect(page.getByRole("link", { name: /open notice/ })).toHaveCount(0);
  });

  test("an expired question session (331) leads to Update Login", async ({ page, org }) => {
    await org.signInAs(page, "OWNER");
    const dialog = await pickInstitution(page, "prairie", "Prairie National Bank (Personal)");
    await enterCredentials(dialog, "demo_mfa");
    await expect(dialog.getByText("Question 1 of 3")).toBeVisible();
    // The session the bank handed out is no longer the one it accepts, as after a timeout.
    await e2eDb().connection.updateMany({
      where: { organizationId: org.id },
      data: { mfaSession: "expired-session-token-0000" },
    });
    await dialog.getByRole("textbox").fill("blue");
    await dialog.getByRole("button", { name: "Answer" }).click();

    const problem = dialog.getByRole("alert");
    await expect(problem).toContainText("Error 331: The security question timed out");
    await expect(problem.getByRole("button", { name: "Update Login" })).toBeVisible();
    await page.keyboard.press("Escape");

    // A customer who closed the dialog finds the same error on the connection itself.
    const card = connectionCard(page, "Prairie National Bank (Personal)");
    await expect(card.getByRole("alert")).toContainText("Error 331: The security question timed out");
    await expect(card.getByText("Action required", { exact: true })).toBeVisible();
    await card.getByRole("button", { name: "Update Login" }).click();
    await enterCredentials(dialog, "demo_mfa", "go", "Save login");
    await expect(dialog.getByText("Question 1 of 3")).toBeVisible();
  });
});
