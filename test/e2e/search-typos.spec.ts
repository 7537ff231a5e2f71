import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { signIn } from "./helpers";

const expectNothingForAxe = async (page: Page) => {
  const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(audit.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
};

/** The vocabulary is built by the server's background job at start-up: waits for its first run. */
const waitForVocabulary = (page: Page) =>
  expect(async () => {
    await page.goto("/search?q=hub+ofline+rnig");
    await expect(page.getByText("Did you mean")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 30_000 });

test("A visitor misspells a word, takes the “Did you mean” suggestion and finds the knowledge-base article", async ({
  page,
}) => {
  const didYouMean = page.getByText("Did you mean");
  await waitForVocabulary(page);

  await page.goto("/");
  const headerSearch = page.getByRole("search").getByLabel("Search questions and articles");
  await headerSearch.fill("hub ofline rnig");
  await headerSearch.press("Enter");
  // Typos still find their matches, marked as the words they stand for.
  const articleHit = page
    .getByRole("listitem")
    .filter({ has: page.getByRole("link", { name: "The hub shows offline" }) });
  await expect(articleHit.locator("mark", { hasText: "offline" }).first()).toBeVisible();
  await expect(didYouMean).toBeVisible();
  await expectNothingForAxe(page);

  await page.getByRole("link", { name: "hub offline ring" }).click();
  await expect(page).toHaveURL(/\/search\?q=hub\+offline\+ring$/);
  await expect(page.getByText("Did you mean")).toHaveCount(0);
  await page.getByRole("link", { name: "The hub shows offline" }).first().click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("The hub shows offline");
});

test("Staff keep search synonyms and see the searches that found nothing", async ({ page }) => {
  await page.goto("/search?q=teleporter+zorblax");
  await expect(page.getByRole("heading", { name: "No results" })).toBeVisible();

  await signIn(page, "staff@example.com");
  await page.goto("/mod/synonyms");
  await page.getByLabel("Words").fill("hub");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByText("A group needs at least two different words.")).toBeVisible();
  await expectNothingForAxe(page);
  await page.getByLabel("Words").fill("teleporter, hub");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.getByRole("heading", { name: "1 group" })).toBeVisible();
  await expectNothingForAxe(page);
  // The same word with a hyphen is the same word to search: refused, naming the group that holds it.
  await page.locator("#new-words").fill("tele-porter, portal");
  await page.getByRole("button", { name: "Add" }).click();
  await expect(page.locator("#new-words-error")).toHaveText(
    "“tele-porter” is already in the group “hub, teleporter” (as “teleporter”): a word belongs to one group, hyphens or not.",
  );
  await expect(page.locator("#new-words")).toHaveAttribute("aria-invalid", "true");
  await expectNothingForAxe(page);

  await page.goto("/support/reports");
  const failed = page.getByRole("table", { name: "Searches that found nothing" });
  await expect(failed.getByRole("row").filter({ hasText: "teleporter zorblax" })).toBeVisible();
  await expectNothingForAxe(page);
  // With the synonym, the same words find the hub's threads and articles.
  await failed.getByRole("link", { name: "teleporter zorblax" }).click();
  await expect(page.getByRole("heading", { name: "No results" })).toBeVisible();
  await page.goto("/search?q=teleporter");
  await expect(page.getByRole("heading", { name: /results?$/ })).not.toHaveText("No results");
  // Typed with a hyphen, the word reaches its group all the same.
  await page.goto("/search?q=tele-porter");
  await expect(page.getByRole("heading", { name: /results?$/ })).not.toHaveText("No results");
});

test.describe("without JavaScript", () => {
  test.use({ javaScriptEnabled: false });

  test("A visitor without JavaScript follows “Did you mean” all the same", async ({ page }) => {
    await waitForVocabulary(page);
    await page.goto("/search?q=ofline+hubb&type=articles");
    await page.getByRole("link", { name: "offline hub" }).click();
    await expect(page).toHaveURL(/\/search\?q=offline\+hub&type=articles$/);
    await expect(page.getByLabel("Show")).toHaveValue("articles");
    await expect(page.getByRole("link", { name: "The hub shows offline" })).toBeVisible();
  });
});

test("Going Back on the search page shows that page's own query, and each category is offered once", async ({
  page,
}) => {
  await waitForVocabulary(page);
  await page.goto("/search?q=ofline");
  const box = page.getByRole("searchbox", { name: "Search for" });
  await expect(box).toHaveValue("ofline");
  await box.fill("routr");
  await box.press("Enter");
  await expect(page).toHaveURL(/\/search\?q=routr/);
  // The URL changes before React draws the new page, whose form replaces the old one: a category picked
  // in between is lost (CI picked it then). Go on once the page for "routr" shows, as a reader would.
  await expect(page.locator(".did-you-mean").getByRole("link", { name: "router" })).toBeVisible();
  await page.getByLabel("Category").selectOption({ label: "Billing & plans" });
  await page.locator("form.search-form").getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/category=billing/);

  await page.goBack();
  await expect(page).toHaveURL(/\/search\?q=routr&.*category=&/);
  await expect(box).toHaveValue("routr");
  await expect(page.getByLabel("Category")).toHaveValue("");
  await page.goBack();
  await expect(page).toHaveURL(/\/search\?q=ofline$/);
  await expect(box).toHaveValue("ofline");

  // The demo's knowledge base is synced before its categories are seeded: its articles join them all the same.
  const categories = await page.getByLabel("Category").locator("option").allTextContents();
  expect(categories).toEqual([...new Set(categories)]);
  expect(categories).toContain("Billing & plans");
});
