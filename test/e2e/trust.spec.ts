import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("A member sees their trust level on their profile, and what the next level asks and unlocks", async ({ page }) => {
  await signIn(page, "member@example.com");
  await page.goto("/users/morgan");
  const trust = page.getByRole("region", { name: /Trust level:/ });
  await expect(trust).toBeVisible();
  await expect(trust.getByText(/Next: /)).toBeVisible();
  await trust.getByRole("link", { name: "What each trust level unlocks" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Trust levels and privileges");
  await expect(page.getByRole("row", { name: /Regular/ })).toContainText("Change the tags of anyone's question");
  // On a phone the page fits: what each level unlocks wraps instead of widening the page.
  await page.setViewportSize({ width: 375, height: 667 });
  await page.reload();
  await expect(page.getByRole("row", { name: /Regular/ })).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
});

test("An admin switches the trust levels to the lenient preset, and a wrong threshold is explained beside it", async ({
  page,
}) => {
  await signIn(page, "admin@example.com");
  await page.goto("/mod");
  await page.getByRole("link", { name: "Trust levels" }).click();
  await page.getByRole("group", { name: "Regular" }).getByLabel("Reputation").fill("1");
  await page.getByRole("button", { name: "Save thresholds" }).click();
  await expect(page.getByText("Must be more than 125, the Member level's.")).toBeVisible();
  await page.getByLabel(/lenient/).check();
  await page.getByRole("button", { name: "Use this preset" }).click();
  await expect(page.getByRole("status")).toContainText("Saved.");
  await expect(page.getByRole("heading", { name: "Preset (now lenient)" })).toBeVisible();
  await page.getByLabel(/moderate/).check();
  await page.getByRole("button", { name: "Use this preset" }).click();
  await expect(page.getByRole("heading", { name: "Preset (now moderate)" })).toBeVisible();
});
