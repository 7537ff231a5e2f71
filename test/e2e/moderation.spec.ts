import { expect, test, type Browser, type Page } from "@playwright/test";
import { signIn } from "./helpers";

async function signedIn(browser: Browser, email: string) {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, email);
  return page;
}

/** The first thread in the list that has answers: a real demo thread to work in. */
async function answeredThreadUrl(page: Page) {
  await page.goto("/questions?filter=solved");
  await page.locator(".thread-title a").first().click();
  await page.waitForURL(/\/questions\/\d+\//);
  return page.url();
}

test("Three members flag an answer and it disappears for visitors; staff restore it from the queue; the log shows each step", async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const text = `Buy followers cheap at spam-${stamp}`;

  const customer = await signedIn(browser, "customer@example.com");
  const threadUrl = await answeredThreadUrl(customer);
  await customer.getByRole("textbox", { name: "Answer" }).fill(text);
  await customer.getByRole("button", { name: "Post your answer" }).click();
  await expect(customer.getByRole("article", { name: "Answer by casey" }).filter({ hasText: text })).toBeVisible();
  // The answer box starts empty again once the answer is posted.
  await expect(customer.getByRole("textbox", { name: "Answer" })).toHaveValue("");

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(threadUrl);
  await expect(visitor.getByText(text)).toBeVisible();

  const flaggers = ["member@example.com", "li.wei@example.com", "ruth@example.com"];
  for (const [index, email] of flaggers.entries()) {
    const member = await signedIn(browser, email);
    await member.goto(threadUrl);
    await member.getByRole("article").filter({ hasText: text }).getByRole("link", { name: "Flag" }).click();
    await expect(member.getByRole("heading", { level: 1 })).toHaveText("Flag an answer");
    await member.getByLabel("Spam").check();
    await member.getByRole("button", { name: "Send flag" }).click();
    const last = index === flaggers.length - 1;
    await expect(
      member
        .getByRole("status")
        .filter({ hasText: last ? "hidden until staff review it" : "Staff will review the post" }),
    ).toBeVisible();
    if (!last)
      await expect(member.getByRole("article").filter({ hasText: text }).getByText("You flagged this")).toBeVisible();
    await member.context().close();
  }

  // Hidden at once for everyone but its author and staff.
  await visitor.reload();
  await expect(visitor.getByText(text)).toHaveCount(0);
  await customer.reload();
  await expect(
    customer
      .getByRole("article")
      .filter({ hasText: text })
      .getByText(/Hidden pending review/),
  ).toBeVisible();

  // Staff find it in the queue with its three flags, and restore it.
  const staff = await signedIn(browser, "staff@example.com");
  await staff.goto("/mod");
  const item = staff.locator(".review-item").filter({ hasText: text });
  await expect(item.getByRole("list", { name: "Open flags" }).getByRole("listitem")).toHaveCount(3);
  await expect(item).toContainText("by morgan");
  await item.getByRole("button", { name: "Restore" }).click();
  await expect(staff.locator(".review-item").filter({ hasText: text })).toHaveCount(0);

  await visitor.reload();
  await expect(visitor.getByText(text)).toBeVisible();

  // The log shows the automatic hide and the restore, newest first, about this post.
  await staff.goto("/mod/log");
  const rows = staff
    .getByRole("row")
    .filter({ hasText: "casey" })
    .filter({ hasText: /Hid a post|Restored a post/ });
  await expect(rows.first()).toContainText("Restored a post");
  await expect(rows.first()).toContainText("sam-support");
  await expect(rows.nth(1)).toContainText("Hid a post");
  await expect(rows.nth(1)).toContainText("Hearth (automatic)");
  await expect(rows.nth(1)).toContainText("Hidden automatically after 3 flags");
  await staff.getByLabel("Action").selectOption({ label: "Restored a post" });
  await staff.getByRole("button", { name: "Filter" }).click();
  await expect(staff.getByRole("row").filter({ hasText: "Hid a post" })).toHaveCount(0);
  await expect(staff.getByRole("row").filter({ hasText: "Restored a post" }).first()).toBeVisible();
});

