import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, signIn } from "./helpers";

test("A visitor searches, reads an article, and sees a customer-only teaser; a customer then reads it", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/");
  const headerSearch = page.getByRole("search").getByLabel("Search questions and articles");
  await headerSearch.fill("hub offline ring");
  await headerSearch.press("Enter");
  await expect(page.getByRole("heading", { name: /results?$/ })).toBeVisible();
  const articleHit = page
    .getByRole("listitem")
    .filter({ hasText: "Article" })
    .filter({ has: page.getByRole("link", { name: "The hub shows offline" }) });
  await expect(articleHit.locator("mark").first()).toBeVisible();
  await articleHit.getByRole("link", { name: "The hub shows offline" }).click();

  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The hub shows offline");
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Troubleshooting");
  await page.getByRole("navigation", { name: "On this page" }).getByRole("link", { name: "Step by step" }).click();
  await expect(page).toHaveURL(/#step-by-step$/);
  await expect(page.getByRole("heading", { name: "Step by step" })).toBeInViewport();
  await page.getByRole("button", { name: "Yes, it helped" }).click();
  await expect(page.getByRole("status")).toContainText("You said it was helpful");

  // A customer-only article: the visitor sees what it is about, not what it says.
  await page.getByRole("search").getByLabel("Search questions and articles").fill("secure inclusion lock");
  await page.getByRole("search").getByRole("button", { name: "Search" }).click();
  await page.getByRole("link", { name: "Pair a Z-Wave lock with S2 security" }).click();
  await expect(page.getByRole("heading", { name: "This article is for customers" })).toBeVisible();
  await expect(page.getByText("Step-by-step secure inclusion")).toBeVisible();
  await expect(page.locator("body")).not.toContainText("DSK PIN");

  // Signing in from the teaser brings the customer back to the full article.
  await page.getByRole("main").getByRole("link", { name: "sign in" }).click();
  await page.getByLabel("Email").fill("customer@example.com");
  await page.getByLabel("Password").fill(DEMO_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/kb\/pair-a-z-wave-lock$/);
  await expect(page.getByText("DSK PIN").first()).toBeVisible();
  await expect(page.getByRole("heading", { name: "This article is for customers" })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test("Typing a question title on the ask page shows a matching solved thread", async ({ page }) => {
  await signIn(page, "member@example.com");
  await page.goto("/questions/ask");
  await page.getByLabel("Title").pressSequentially("Hub went offline after the firmware update", { delay: 20 });
  const suggestions = page.getByRole("region", { name: "Already asked? Similar questions and articles" });
  await expect(
    suggestions.getByRole("link", { name: "Hub offline after firmware 4.2 update: ring blinking red" }),
  ).toBeVisible();
  await expect(suggestions.getByRole("listitem")).toHaveCount(5);

  // Typing the details previews them; the suggestions for the unchanged title are not fetched again.
  const similarReads: string[] = [];
  page.on("request", (request) => {
    if (request.url().includes("/api/similar")) similarReads.push(request.url());
  });
  await page.getByLabel("Details").pressSequentially("The ring blinks **red** since the update.", { delay: 20 });
  await expect(page.getByTestId("body-preview").locator("strong")).toHaveText("red");
  expect(similarReads).toEqual([]);
});

test("Without JavaScript, the ask page checks for similar questions on request and keeps what was typed", async ({
  browser,
}) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await signIn(page, "member@example.com");
  await page.goto("/questions/ask");
  await page.getByLabel("Title").fill("Yale lock says secure inclusion failed");
  await page.getByLabel("Details").fill("Tried twice already.");
  await page.getByRole("button", { name: "Check for similar questions" }).click();
  const suggestions = page.getByRole("region", { name: "Already asked? Similar questions and articles" });
  await expect(suggestions.getByRole("link", { name: /secure inclusion failed/ })).toBeVisible();
  await expect(page.getByLabel("Title")).toHaveValue("Yale lock says secure inclusion failed");
  await expect(page.getByLabel("Details")).toHaveValue("Tried twice already.");
  await context.close();
});
