import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("An admin puts a category on office hours with a holiday, and a mistake is shown next to its field", async ({
  page,
}) => {
  await signIn(page, "admin@example.com");
  await page.goto("/support");
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Support settings");
  await page.getByRole("link", { name: "Automations & scenes" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Support in Automations & scenes");
  const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(audit.violations).toEqual([]);

  await page.getByLabel("Only open hours").check();
  await page.getByLabel("Time zone").selectOption("America/New_York");
  await page.getByLabel("Wednesday").fill("09:00-12:00, 13:00-17:00");
  await page.getByLabel("Saturday").fill("10:00 until late");
  await page.getByLabel("Holidays").fill("2026-12-25 Christmas Day");
  await page.getByLabel("Urgent: first response").fill("1.5");
  await page.getByRole("button", { name: "Save" }).click();

  // The bad day is named next to its field, and everything typed is still there.
  await expect(page.getByText("Write hours as 09:00-17:00")).toBeVisible();
  await expect(page.getByLabel("Saturday")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByLabel("Wednesday")).toHaveValue("09:00-12:00, 13:00-17:00");
  await expect(page.getByLabel("Urgent: first response")).toHaveValue("1.5");
  await expect(page.getByLabel("Only open hours")).toBeChecked();

  await page.getByLabel("Saturday").fill("closed");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page).toHaveURL(/\/support\/settings\/automations\?saved=1$/);
  await page.goto("/support/settings");
  const row = page.getByRole("row").filter({ hasText: "Automations & scenes" });
  await expect(row).toContainText("Open hours (America/New_York)");
  await expect(row).toContainText("Wed 09:00-12:00, 13:00-17:00");
  await expect(row).toContainText("1 holiday");
});
