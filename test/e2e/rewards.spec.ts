import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

async function expectNoAxeViolations(page: Page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
}

test("A customer redeems a reward with their loyalty points; staff fulfil it and the customer sees it fulfilled", async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const rewardName = `Nimbus mug ${stamp}`;

  // An admin fills the catalogue and gives the customer points for a talk they gave.
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@example.com");
  await admin.goto("/mod/rewards");
  await admin.getByLabel("Name", { exact: true }).fill(rewardName);
  await admin.getByLabel("Description").fill("A white mug with the Nimbus ring on it.");
  await admin.getByLabel("Kind").selectOption({ label: "Merchandise (shipped)" });
  await admin.getByLabel("Who may redeem it").selectOption({ label: "Customers only" });
  await admin.getByLabel("Cost in points").fill("30");
  await admin.getByLabel("Stock").fill("2");
  await admin.getByRole("button", { name: "Add reward" }).click();
  await expect(admin.getByText(`Kind: Merchandise (shipped)`)).toBeVisible();
  await admin.goto("/mod/rewards");
  await admin.getByLabel("Username").fill("casey");
  await admin.getByLabel("Points (negative to take away)").fill("100");
  await admin.getByLabel("Reason (they read it)").fill("Thanks for the meetup talk");
  await admin.getByRole("button", { name: "Adjust" }).click();
  await expect(admin.getByRole("status")).toContainText("casey now has");
  await expectNoAxeViolations(admin);

  // The customer sees their points on their profile and redeems the mug, with an address.
  const customer = await (await browser.newContext()).newPage();
  await signIn(customer, "customer@example.com");
  await customer.goto("/users/casey");
  await customer.getByRole("link", { name: "Rewards" }).last().click();
  await expect(customer.getByRole("heading", { level: 1, name: "Rewards" })).toBeVisible();
  await customer.getByRole("link", { name: rewardName }).click();
  await customer.getByRole("button", { name: "Redeem for 30 points" }).click();
  await expect(customer.getByText("Whom should we send it to?")).toBeVisible(); // nothing was spent
  await customer.getByLabel("Name", { exact: true }).fill("Casey Jones");
  await customer.getByLabel("Street address").fill("1 High Street");
  await customer.getByLabel("Town or city").fill("London");
  await customer.getByLabel("Postal code").fill("N1 9GU");
  await customer.getByLabel("Country").fill("United Kingdom");
  await expectNoAxeViolations(customer);
  await customer.getByRole("button", { name: "Redeem for 30 points" }).click();
  const redemption = customer.locator(".redemption-list li").filter({ hasText: rewardName });
  await expect(redemption).toContainText("Requested");
  await expectNoAxeViolations(customer);

  // Staff fulfil it from the queue with a note.
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@example.com");
  await staff.goto("/support");
  await staff.getByRole("link", { name: "Rewards" }).click();
  const item = staff.getByRole("listitem").filter({ hasText: rewardName });
  await expect(item).toContainText("N1 9GU");
  await expectNoAxeViolations(staff);
  await item.getByLabel("Note for them (optional)").fill("Posted today by first-class mail.");
  await item.getByRole("button", { name: "Mark fulfilled" }).click();
  await expect(staff.getByRole("listitem").filter({ hasText: rewardName })).toContainText("Fulfilled");

  // The customer is told, and sees it fulfilled with the note.
  await customer.goto("/notifications");
  await customer.getByRole("link", { name: `Your reward is on its way: ${rewardName}` }).click();
  await expect(redemption).toContainText("Fulfilled");
  await expect(redemption).toContainText("Posted today by first-class mail.");
});
