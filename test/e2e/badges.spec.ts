import { expect, test } from "@playwright/test";

// The server's background jobs run once at start-up, so the demo community's helpers hold badges.
test("A visitor finds who holds a badge, sees it on their profile and beside their name in a thread", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Badges" }).click();
  await expect(page.getByRole("heading", { name: "Badges", level: 1 })).toBeVisible();
  const firstAnswer = page.locator("#badge-first-answer");
  await expect(firstAnswer).toContainText("Posted a first answer.");
  await expect(async () => {
    await page.reload();
    expect(Number(await firstAnswer.locator("[data-holders]").getAttribute("data-holders"))).toBeGreaterThan(0);
  }).toPass();

  await firstAnswer.getByRole("link", { name: /holders?$/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/First answer/);
  const holder = page.getByRole("region", { name: "Holders" }).getByRole("listitem").first().getByRole("link").first();
  const username = (await holder.textContent())!;
  await holder.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(new RegExp(username));
  await expect(page.getByRole("region", { name: "Badges" }).getByRole("link", { name: /First answer/ })).toBeVisible();

  await page.goto("/questions?filter=solved");
  await page.getByRole("link", { name: /Hub offline after firmware 4.2 update/ }).click();
  const answer = page.getByRole("article", { name: /^Answer by / }).first();
  await expect(answer.locator("[data-reputation]")).toHaveAttribute("data-reputation", /^\d+$/);
  await expect(answer.locator(".badge-tier").first()).toBeVisible();
  expect(errors).toEqual([]);
});
