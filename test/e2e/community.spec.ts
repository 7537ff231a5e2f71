import { expect, test } from "@playwright/test";
import { confirmationLinkFor, signIn, signOut, signUpAndSignIn } from "./helpers";

test("A visitor browses the community and reads a solved question", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /How can we help/ })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Questions" }).click();
  await page.getByRole("link", { name: "Solved", exact: true }).click();
  await expect(page).toHaveURL(/filter=solved/);
  await page.getByRole("link", { name: /Hub offline after firmware 4.2 update/ }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(/Hub offline after firmware 4.2 update/);
  await expect(page.getByText("✓ Accepted by the asker")).toBeVisible();
  await expect(page.getByText("★ Staff-verified solution")).toBeVisible();
  await page.getByRole("link", { name: "firmware" }).first().click();
  await expect(page.getByRole("heading", { name: /Questions tagged/ })).toBeVisible();
  expect(errors).toEqual([]);
});

test("A new member asks with a preview, another answers, votes, the asker accepts, staff verifies, and a visitor sees both marks", async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const title = `Scene button does nothing after renaming a room ${stamp}`;

  // A new member signs up, signs in and asks, checking the live preview first.
  const asker = await (await browser.newContext()).newPage();
  const askerEmail = `asker-${stamp}@example.com`;
  await signUpAndSignIn(asker, { email: askerEmail, username: `asker-${stamp}`, password: "kettle-on-the-hob" });
  await asker.getByRole("link", { name: "Ask a question" }).first().click();
  await asker.getByLabel("Title").fill(title);
  await asker
    .getByLabel("Details")
    .fill("I renamed *Lounge* to **Living room** and now the scene button does nothing.\n\n- app 4.3\n- hub 4.2.1");
  const preview = asker.getByTestId("body-preview");
  await expect(preview.locator("strong")).toHaveText("Living room");
  await expect(preview.locator("li")).toHaveCount(2);
  await asker.getByLabel("Category").selectOption({ label: "Automations & scenes" });
  await asker.getByLabel("Tags").fill("scenes, automations");
  await asker.getByRole("button", { name: "Post your question" }).click();
  await expect(asker.getByRole("heading", { level: 1 })).toHaveText(title);
  const threadUrl = asker.url();

  // Until the address is confirmed the question waits, for the asker's eyes only (staff included).
  await expect(
    asker.getByRole("article", { name: "Question" }).getByText(/this will appear once you confirm it/),
  ).toBeVisible();
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@example.com");
  expect((await staff.goto(threadUrl))?.status()).toBe(404);
  await asker.goto(await confirmationLinkFor(askerEmail));
  await asker.getByRole("button", { name: "Confirm my address" }).click();
  await expect(asker.getByText(`Thank you: ${askerEmail} is confirmed.`)).toBeVisible();
  await asker.goto(threadUrl);

  // Then a new member's first posts wait for review: only the asker and staff see it until staff approve.
  await expect(asker.getByRole("article", { name: "Question" }).getByText(/Waiting for review/)).toBeVisible();
  const stranger = await (await browser.newContext()).newPage();
  expect((await stranger.goto(threadUrl))?.status()).toBe(404);
  await staff.goto("/mod");
  const held = staff
    .getByRole("listitem")
    .filter({ has: staff.getByRole("heading", { name: `Question in ${title}` }) });
  await held.getByRole("button", { name: "Approve" }).click();
  await expect(staff.getByRole("heading", { name: `Question in ${title}` })).toHaveCount(0);

  // Another member answers, and upvotes the question.
  const helper = await (await browser.newContext()).newPage();
  await signIn(helper, "member@example.com");
  await helper.goto(threadUrl);
  await helper
    .getByRole("textbox", { name: "Answer" })
    .fill("Open the scene and pick the room again: renaming leaves the old room id in the button's action.");
  await helper.getByRole("button", { name: "Post your answer" }).click();
  const answer = helper.getByRole("article", { name: "Answer by morgan" });
  await expect(answer).toContainText("renaming leaves the old room id");
  const question = helper.getByRole("article", { name: "Question" });
  await question.getByRole("button", { name: "Upvote" }).click();
  await expect(question.getByLabel("Score 1")).toBeVisible();

  // The asker upvotes and accepts the answer.
  await asker.reload();
  const seenByAsker = asker.getByRole("article", { name: "Answer by morgan" });
  await seenByAsker.getByRole("button", { name: "Upvote" }).click();
  await expect(seenByAsker.getByLabel("Score 1")).toBeVisible();
  await seenByAsker.getByRole("button", { name: "Accept this answer" }).click();
  await expect(
    asker.getByRole("article", { name: "Answer by morgan" }).getByText("✓ Accepted by the asker"),
  ).toBeVisible();

  // Staff verifies it.
  await staff.goto(threadUrl);
  await staff
    .getByRole("article", { name: "Answer by morgan" })
    .getByRole("button", { name: "Mark staff-verified" })
    .click();
  await expect(
    staff.getByRole("article", { name: "Answer by morgan" }).getByText("★ Staff-verified solution"),
  ).toBeVisible();
  await signOut(staff);

  // A visitor sees both marks, the solved state, and the vote count.
  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(threadUrl);
  const solution = visitor.getByRole("article", { name: "Answer by morgan" });
  await expect(solution.getByText("✓ Accepted by the asker")).toBeVisible();
  await expect(solution.getByText("★ Staff-verified solution")).toBeVisible();
  await expect(solution.getByLabel("Score 1")).toBeVisible();
  await expect(visitor.getByText("Solved", { exact: true }).first()).toBeVisible();
  await visitor.goto("/questions?filter=solved");
  await expect(visitor.getByRole("link", { name: title })).toBeVisible();
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("A customer votes and previews with plain forms", async ({ page }) => {
    await signIn(page, "customer@example.com");
    await page.goto("/questions?filter=unresolved");
    await page.getByRole("link", { name: /Motion sensor in the garage/ }).click();
    const answer = page.getByRole("article", { name: /Answer by/ }).first();
    const before = Number(await answer.locator(".vote-score").textContent());
    // "Remove your Upvote" when an earlier run (--repeat-each) left the vote in place.
    const upvote = answer.getByRole("button", { name: /Upvote$/ });
    const change = (await upvote.getAttribute("aria-pressed")) === "true" ? -1 : 1;
    await upvote.click();
    await expect(
      page
        .getByRole("article", { name: /Answer by/ })
        .first()
        .locator(".vote-score"),
    ).toHaveText(String(before + change));
    await page.getByRole("textbox", { name: "Answer" }).fill("Try a **repeater** plug.");
    await page.getByRole("button", { name: "Preview" }).click();
    await expect(page.getByTestId("body-preview").locator("strong")).toHaveText("repeater");
    await expect(page.getByRole("textbox", { name: "Answer" })).toHaveValue("Try a **repeater** plug.");
  });
});
