/** Staff turn a solved thread into a draft article: a Markdown file with front matter, to review and commit. */
import { and, asc, eq, sql } from "drizzle-orm";
import { stringify } from "yaml";
import { categories, posts, solutions, tags, threadTags, threads, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read } from "~/lib/db.server";
import { ConflictError, NotFoundError } from "~/lib/errors.server";
import {
  canDraftArticleFromThread,
  ensure,
  isPublicThread,
  publicPostStatesCondition,
  type Actor,
} from "~/lib/permissions.server";
import { slugify } from "~/models/community/post-input";
import { cutToLength } from "~/lib/text";

function firstSentence(text: string, max = 200) {
  const flat = text
    .replace(/[#>*_`[\]()!-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = flat.match(/^.{10,}?[.?!](\s|$)/)?.[0] ?? flat;
  return sentence.length > max ? `${cutToLength(sentence, max - 1).trimEnd()}…` : sentence.trim();
}

/**
 * A knowledge-base draft from a solved thread: frontmatter (title, summary, category, tags, a link
 * back to the thread) and the question and its verified (else accepted) answer, for staff to edit
 * and commit under content/kb/. The audience starts as "customers": staff widen it on purpose.
 */
export async function draftArticleFromThread(actor: Actor, threadId: number, siteOrigin: string) {
  ensure(canDraftArticleFromThread(actor), "Only staff can draft knowledge-base articles.");
  // An article republishes the thread to readers: a question moderators took out of public view
  // (held, hidden or deleted) cannot become one until it is public again.
  return read(async (db) => {
    const thread = firstRow(
      await db
        .select({
          id: threads.id,
          title: threads.title,
          slug: threads.slug,
          categoryName: categories.name,
          visibility: threads.visibility,
        })
        .from(threads)
        .innerJoin(categories, eq(categories.id, threads.categoryId))
        .where(eq(threads.id, threadId)),
    );
    if (!thread) throw new NotFoundError("That question does not exist.");
    if (!isPublicThread(thread)) {
      throw new ConflictError(
        "This question is not public (it is held, hidden or deleted), so it cannot become an article. Approve or restore it first.",
      );
    }
    const threadPosts = await db
      .select({
        id: posts.id,
        kind: posts.kind,
        bodyMarkdown: posts.bodyMarkdown,
        solution: solutions.kind,
        author: users.username,
      })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.authorId))
      .leftJoin(solutions, eq(solutions.postId, posts.id))
      .where(
        and(
          eq(posts.threadId, threadId),
          publicPostStatesCondition(),
          sql`(${posts.kind} = 'question' OR ${solutions.kind} IS NOT NULL)`,
        ),
      );
    const question = threadPosts.find((post) => post.kind === "question");
    const answer =
      threadPosts.find((post) => post.solution === "verified") ??
      threadPosts.find((post) => post.solution === "accepted");
    if (!question) throw new NotFoundError("That question does not exist.");
    if (!answer)
      throw new ConflictError("This thread has no accepted or verified answer yet, so there is nothing to draft from.");
    const threadTagNames = (
      await db
        .select({ name: tags.name })
        .from(threadTags)
        .innerJoin(tags, eq(tags.id, threadTags.tagId))
        .where(eq(threadTags.threadId, threadId))
        .orderBy(asc(tags.name))
    ).map((row) => row.name);
    const threadUrl = `${siteOrigin}/questions/${thread.id}/${thread.slug}`;
    const frontmatter = stringify(
      {
        title: thread.title,
        summary: firstSentence(question.bodyMarkdown),
        category: thread.categoryName,
        tags: threadTagNames,
        audience: "customers",
        updated: now().toISOString().slice(0, 10),
        source: threadUrl,
      },
      { lineWidth: 0, flowCollectionPadding: false },
    );
    const markdown = [
      "---",
      frontmatter.trimEnd(),
      "---",
      "",
      "## The problem",
      "",
      question.bodyMarkdown.trim(),
      "",
      "## The solution",
      "",
      answer.bodyMarkdown.trim(),
      "",
      `*Adapted from [a community thread](${threadUrl}); the answer is by ${answer.author}.*`,
      "",
    ].join("\n");
    return {
      fileName: `${slugify(thread.title)}.md`,
      markdown,
      thread: { id: thread.id, title: thread.title, slug: thread.slug, categoryName: thread.categoryName },
    };
  });
}