test("A suspended member can read but cannot post, and staff end the suspension", async ({ browser }) => {
  const staff = await signedIn(browser, "staff@example.com");
  await staff.goto("/users/devon");
  await staff.getByText("Warn or suspend").click();
  const until = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
  await staff.getByLabel("Suspended until (last day, inclusive)").fill(until);
  await staff.getByLabel("Reason").fill("Repeated rude answers after a warning.");
  await staff.getByRole("button", { name: "Suspend" }).click();
  await expect(staff.getByText("Suspended; their sessions were ended.")).toBeVisible();
  await expect(staff.getByText(/This account is suspended until/)).toBeVisible();

  const member = await signedIn(browser, "dev@example.com");
  await expect(member.getByText(/Your account is suspended until/).first()).toBeVisible();
  const threadUrl = await answeredThreadUrl(member);
  await expect(member.getByRole("heading", { level: 1 })).toBeVisible();
  await expect(member.getByText("Your account is suspended, so you cannot answer for now.")).toBeVisible();
  await expect(member.getByRole("textbox", { name: "Answer" })).toHaveCount(0);
  // A hand-made post is refused by the server too.
  const response = await member.request.post(threadUrl, {
    form: { intent: "answer", body: "Sneaking one in." },
    headers: { Origin: new URL(threadUrl).origin },
  });
  expect(response.status()).toBe(403);
  const ask = await member.goto("/questions/ask");
  expect(ask?.status()).toBe(403);

  await staff.goto("/mod/log?action=user.suspend");
  await expect(staff.getByRole("row").filter({ hasText: "devon" }).first()).toContainText("Repeated rude answers");

  await staff.goto("/users/devon");
  await staff.getByText("Warn or suspend").click();
  await staff.getByRole("button", { name: "End the suspension" }).click();
  await expect(staff.getByText("Suspension ended.")).toBeVisible();
  await member.goto(threadUrl);
  await expect(member.getByRole("textbox", { name: "Answer" })).toBeVisible();
});

test("A staff reply with a lexicon phrase shows the suggestion, and an upset customer gets an apology reminder", async ({
  browser,
}) => {
  const stamp = Date.now().toString(36);
  const customer = await signedIn(browser, "customer@example.com");
  await customer.goto("/questions/ask");
  await customer.getByLabel("Title").fill(`The lock jammed again and I am locked out ${stamp}`);
  await customer.getByLabel("Details").fill("Third time this week!! This is unacceptable, I am so frustrated.");
  await customer.getByLabel("Category").selectOption({ label: "Troubleshooting" });
  await customer.getByRole("button", { name: "Post your question" }).click();
  await customer.waitForURL(/\/questions\/\d+\//);
  const threadUrl = customer.url();

  const staff = await signedIn(browser, "staff@example.com");
  await staff.goto(threadUrl);
  const reply = staff.getByRole("textbox", { name: "Answer" });
  await reply.fill("Please calm down. Did you plug it in?");
  const coach = staff.getByTestId("reply-coach");
  await expect(coach.locator("mark").first()).toHaveText("calm down");
  await expect(coach).toContainText("Try instead: Name the feeling instead");
  await expect(coach.locator("mark").nth(1)).toHaveText("Did you plug it in");
  await expect(coach).toContainText("The customer sounds upset");

  // Rewritten with an apology and without the phrases: the coach has nothing left to say.
  await reply.fill("I'm so sorry you were locked out. Could you check the lock's battery level in the app for me?");
  await expect(coach.locator("mark")).toHaveCount(0);
  await expect(coach).not.toContainText("The customer sounds upset");

  // A phrase added to the lexicon is marked from then on; the reply still posts as written.
  await staff.goto("/mod/lexicon");
  await staff.getByLabel("Phrase to avoid").first().fill("no can do");
  await staff.getByLabel("Say instead").first().fill("Say what you can do instead.");
  await staff.getByRole("button", { name: "Add" }).click();
  await expect(staff.getByRole("textbox", { name: "Phrase to avoid" }).nth(1)).toBeVisible();
  await staff.goto(threadUrl);
  await reply.fill(`Sorry, no can do, ${stamp}.`);
  await expect(coach.locator("mark")).toHaveText("no can do");
  await expect(coach).toContainText("Say what you can do instead.");
  await staff.getByRole("button", { name: "Post your answer" }).click();
  await expect(staff.getByRole("article", { name: "Answer by sam-support" })).toContainText(
    `Sorry, no can do, ${stamp}.`,
  );
});
