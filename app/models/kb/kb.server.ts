/**
 * The knowledge base: articles are Markdown files (docs as code) that `syncKnowledgeBase` mirrors
 * into the database; readers see them by audience, say whether they helped, and staff turn solved
 * threads into drafts.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import { stringify } from "yaml";
import { z } from "zod";
import {
  categories,
  kbArticles,
  kbArticleTags,
  kbFeedback,
  posts,
  solutions,
  tags,
  threadTags,
  threads,
  users,
  type Audience,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, writeTransaction } from "~/lib/db.server";
import { kbDirectory } from "~/lib/env.server";
import { ConflictError, NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { parseArticleFile, type ArticleSource } from "~/models/kb/frontmatter.server";
import { MarkdownTooComplexError, renderArticleMarkdown, type TocEntry } from "~/lib/markdown.server";
import {
  canDraftArticleFromThread,
  canGiveArticleFeedback,
  canReadArticle,
  canSeeArticleTeaser,
  canViewArticleFeedback,
  ensure,
  isSignedIn,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { MAX_FEEDBACK_COMMENT } from "./rules";
import { indexArticle } from "~/models/search/search.server";
import { slugify } from "~/models/community/post-input";

// Bump when rendering changes, so the next sync re-renders every article.
const RENDER_VERSION = "1";

export type SyncProblem = { path: string; line: number; message: string };
type RenderedArticle = ReturnType<typeof renderArticleMarkdown>;

/** How many lines `text` ends, i.e. the number of line breaks in it. */
const lineCount = (text: string) => text.split("\n").length - 1;
export type SyncReport = {
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  problems: SyncProblem[];
};

function markdownFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(".md"))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .sort();
}

/**
 * Makes the database match the files under `directory`: new and changed files are (re)indexed,
 * articles whose file is gone are marked removed. A file that cannot be read is reported and
 * skipped; an article it held before keeps its last good version. Running it twice changes nothing.
 */
export function syncKnowledgeBase(directory = kbDirectory()): SyncReport {
  const report: SyncReport = { added: [], updated: [], removed: [], unchanged: 0, problems: [] };
  const display = (file: string) => path.relative(process.cwd(), file) || file;
  const parsed: { file: string; sourcePath: string; article: ArticleSource; hash: string; bodyLine: number }[] = [];
  const failedSources = new Set<string>();
  const slugs = new Set<string>();
  for (const file of markdownFiles(directory)) {
    const sourcePath = path.relative(directory, file);
    const text = fs.readFileSync(file, "utf8");
    const result = parseArticleFile(text, path.basename(file, ".md").toLowerCase());
    const problems = result.ok ? [] : result.problems;
    if (result.ok && !/^[a-z0-9][a-z0-9-]{0,79}$/.test(result.article.slug)) {
      problems.push({ line: 1, message: "the file name is not a usable slug: add a slug: line" });
    } else if (result.ok && slugs.has(result.article.slug)) {
      problems.push({ line: 1, message: `slug "${result.article.slug}" is already used by another file` });
    }
    if (!result.ok || problems.length > 0) {
      failedSources.add(sourcePath);
      for (const problem of problems) report.problems.push({ path: display(file), ...problem });
      continue;
    }
    slugs.add(result.article.slug);
    const hash = createHash("sha256").update(RENDER_VERSION).update(sourcePath).update(text).digest("hex");
    parsed.push({
      file,
      sourcePath,
      article: result.article,
      hash,
      bodyLine: lineCount(text.slice(0, text.length - result.article.body.length)),
    });
  }

  const db = getDb();
  // Rendering is the costly part: done before the write transaction, for the files whose text
  // changed since the last sync. Markdown the renderer refuses is a problem of that file.
  const upToDate = new Set(
    db
      .select({ hash: kbArticles.contentHash })
      .from(kbArticles)
      .where(isNull(kbArticles.removedAt))
      .all()
      .map((row) => row.hash),
  );
  const rendered = new Map<string, RenderedArticle>();
  for (const { file, sourcePath, article, hash, bodyLine } of parsed) {
    if (upToDate.has(hash)) continue;
    try {
      rendered.set(article.slug, renderArticleMarkdown(article.body));
    } catch (error) {
      if (!(error instanceof MarkdownTooComplexError)) throw error;
      failedSources.add(sourcePath);
      report.problems.push({ path: display(file), line: bodyLine + error.line, message: error.problem });
    }
  }
  const renderable = parsed.filter(({ sourcePath }) => !failedSources.has(sourcePath));

  writeTransaction(() => {
    const knownCategories = db.select({ slug: categories.slug, name: categories.name }).from(categories).all();
    // An article's category joins the community category of that name or slug, so one category
    // filter in search covers both; otherwise it is a knowledge-base category of its own.
    const categoryOf = (name: string) =>
      knownCategories.find((c) => c.name.toLowerCase() === name.toLowerCase() || c.slug === name.toLowerCase()) ?? {
        slug: slugify(name),
        name,
      };
    const existing = new Map(
      db
        .select()
        .from(kbArticles)
        .all()
        .map((row) => [row.slug, row]),
    );
    const at = now();
    for (const { sourcePath, article, hash } of renderable) {
      const previous = existing.get(article.slug);
      existing.delete(article.slug);
      if (previous && previous.contentHash === hash && previous.removedAt === null) {
        report.unchanged += 1;
        continue;
      }
      // Rendered above, unless another process changed the row since it was read.
      const { html, toc } = rendered.get(article.slug) ?? renderArticleMarkdown(article.body);
      const category = categoryOf(article.category);
      const values = {
        slug: article.slug,
        sourcePath,
        title: article.title,
        summary: article.summary,
        categoryName: category.name,
        categorySlug: category.slug,
        audience: article.audience,
        updatedOn: article.updated,
        position: article.order ?? 1000,
        bodyMarkdown: article.body,
        bodyHtml: html,
        tocJson: JSON.stringify(toc),
        contentHash: hash,
        syncedAt: at,
        removedAt: null,
      };
      const id = previous
        ? db.update(kbArticles).set(values).where(eq(kbArticles.id, previous.id)).returning({ id: kbArticles.id }).get()
            .id
        : db.insert(kbArticles).values(values).returning({ id: kbArticles.id }).get().id;
      db.delete(kbArticleTags).where(eq(kbArticleTags.articleId, id)).run();
      if (article.tags.length > 0)
        db.insert(kbArticleTags)
          .values(article.tags.map((tag) => ({ articleId: id, tag })))
          .run();
      indexArticle(id);
      (previous ? report.updated : report.added).push(article.slug);
    }
    for (const stale of existing.values()) {
      if (stale.removedAt !== null || failedSources.has(stale.sourcePath)) continue;
      db.update(kbArticles).set({ removedAt: at }).where(eq(kbArticles.id, stale.id)).run();
      indexArticle(stale.id);
      report.removed.push(stale.slug);
    }
  });
  return report;
}

