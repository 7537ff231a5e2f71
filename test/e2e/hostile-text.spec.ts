import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

test("A customer writes Markdown nested too deep: the preview says why, and posting it keeps the text with the message beside it", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    // The refused preview answers 400 on purpose; anything else logged is a failure.
    if (message.type() === "error" && !message.text().includes("400")) errors.push(message.text());
  });
  await signIn(page, "customer@example.com");
  await page.goto("/questions/ask");
  await page.getByLabel("Title").fill("Quotes inside quotes inside quotes, far too deep");
  const details = page.getByLabel("Details");
  await details.fill("Fine so far: **bold**.");
  const preview = page.getByTestId("body-preview");
  await expect(preview.locator("strong")).toHaveText("bold");

  const deep = `${"> ".repeat(25)}too deep`;
  await details.fill(deep);
  await expect(preview).toHaveText(
    "Nested more than 20 levels deep: quotes and lists inside one another, in the block that starts on line 1.",
  );

  await page.getByLabel("Category").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Post your question" }).click();
  await expect(page.locator("#body-error")).toHaveText(
    "Nested more than 20 levels deep: quotes and lists inside one another, in the block that starts on line 1.",
  );
  await expect(details).toHaveValue(deep);
  expect(errors).toEqual([]);
});

test("A customer pastes a long log line in a code block: the block scrolls on its own, the page never scrolls sideways, on a phone or a desktop", async ({
  page,
}) => {
  await signIn(page, "customer@example.com");
  await page.goto("/questions/ask");
  await page.getByLabel("Title").fill("The sync log shows one very long line before it stops");
  const logLine = `2026-12-03T14:02:11Z sync[4211]: ${"device=nimbus-hub-7f3a state=retrying ".repeat(8)}end`;
  await page.getByLabel("Details").fill(`Here is the log:\n\n\`\`\`\n${logLine}\n\`\`\``);
  await page.getByLabel("Category").selectOption({ index: 1 });
  await page.getByRole("button", { name: "Post your question" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(
    "The sync log shows one very long line before it stops",
  );
  const code = page.locator(".prose pre").filter({ hasText: "state=retrying" });

  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    await page.reload();
    await expect(code).toBeVisible();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(width);
    // The line is still all there, behind the block's own scroll bar.
    expect(await code.evaluate((block) => block.scrollWidth > block.clientWidth)).toBe(true);
  }
  // The post's history shows the same text, and fits too.
  const postId = (await page.locator("article[id^='post-']").first().getAttribute("id"))!.replace("post-", "");
  await page.goto(`/posts/${postId}/history`);
  await expect(page.getByText("state=retrying").first()).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
});
