import AxeBuilder from "@axe-core/playwright";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

const THREAD = /Motion sensor in the garage/;

test("A member mentions someone by picking their name with the keyboard, and the answer links to their profile", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const stamp = Date.now().toString(36);
  await signIn(page, "member@example.com");
  await page.goto("/questions?filter=unresolved");
  await page.getByRole("link", { name: THREAD }).click();

  const box = page.getByRole("textbox", { name: "Answer" });
  await box.click();
  await box.pressSequentially("Ask @cas");
  const suggestions = page.getByRole("listbox", { name: "Usernames to mention" });
  await expect(suggestions.getByRole("option", { name: "@casey" })).toBeVisible();
  await expect(box).toHaveAttribute("aria-controls", "body-mentions");

  // Nothing for axe to find on the page with the list open (WCAG 2.1 A and AA).
  const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(audit.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

  await box.press("ArrowDown");
  const active = await box.getAttribute("aria-activedescendant");
  await expect(page.locator(`#${active}`)).toHaveAttribute("aria-selected", "true");
  await expect(page.locator(`#${active}`)).toHaveText("@casey");
  await box.press("Enter");
  await expect(suggestions).toBeHidden();
  await expect(box).toHaveValue("Ask @casey ");

  // Escape closes the list and leaves the text as typed.
  await box.pressSequentially("or @ad");
  await expect(suggestions.getByRole("option", { name: "@ada" })).toBeVisible();
  await box.press("Escape");
  await expect(suggestions).toBeHidden();
  await expect(box).toHaveValue("Ask @casey or @ad");
  await box.pressSequentially(`a: a repeater plug should reach the garage (${stamp}).`);
  await expect(page.getByTestId("body-preview").getByRole("link", { name: "@casey" })).toBeVisible();

  await page.getByRole("button", { name: "Post your answer" }).click();
  const answer = page.getByRole("article", { name: /Answer by morgan/ }).filter({ hasText: stamp });
  await expect(answer.getByRole("link", { name: "@casey" })).toHaveAttribute("href", "/users/casey");
  await expect(answer.getByRole("link", { name: "@ada" })).toHaveAttribute("href", "/users/ada");
  await answer.getByRole("link", { name: "@casey" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("casey");
  expect(errors).toEqual([]);
});

test("A member typing on past a slow lookup sees the names for what they typed last", async ({ page }) => {
  await signIn(page, "member@example.com");
  await page.goto("/questions?filter=unresolved");
  await page.getByRole("link", { name: THREAD }).click();
  // The answer for "@s" is held back until the one for "@sam-su" has been shown.
  let releaseFirst = () => {};
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  await page.route(/\/api\/users\/suggest\?q=s$/, async (route) => {
    await firstHeld;
    await route.continue();
  });
  const box = page.getByRole("textbox", { name: "Answer" });
  await box.click();
  await box.pressSequentially("@s");
  await page.waitForRequest(/\/api\/users\/suggest\?q=s$/);
  // Precise enough that accounts other stories signed up (a "sam-…" among them) do not match too.
  await box.pressSequentially("am-su");
  const suggestions = page.getByRole("listbox", { name: "Usernames to mention" });
  await expect(suggestions.getByRole("option")).toHaveText(["@sam-support"]);
  const late = page.waitForResponse(/\/api\/users\/suggest\?q=s$/);
  releaseFirst();
  await late;
  await expect(suggestions.getByRole("option")).toHaveText(["@sam-support"]);
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("A customer types a mention in full and it links all the same", async ({ page }) => {
    const stamp = Date.now().toString(36);
    await signIn(page, "customer@example.com");
    await page.goto("/questions?filter=unresolved");
    await page.getByRole("link", { name: THREAD }).click();
    await expect(page.getByRole("textbox", { name: "Answer" })).not.toHaveAttribute("aria-autocomplete", /.*/);
    await page.getByRole("textbox", { name: "Answer" }).fill(`@Morgan did the plug help? (${stamp})`);
    await page.getByRole("button", { name: "Post your answer" }).click();
    const answer = page.getByRole("article", { name: /Answer by casey/ }).filter({ hasText: stamp });
    await expect(answer.getByRole("link", { name: "@Morgan" })).toHaveAttribute("href", "/users/morgan");
  });
});