const articleListColumns = {
  id: kbArticles.id,
  slug: kbArticles.slug,
  title: kbArticles.title,
  summary: kbArticles.summary,
  audience: kbArticles.audience,
  categoryName: kbArticles.categoryName,
  categorySlug: kbArticles.categorySlug,
  updatedOn: kbArticles.updatedOn,
};
type ArticleListRow = {
  id: number;
  slug: string;
  title: string;
  summary: string;
  audience: Audience;
  categoryName: string;
  categorySlug: string;
  updatedOn: string;
};

const forActor = (actor: Actor) => (row: ArticleListRow) => ({ ...row, teaser: !canReadArticle(actor, row) });

/** /kb: every category with the articles the actor may know about, in their authors' order. */
export function listKnowledgeBase(actor: Actor) {
  const db = getDb();
  const rows = db
    .select(articleListColumns)
    .from(kbArticles)
    .where(isNull(kbArticles.removedAt))
    .orderBy(asc(kbArticles.position), asc(kbArticles.title))
    .all()
    .filter((row) => canSeeArticleTeaser(actor, row))
    .map(forActor(actor));
  const communityOrder = new Map(
    db
      .select({ slug: categories.slug, position: categories.position })
      .from(categories)
      .all()
      .map((c) => [c.slug, c.position]),
  );
  const groups = new Map<string, { slug: string; name: string; articles: typeof rows }>();
  for (const row of rows) {
    const group = groups.get(row.categorySlug) ?? { slug: row.categorySlug, name: row.categoryName, articles: [] };
    group.articles.push(row);
    groups.set(row.categorySlug, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      (communityOrder.get(a.slug) ?? 1000) - (communityOrder.get(b.slug) ?? 1000) || a.name.localeCompare(b.name),
  );
}

/** Articles the actor may read in full, newest first: for the feed and the sitemap. */
export function listReadableArticles(actor: Actor, limit = 1000) {
  return getDb()
    .select({ ...articleListColumns, bodyHtml: kbArticles.bodyHtml })
    .from(kbArticles)
    .where(isNull(kbArticles.removedAt))
    .orderBy(desc(kbArticles.updatedOn), asc(kbArticles.title))
    .limit(limit)
    .all()
    .filter((row) => canReadArticle(actor, row));
}

function findArticle(actor: Actor, slug: string) {
  const article = getDb()
    .select()
    .from(kbArticles)
    .where(and(eq(kbArticles.slug, slug), isNull(kbArticles.removedAt)))
    .get();
  // A staff-only article is a plain 404 to everyone else: its existence is private.
  if (!article || !canSeeArticleTeaser(actor, article)) throw new NotFoundError("That article does not exist.");
  return article;
}

/** "user:<id>" for people signed in, "browser:<id>" for an anonymous browser, null when there is neither. */
export function feedbackVoterKey(actor: Actor, browserId: string | null) {
  if (isSignedIn(actor)) return `user:${actor.id}`;
  return browserId ? `browser:${browserId}` : null;
}

/**
 * An article page. Someone who may not read it gets `access: "teaser"`: title, summary and how to
 * get access, never the body. Staff also get the readers' tallies and comments.
 */
export function getArticlePage(actor: Actor, slug: string, voterKey: string | null) {
  const db = getDb();
  const article = findArticle(actor, slug);
  const summary = {
    slug: article.slug,
    title: article.title,
    summary: article.summary,
    audience: article.audience,
    categoryName: article.categoryName,
    categorySlug: article.categorySlug,
    updatedOn: article.updatedOn,
  };
  if (!canReadArticle(actor, article)) return { access: "teaser" as const, article: summary };

  const articleTags = db
    .select({ tag: kbArticleTags.tag })
    .from(kbArticleTags)
    .where(eq(kbArticleTags.articleId, article.id))
    .all()
    .map((row) => row.tag);
  const sharedTags = db
    .select({ articleId: kbArticleTags.articleId, shared: count() })
    .from(kbArticleTags)
    .where(and(inArray(kbArticleTags.tag, articleTags), ne(kbArticleTags.articleId, article.id)))
    .groupBy(kbArticleTags.articleId)
    .all();
  const sharedCount = new Map(sharedTags.map((row) => [row.articleId, row.shared]));
  const related = db
    .select({ ...articleListColumns, position: kbArticles.position })
    .from(kbArticles)
    .where(and(isNull(kbArticles.removedAt), ne(kbArticles.id, article.id)))
    .all()
    .filter(
      (row) =>
        canSeeArticleTeaser(actor, row) && (sharedCount.has(row.id) || row.categorySlug === article.categorySlug),
    )
    .sort((a, b) => (sharedCount.get(b.id) ?? 0) - (sharedCount.get(a.id) ?? 0) || a.position - b.position)
    .slice(0, 5)
    .map(forActor(actor));

  // Solved threads sharing a tag with the article, best first; else solved threads of its category.
  const solvedThreadColumns = {
    id: threads.id,
    title: threads.title,
    slug: threads.slug,
    answerCount: threads.answerCount,
  };
  const byTag = articleTags.length
    ? db
        .selectDistinct(solvedThreadColumns)
        .from(threads)
        .innerJoin(threadTags, eq(threadTags.threadId, threads.id))
        .innerJoin(tags, eq(tags.id, threadTags.tagId))
        .where(and(eq(threads.status, "solved"), eq(threads.visibility, "visible"), inArray(tags.name, articleTags)))
        .orderBy(desc(threads.score), desc(threads.id))
        .limit(5)
        .all()
    : [];
  const relatedThreads = byTag.length
    ? byTag
    : db
        .select(solvedThreadColumns)
        .from(threads)
        .innerJoin(categories, eq(categories.id, threads.categoryId))
        .where(
          and(
            eq(threads.status, "solved"),
            eq(threads.visibility, "visible"),
            eq(categories.slug, article.categorySlug),
          ),
        )
        .orderBy(desc(threads.score), desc(threads.id))
        .limit(5)
        .all();

  const myFeedback = voterKey
    ? (db
        .select({ helpful: kbFeedback.helpful, comment: kbFeedback.comment })
        .from(kbFeedback)
        .where(and(eq(kbFeedback.articleId, article.id), eq(kbFeedback.voterKey, voterKey)))
        .get() ?? null)
    : null;

  return {
    access: "full" as const,
    article: {
      ...summary,
      tags: articleTags,
      bodyHtml: article.bodyHtml,
      toc: JSON.parse(article.tocJson) as TocEntry[],
    },
    related,
    relatedThreads,
    myFeedback,
    feedback: canViewArticleFeedback(actor) ? feedbackTallies(article.id) : null,
    canGiveFeedback: canGiveArticleFeedback(actor, article),
  };
}

function feedbackTallies(articleId: number) {
  const db = getDb();
  const totals = db
    .select({
      helpful: sql<number>`coalesce(sum(${kbFeedback.helpful}), 0)`,
      total: count(),
    })
    .from(kbFeedback)
    .where(eq(kbFeedback.articleId, articleId))
    .get()!;
  const comments = db
    .select({
      helpful: kbFeedback.helpful,
      comment: kbFeedback.comment,
      updatedAt: kbFeedback.updatedAt,
      username: users.username,
    })
    .from(kbFeedback)
    .leftJoin(users, eq(users.id, kbFeedback.userId))
    .where(and(eq(kbFeedback.articleId, articleId), sql`${kbFeedback.comment} IS NOT NULL`))
    .orderBy(desc(kbFeedback.updatedAt))
    .limit(50)
    .all();
  return { helpful: Number(totals.helpful), notHelpful: totals.total - Number(totals.helpful), comments };
}

const feedbackSchema = z.object({
  helpful: z.enum(["yes", "no"], { error: "Choose yes or no." }),
  comment: z
    .string()
    .trim()
    .max(MAX_FEEDBACK_COMMENT, `Keep the comment under ${MAX_FEEDBACK_COMMENT} characters.`)
    .optional()
    .transform((value) => value || null),
});

/**
 * Records (or changes) one voter's "was this helpful?" answer. Anonymous browsers are limited per
 * browser and per address, since clearing cookies makes a new browser.
 */
export function recordArticleFeedback(
  actor: Actor,
  slug: string,
  voterKey: string,
  input: unknown,
  { address }: { address: string },
) {
  const values = parseInput(feedbackSchema, input);
  const db = getDb();
  return writeTransaction(() => {
    const article = findArticle(actor, slug);
    ensure(canGiveArticleFeedback(actor, article), "This article is for customers.");
    consume(`kb-feedback:${voterKey}`, LIMITS.kbFeedback);
    if (!isSignedIn(actor)) consume(`kb-feedback:address:${address}`, LIMITS.kbFeedbackPerAddress);
    const at = now();
    db.insert(kbFeedback)
      .values({
        articleId: article.id,
        voterKey,
        userId: isSignedIn(actor) ? actor.id : null,
        helpful: values.helpful === "yes",
        comment: values.comment,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: [kbFeedback.articleId, kbFeedback.voterKey],
        set: { helpful: values.helpful === "yes", comment: values.comment, updatedAt: at },
      })
      .run();
    return { helpful: values.helpful === "yes", comment: values.comment };
  });
}

function firstSentence(text: string, max = 200) {
  const flat = text
    .replace(/[#>*_`[\]()!-]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  const sentence = flat.match(/^.{10,}?[.?!](\s|$)/)?.[0] ?? flat;
  return sentence.length > max ? `${sentence.slice(0, max - 1).trimEnd()}…` : sentence.trim();
}

/**
 * A knowledge-base draft from a solved thread: frontmatter (title, summary, category, tags, a link
 * back to the thread) and the question and its verified (else accepted) answer, for staff to edit
 * and commit under content/kb/. The audience starts as "customers": staff widen it on purpose.
 */
export function draftArticleFromThread(actor: Actor, threadId: number, siteOrigin: string) {
  ensure(canDraftArticleFromThread(actor), "Only staff can draft knowledge-base articles.");
  const db = getDb();
  const thread = db
    .select({
      id: threads.id,
      title: threads.title,
      slug: threads.slug,
      categoryName: categories.name,
      visibility: threads.visibility,
    })
    .from(threads)
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .where(eq(threads.id, threadId))
    .get();
  if (!thread) throw new NotFoundError("That question does not exist.");
  // An article republishes the thread to readers: a question moderators took out of public view
  // (held, hidden or deleted) cannot become one until it is public again.
  if (thread.visibility !== "visible") {
    throw new ConflictError(
      "This question is not public (it is held, hidden or deleted), so it cannot become an article. Approve or restore it first.",
    );
  }
  const threadPosts = db
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
        eq(posts.moderationState, "visible"),
        sql`(${posts.kind} = 'question' OR ${solutions.kind} IS NOT NULL)`,
      ),
    )
    .all();
  const question = threadPosts.find((post) => post.kind === "question");
  const answer =
    threadPosts.find((post) => post.solution === "verified") ??
    threadPosts.find((post) => post.solution === "accepted");
  if (!question) throw new NotFoundError("That question does not exist.");
  if (!answer)
    throw new ConflictError("This thread has no accepted or verified answer yet, so there is nothing to draft from.");
  const threadTagNames = db
    .select({ name: tags.name })
    .from(threadTags)
    .innerJoin(tags, eq(tags.id, threadTags.tagId))
    .where(eq(threadTags.threadId, threadId))
    .orderBy(asc(tags.name))
    .all()
    .map((row) => row.name);
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
}
