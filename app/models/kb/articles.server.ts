/** Reading the knowledge base: the list by category, the feed's articles, and an article's page, by audience. */
import { and, asc, count, desc, eq, inArray, isNull, ne, sql } from "drizzle-orm";
import {
  categories,
  kbArticles,
  kbArticleTags,
  kbFeedback,
  tags,
  threadTags,
  threads,
  users,
  type Audience,
} from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { type TocEntry } from "~/lib/markdown.server";
import {
  articleTeasersCondition,
  canGiveArticleFeedback,
  canReadArticle,
  canSeeArticleTeaser,
  canViewArticleFeedback,
  publicThreadsCondition,
  readableArticlesCondition,
  type Actor,
} from "~/lib/permissions.server";

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
export async function listKnowledgeBase(actor: Actor) {
  return read(async (db) => {
    // Each article with its community category's position (one round trip, not two in turn).
    const rows = await db
      .select({ ...articleListColumns, communityPosition: categories.position })
      .from(kbArticles)
      .leftJoin(categories, eq(categories.slug, kbArticles.categorySlug))
      .where(and(isNull(kbArticles.removedAt), articleTeasersCondition(actor)))
      .orderBy(asc(kbArticles.position), asc(kbArticles.title));
    const asSeen = forActor(actor);
    type Group = { slug: string; name: string; position: number; articles: ReturnType<typeof asSeen>[] };
    const groups = new Map<string, Group>();
    for (const { communityPosition, ...row } of rows) {
      const group = groups.get(row.categorySlug) ?? {
        slug: row.categorySlug,
        name: row.categoryName,
        position: communityPosition ?? 1000,
        articles: [],
      };
      group.articles.push(asSeen(row));
      groups.set(row.categorySlug, group);
    }
    return [...groups.values()]
      .sort((a, b) => a.position - b.position || a.name.localeCompare(b.name))
      .map(({ position: _position, ...group }) => group);
  });
}

/** Articles the actor may read in full, newest first: for the feed and the sitemap. */
export async function listReadableArticles(actor: Actor, limit = 1000) {
  // Filtered in SQL before the limit: filtering after it gave a visitor fewer than `limit` entries
  // whenever customer-only articles were among the newest.
  return await read((db) =>
    db
      .select({ ...articleListColumns, bodyHtml: kbArticles.bodyHtml })
      .from(kbArticles)
      .where(and(isNull(kbArticles.removedAt), readableArticlesCondition(actor)))
      .orderBy(desc(kbArticles.updatedOn), asc(kbArticles.title))
      .limit(limit),
  );
}

export async function findArticle(actor: Actor, slug: string) {
  const article = firstRow(
    await read((db) =>
      db
        .select()
        .from(kbArticles)
        .where(and(eq(kbArticles.slug, slug), isNull(kbArticles.removedAt))),
    ),
  );
  // A staff-only article is a plain 404 to everyone else: its existence is private.
  if (!article || !canSeeArticleTeaser(actor, article)) throw new NotFoundError("That article does not exist.");
  return article;
}

/**
 * An article page. Someone who may not read it gets `access: "teaser"`: title, summary and how to
 * get access, never the body. Staff also get the readers' tallies and comments.
 */
export async function getArticlePage(actor: Actor, slug: string, voterKey: string | null) {
  // Solved threads sharing a tag with the article, best first; else solved threads of its category.
  return read(async (db) => {
    const article = await findArticle(actor, slug);
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
    const articleTags = (
      await db.select({ tag: kbArticleTags.tag }).from(kbArticleTags).where(eq(kbArticleTags.articleId, article.id))
    ).map((row) => row.tag);
    const sharedTags = await db
      .select({ articleId: kbArticleTags.articleId, shared: count() })
      .from(kbArticleTags)
      .where(and(inArray(kbArticleTags.tag, articleTags), ne(kbArticleTags.articleId, article.id)))
      .groupBy(kbArticleTags.articleId);
    const sharedCount = new Map(sharedTags.map((row) => [row.articleId, row.shared]));
    const related = (
      await db
        .select({ ...articleListColumns, position: kbArticles.position })
        .from(kbArticles)
        .where(and(isNull(kbArticles.removedAt), ne(kbArticles.id, article.id), articleTeasersCondition(actor)))
    )
      .filter((row) => sharedCount.has(row.id) || row.categorySlug === article.categorySlug)
      .sort((a, b) => (sharedCount.get(b.id) ?? 0) - (sharedCount.get(a.id) ?? 0) || a.position - b.position)
      .slice(0, 5)
      .map(forActor(actor));
    const solvedThreadColumns = {
      id: threads.id,
      title: threads.title,
      slug: threads.slug,
      answerCount: threads.answerCount,
    };
    const threadsWithArticleTags = db
      .select({ threadId: threadTags.threadId })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .where(inArray(tags.name, articleTags));
    const byTag = articleTags.length
      ? await db
          .select(solvedThreadColumns)
          .from(threads)
          .where(
            and(eq(threads.status, "solved"), publicThreadsCondition(), inArray(threads.id, threadsWithArticleTags)),
          )
          .orderBy(desc(threads.score), desc(threads.id))
          .limit(5)
      : [];
    const relatedThreads = byTag.length
      ? byTag
      : await db
          .select(solvedThreadColumns)
          .from(threads)
          .innerJoin(categories, eq(categories.id, threads.categoryId))
          .where(and(eq(threads.status, "solved"), publicThreadsCondition(), eq(categories.slug, article.categorySlug)))
          .orderBy(desc(threads.score), desc(threads.id))
          .limit(5);
    const myFeedback = voterKey
      ? (firstRow(
          await db
            .select({ helpful: kbFeedback.helpful, comment: kbFeedback.comment })
            .from(kbFeedback)
            .where(and(eq(kbFeedback.articleId, article.id), eq(kbFeedback.voterKey, voterKey))),
        ) ?? null)
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
      feedback: canViewArticleFeedback(actor) ? await feedbackTallies(article.id) : null,
      canGiveFeedback: canGiveArticleFeedback(actor, article),
    };
  });
}

async function feedbackTallies(articleId: number) {
  return read(async (db) => {
    const totals = firstRow(
      await db
        .select({
          // CASE, not sum(helpful): SQLite stores the boolean as 0/1, PostgreSQL cannot sum a boolean.
          helpful: sql<number>`coalesce(sum(CASE WHEN ${kbFeedback.helpful} THEN 1 ELSE 0 END), 0)`,
          total: count(),
        })
        .from(kbFeedback)
        .where(eq(kbFeedback.articleId, articleId)),
    )!;
    const comments = await db
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
      .limit(50);
    return { helpful: Number(totals.helpful), notHelpful: totals.total - Number(totals.helpful), comments };
  });
}
