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
