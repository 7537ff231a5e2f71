import AxeBuilder from "@axe-core/playwright";
import Database from "better-sqlite3";
import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";

const E2E_DATABASE = "test/.tmp/e2e.sqlite";
const SITE = "android.meta.stackexchange.com";
const TITLE = "Widgets on Android home screen show stale state";

/** Marks the demo thread as imported from SITE, as an import writes it, with comments under its question. */
function importThread() {
  const db = new Database(E2E_DATABASE);
  try {
    const thread = db.prepare("SELECT id, slug FROM threads WHERE title = ?").get(TITLE) as {
      id: number;
      slug: string;
    };
    const postsOf = db
      .prepare("SELECT id, kind, author_id FROM posts WHERE thread_id = ? ORDER BY id")
      .all(thread.id) as {
      id: number;
      kind: string;
      author_id: number;
    }[];
    const question = postsOf.find((post) => post.kind === "question")!;
    db.transaction(() => {
      db.prepare(
        "UPDATE threads SET source_site = ?, source_id = 7001, source_url = ?, source_licence = 'CC BY-SA 4.0' WHERE id = ?",
      ).run(SITE, `https://${SITE}/q/7001`, thread.id);
      for (const post of postsOf) {
        const kind = post.kind === "question" ? "q" : "a";
        db.prepare(
          "UPDATE posts SET source_site = ?, source_id = ?, source_url = ?, source_licence = 'CC BY-SA 4.0', source_author_name = 'Jonas on Meta' WHERE id = ?",
        ).run(SITE, 7000 + post.id, `https://${SITE}/${kind}/${7000 + post.id}`, post.id);
      }
      db.prepare("DELETE FROM post_comments WHERE post_id = ?").run(question.id);
      const comment = db.prepare(
        "INSERT INTO post_comments (post_id, author_id, source_author_name, body_markdown, body_html, score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      comment.run(
        question.id,
        question.author_id,
        "Jonas",
        "Which launcher?",
        "<p>Which <em>launcher</em>?</p>",
        3,
        Date.now() - 86_400_000,
      );
      comment.run(
        question.id,
        question.author_id,
        "Jonas",
        "odd",
        "<p>Z̸̢͓̈́a̷͚̓l̶̰̈g̵͉̈́o ‮gnitirw‬ 👨‍👩‍👧 漢字 — a long-long-long-long-long-long-long-long-long-long-long-long-long-long-long-long-word</p>",
        0,
        Date.now() - 3_600_000,
      );
    })();
    return thread;
  } finally {
    db.close();
  }
}

test("A visitor reads an imported question with its licence line and its comments from the source", async ({
  page,
}) => {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  const thread = importThread();
  await page.goto(`/questions/${thread.id}/${thread.slug}?imported`);
  const question = page.getByRole("article", { name: "Question" });
  await expect(question.getByText(`Originally posted on ${SITE} by Jonas on Meta`)).toBeVisible();
  await expect(question.getByRole("link", { name: "CC BY-SA 4.0" })).toHaveAttribute(
    "href",
    "https://creativecommons.org/licenses/by-sa/4.0/",
  );
  const comments = question.getByRole("region", { name: "Comments from the source site" });
  await expect(comments.getByRole("listitem")).toHaveCount(2);
  await expect(comments.getByText("launcher")).toBeVisible();
  await expect(comments.getByText("漢字")).toBeVisible();

  // Nothing for axe to find on the page (WCAG 2.1 A and AA).
  const audit = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(audit.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);
  expect(errors).toEqual([]);
});

test("Staff remove an insulting comment from an imported question, and visitors no longer see it", async ({
  browser,
}) => {
  const thread = importThread();
  const address = `/questions/${thread.id}/${thread.slug}?removal`;
  const staff = await (await browser.newContext()).newPage();
  await signIn(staff, "staff@example.com");
  await staff.goto(address);
  const comments = staff
    .getByRole("article", { name: "Question" })
    .getByRole("region", { name: "Comments from the source site" });
  const insult = comments.getByRole("listitem").filter({ hasText: "launcher" });
  // Removing takes two steps: open the form, then confirm with its own button.
  await insult.getByText("Remove…").click();
  await insult.getByLabel("Reason (optional; staff only see it)").fill("Rude");
  await insult.getByRole("button", { name: "Remove for everyone but staff" }).click();
  await expect(insult.getByRole("note")).toContainText("Removed by sam-support");
  await expect(insult.getByRole("note")).toContainText("Rude. Only staff see it.");
  await expect(insult.getByRole("button", { name: "Restore comment" })).toBeVisible();
  const audit = await new AxeBuilder({ page: staff }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  expect(audit.violations.map((violation) => `${violation.id}: ${violation.help}`)).toEqual([]);

  const visitor = await (await browser.newContext()).newPage();
  await visitor.goto(address);
  const seen = visitor
    .getByRole("article", { name: "Question" })
    .getByRole("region", { name: "Comments from the source site" });
  await expect(seen.getByRole("listitem")).toHaveCount(1);
  await expect(seen.getByText("launcher")).toHaveCount(0);

  await insult.getByRole("button", { name: "Restore comment" }).click();
  await expect(insult.getByRole("note")).toHaveCount(0);
  await visitor.reload();
  await expect(seen.getByRole("listitem")).toHaveCount(2);
});
