import { expect, test, type Page, type Route } from "@playwright/test";
import { signIn } from "./helpers";

// One thread asked by casey with two answers; each test accepts the answer that is not accepted
// yet. Playwright runs each repeat (--repeat-each) in a worker of its own, so a later worker finds
// the thread instead of asking again: an asker may ask 10 questions in 10 minutes.
const TITLE = "Hub chimes twice when the door opens";
let threadUrl = "";

test.beforeAll(async ({ browser }) => {
  const asker = await (await browser.newContext()).newPage();
  await signIn(asker, "customer@example.com");
  await asker.goto("/questions?sort=newest");
  const asked = asker.getByRole("link", { name: TITLE, exact: true });
  if ((await asked.count()) > 0) {
    threadUrl = new URL((await asked.first().getAttribute("href")) ?? "", asker.url()).href;
    await asker.context().close();
    return;
  }
  await asker.goto("/questions/ask");
  await asker.getByLabel("Title").fill(TITLE);
  await asker.getByLabel("Details").fill("Since the last update the hub chimes twice for every door sensor event.");
  await asker.getByLabel("Category").selectOption({ label: "Automations & scenes" });
  await asker.getByLabel("Tags").fill("automations");
  await asker.getByRole("button", { name: "Post your question" }).click();
  await asker.waitForURL(/\/questions\/\d+\//);
  threadUrl = asker.url();
  for (const [email, body] of [
    [
      "member@example.com",
      'You probably have two automations on that sensor: the "template" one and the one you\'ve made.',
    ],
    ["staff@example.com", "The 4.3 update added a default chime: turn it off under Settings → Sounds."],
  ]) {
    const helper = await (await browser.newContext()).newPage();
    await signIn(helper, email);
    await helper.goto(threadUrl);
    await helper.getByRole("textbox", { name: "Answer" }).fill(body);
    await helper.getByRole("button", { name: "Post your answer" }).click();
    await expect(helper.getByText(body)).toBeVisible();
    await helper.context().close();
  }
  await asker.context().close();
});

/**
 * Slows the network the way a busy server does, in the order that matters: the page reloads its
 * data after the vote (the server reads it before the accept is saved), and that read reaches the
 * page while the accept is on its way; the accept's answer arrives after it. Every gate also opens
 * after 3 s, so a page that sends fewer requests is not held up forever.
 */
async function slowNetworkAfterVote(page: Page) {
  const gate = () => {
    let open = () => {};
    const opened = new Promise<void>((resolve) => (open = resolve));
    return { open, opened: Promise.race([opened, new Promise<void>((resolve) => setTimeout(resolve, 3_000))]) };
  };
  const voteSent = { value: false };
  const staleRead = gate();
  const acceptSaved = gate();
  const staleDelivered = gate();
  let staleReadTaken = false;
  await page.route(/\.data(\?|$)/, async (route: Route) => {
    const request = route.request();
    const form = new URLSearchParams(request.postData() ?? "");
    if (request.method() === "POST" && form.get("intent") === "vote") {
      voteSent.value = true;
      return route.continue();
    }
    if (request.method() === "GET" && voteSent.value && !staleReadTaken) {
      staleReadTaken = true;
      const response = await route.fetch();
      staleRead.open();
      await acceptSaved.opened;
      await route.fulfill({ response });
      staleDelivered.open();
      return;
    }
    if (request.method() === "POST" && form.get("intent") === "accept") {
      await staleRead.opened;
      const response = await route.fetch();
      acceptSaved.open();
      await staleDelivered.opened;
      await new Promise((resolve) => setTimeout(resolve, 300));
      await route.fulfill({ response });
      return;
    }
    return route.continue();
  });
}

test("The asker upvotes an answer and accepts it a moment later, and the page shows both", async ({ page }) => {
  await signIn(page, "customer@example.com");
  await page.goto(threadUrl);
  const candidate = page
    .getByRole("article", { name: /^Answer by / })
    .filter({ has: page.getByRole("button", { name: "Accept this answer" }) })
    .first();
  // By its id: its name ("Answer by …") can be shared with other answers by the same member.
  const answer = page.locator(`article#${await candidate.getAttribute("id")}`);
  const upvote = answer.getByRole("button", { name: /Upvote$/ });
  const scoreBefore = Number(await answer.locator(".vote-score").textContent());
  const expectedScore = String(scoreBefore + ((await upvote.getAttribute("aria-pressed")) === "true" ? -1 : 1));

  await slowNetworkAfterVote(page);
  await upvote.click();
  await answer.getByRole("button", { name: "Accept this answer" }).click();

  await expect(answer.getByText("✓ Accepted by the asker")).toBeVisible();
  await expect(answer.getByRole("button", { name: "Unaccept" })).toBeVisible();
  await expect(answer.locator(".vote-score")).toHaveText(expectedScore);
  await expect(page.getByText("✓ Accepted by the asker")).toHaveCount(1);

  // What the page shows is what was saved.
  await page.unrouteAll({ behavior: "ignoreErrors" });
  await page.reload();
  await expect(answer.getByText("✓ Accepted by the asker")).toBeVisible();
  await expect(answer.locator(".vote-score")).toHaveText(expectedScore);
});

test("Typing an answer shows its preview without the page reloading its data after each pause", async ({ page }) => {
  await signIn(page, "member@example.com");
  await page.goto(threadUrl);
  const dataReads: string[] = [];
  page.on("request", (request) => {
    if (request.method() === "GET" && /\.data(\?|$)/.test(request.url())) dataReads.push(request.url());
  });
  const box = page.getByRole("textbox", { name: "Answer" });
  await box.pressSequentially("Turn off the **default chime**", { delay: 20 });
  await expect(page.getByTestId("body-preview").locator("strong")).toHaveText("default chime");
  await box.pressSequentially(" under *Settings*", { delay: 20 });
  await expect(page.getByTestId("body-preview").locator("em")).toHaveText("Settings");
  expect(dataReads).toEqual([]);
});

test("A member posts an answer while its live preview is still on its way, and the page shows the answer", async ({
  page,
}) => {
  await signIn(page, "member@example.com");
  await page.goto(threadUrl);
  const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  // The preview answers half a second late and the page's reload after posting a second late, so
  // the preview lands while the page is loading its new data.
  await page.route(/\/api\/preview/, async (route: Route) => {
    await delay(500);
    await route.continue();
  });
  await page.route(/\/questions\/\d+\/[^/?]*\.data/, async (route: Route) => {
    if (route.request().method() === "GET") await delay(1_000);
    await route.continue();
  });
  const text = `Hold the button for ten seconds ${Date.now().toString(36)}`;
  const previewAsked = page.waitForRequest(/\/api\/preview/);
  await page.getByRole("textbox", { name: "Answer" }).fill(text);
  await previewAsked;
  await page.getByRole("button", { name: "Post your answer" }).click();
  await expect(page.getByRole("article").filter({ hasText: text })).toBeVisible();
  await expect(page.getByRole("textbox", { name: "Answer" })).toHaveValue("");
});

test("A member reads every answer's text after the page comes alive, after a vote reloads it, and on a thread reached by a link", async ({
  page,
}) => {
  // The page's own data leaves the answers' text out: hydration takes it from the page (DECISIONS.md #68).
  const errors: string[] = [];
  page.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  page.on("pageerror", (error) => errors.push(error.message));
  const texts = [
    'You probably have two automations on that sensor: the "template" one and the one you\'ve made.',
    "The 4.3 update added a default chime: turn it off under Settings → Sounds.",
  ];
  await signIn(page, "member@example.com");
  await page.goto(threadUrl);
  await page.waitForFunction(
    () => (window as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized,
  );
  for (const text of texts) await expect(page.getByText(text)).toBeVisible();

  const answer = page.getByRole("article", { name: /^Answer by / }).filter({ hasText: texts[1] });
  const reloaded = page.waitForResponse(
    (response) => response.request().method() === "GET" && /\.data(\?|$)/.test(response.url()),
  );
  // Marks each body's nodes: the reload brings the same bodies, so they must stay the nodes they are
  // (quotes and apostrophes are written differently by the browser than by the server).
  const marked = await page.evaluate(() =>
    [...document.querySelectorAll("article .prose")].map((body) => {
      (body.firstChild as { hearthMark?: boolean } | null)!.hearthMark = true;
      return body.closest("article")!.id;
    }),
  );
  await answer.getByRole("button", { name: /Upvote$/ }).click();
  await reloaded;
  for (const text of texts) await expect(page.getByText(text)).toBeVisible();
  const kept = await page.evaluate(() =>
    [...document.querySelectorAll("article .prose")]
      .filter((body) => (body.firstChild as { hearthMark?: boolean } | null)?.hearthMark)
      .map((body) => body.closest("article")!.id),
  );
  expect(kept).toEqual(marked);

  await page.goto("/questions?sort=newest");
  await page.waitForFunction(
    () => (window as { __remixRouter?: { state: { initialized: boolean } } }).__remixRouter?.state.initialized,
  );
  const documents: string[] = [];
  page.on("request", (request) => request.resourceType() === "document" && documents.push(request.url()));
  await page.getByRole("link", { name: TITLE, exact: true }).click();
  await page.waitForURL(threadUrl);
  for (const text of texts) await expect(page.getByText(text)).toBeVisible();
  expect(documents).toEqual([]); // reached without loading a document: its data carried the text
  expect(errors).toEqual([]);
});
