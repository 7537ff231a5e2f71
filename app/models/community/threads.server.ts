/**
 * Threads: asking a question and listing threads.
 * A thread's question body is its post of kind "question"; counters on threads and tags are updated
 * in the same transaction as the write that changes them. The thread page is `thread-page.server.ts`.
 */
import { and, desc, eq, inArray, isNotNull, isNull, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { categories, posts, tags, threadTags, threads, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write, read } from "~/lib/db.server";
import { checkedBy, parseInputAsync } from "~/lib/forms.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { plainTextSummary } from "~/lib/markdown.server";
import {
  canAskQuestion,
  canViewThread,
  ensure,
  ensureSignedIn,
  publicPostStatesCondition,
  publicThreadsCondition,
  VISITOR,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { THREAD_FILTERS, THREADS_PER_PAGE, type ThreadListQuery } from "./rules";
import { initialPostState } from "~/models/moderation/post-state.server";
import { findCategoryBySlug, resolveTagList, tagsByThread } from "./tags.server";
import { slugify, titleSchema } from "./post-input";
import { renderedBodySchema } from "./post-body.server";
import { record } from "~/models/shared/events.server";

const askSchemaFor = (author: Member) =>
  z.object({
    title: titleSchema,
    body: renderedBodySchema(author),
    category: z
      .string({ error: "Choose a category." })
      .trim()
      .min(1, "Choose a category.")
      .transform(
        checkedBy(async (slug: string) => {
          const category = await findCategoryBySlug(slug);
          if (!category) throw new ValidationError({ category: "Choose one of the listed categories." });
          return category;
        }),
      ),
    tags: z.string().max(200, "Too many tags.").default("").transform(checkedBy(resolveTagList)),
  });

export async function askQuestion(actor: Actor, input: unknown) {
  ensure(canAskQuestion(actor), "Sign in to ask a question.");
  ensureSignedIn(actor);
  const {
    body: { markdown: body, html: bodyHtml },
    category,
    tags: chosenTags,
    ...values
  } = await parseInputAsync(askSchemaFor(actor), input);
  return write(async (db, changed) => {
    await consume(`question:user:${actor.id}`, LIMITS.question);
    const at = now();
    const state = await initialPostState(actor);
    const thread = oneRow(
      await db
        .insert(threads)
        .values({
          title: values.title,
          slug: slugify(values.title),
          authorId: actor.id,
          categoryId: category.id,
          createdAt: at,
          lastActivityAt: at,
          visibility: state,
        })
        .returning({ id: threads.id, slug: threads.slug }),
    );
    changed.thread(thread.id);
    const question = oneRow(
      await db
        .insert(posts)
        .values({
          threadId: thread.id,
          authorId: actor.id,
          kind: "question",
          bodyMarkdown: body,
          bodyHtml,
          createdAt: at,
          moderationState: state,
        })
        .returning({ id: posts.id }),
    );
    if (chosenTags.length > 0) {
      await db.insert(threadTags).values(chosenTags.map((tag) => ({ threadId: thread.id, tagId: tag.id })));
      // Tag counts count threads everyone can see; a held or waiting thread is counted when it becomes visible.
      if (state === "visible") {
        await db
          .update(tags)
          .set({ threadCount: sql`${tags.threadCount} + 1` })
          .where(
            inArray(
              tags.id,
              chosenTags.map((tag) => tag.id),
            ),
          );
      }
    }
    await record("question asked", {
      threadId: thread.id,
      postId: question.id,
      author: actor,
      held: state === "held",
      waiting: state === "waiting",
      bodyHtml,
      at,
    });
    return {
      threadId: thread.id,
      slug: thread.slug,
      questionPostId: question.id,
      held: state === "held",
      waiting: state === "waiting",
    };
  });
}

const filterConditions: Record<(typeof THREAD_FILTERS)[number], SQL | undefined> = {
  all: undefined,
  unanswered: sql`${threads.status} = 'open'`,
  unresolved: sql`${threads.status} IN ('open', 'answered')`,
  solved: sql`${threads.status} = 'solved'`,
};

const sortOrders = {
  newest: [desc(threads.createdAt), desc(threads.id)],
  active: [desc(threads.lastActivityAt), desc(threads.id)],
  top: [desc(threads.score), desc(threads.createdAt)],
};

const MAX_PINNED = 5;

/**
 * One page of threads (plus whether another follows), with tags, authors and category names.
 * With `pinnedFirst`, pinned threads head the first page and are left out of the pages; without
 * it (short lists such as the home page's) they take their place like any other thread.
 */
export async function listThreads(
  actor: Actor,
  query: ThreadListQuery,
  pageSize = THREADS_PER_PAGE,
  { pinnedFirst = true } = {},
) {
  ensure(canViewThread(actor));
  // Lists show what everyone may see; held and hidden threads are reached from the review queue.
  return read(async (db) => {
    const conditions: SQL[] = [publicThreadsCondition()];
    const filter = filterConditions[query.filter];
    if (filter) conditions.push(filter);
    if (query.category) {
      conditions.push(sql`${threads.categoryId} = (SELECT id FROM categories WHERE slug = ${query.category})`);
    }
    if (query.tag) {
      conditions.push(
        sql`${threads.id} IN (SELECT thread_id FROM thread_tags WHERE tag_id = (SELECT id FROM tags WHERE name = ${query.tag}))`,
      );
    }
    const threadRows = () =>
      db
        .select({
          id: threads.id,
          title: threads.title,
          slug: threads.slug,
          status: threads.status,
          score: threads.score,
          answerCount: threads.answerCount,
          viewCount: threads.viewCount,
          createdAt: threads.createdAt,
          lastActivityAt: threads.lastActivityAt,
          author: users.username,
          categoryName: categories.name,
          categorySlug: categories.slug,
        })
        .from(threads)
        .innerJoin(users, eq(users.id, threads.authorId))
        .innerJoin(categories, eq(categories.id, threads.categoryId));
    const rows = await threadRows()
      .where(and(...conditions, pinnedFirst ? isNull(threads.pinnedAt) : undefined))
      .orderBy(...sortOrders[query.sort])
      .limit(pageSize + 1)
      .offset((query.page - 1) * pageSize);
    const hasNextPage = rows.length > pageSize;
    const page = rows.slice(0, pageSize);
    const pinned =
      pinnedFirst && query.page === 1
        ? await threadRows()
            .where(and(...conditions, isNotNull(threads.pinnedAt)))
            .orderBy(desc(threads.pinnedAt))
            .limit(MAX_PINNED)
        : [];
    const tagMap = await tagsByThread([...pinned, ...page].map((row) => row.id));
    const withTags = (row: (typeof page)[number]) => ({ ...row, tags: tagMap.get(row.id) ?? [] });
    return { pinned: pinned.map(withTags), threads: page.map(withTags), hasNextPage };
  });
}

/** Paths of the most recently active threads, for the sitemap. */
export async function recentThreadPaths(limit: number) {
  return (
    await read((db) =>
      db
        .select({ id: threads.id, slug: threads.slug, lastActivityAt: threads.lastActivityAt })
        .from(threads)
        .where(publicThreadsCondition())
        .orderBy(desc(threads.lastActivityAt))
        .limit(limit),
    )
  ).map((thread) => ({ path: `/questions/${thread.id}/${thread.slug}`, lastActivityAt: thread.lastActivityAt }));
}

export const FEED_SIZE = 50;

/**
 * The latest questions of a feed, most recently active first, always as a visitor sees them: a feed
 * reader has no session, and a shared cache may keep what one reader got for the next. Narrowed to a
 * category (by slug) and/or a tag (by name); an unknown one is "not found". Four queries at most.
 */
export async function latestThreadsForFeed({ category, tag }: { category?: string; tag?: string }) {
  ensure(canViewThread(VISITOR));
  return read(async (db) => {
    const conditions: SQL[] = [publicThreadsCondition()];
    let categoryName: string | null = null;
    if (category !== undefined) {
      const found = firstRow(
        await db
          .select({ id: categories.id, name: categories.name })
          .from(categories)
          .where(eq(categories.slug, category)),
      );
      if (!found) throw new NotFoundError("There is no category with that name.");
      categoryName = found.name;
      conditions.push(eq(threads.categoryId, found.id));
    }
    if (tag !== undefined) {
      const found = firstRow(await db.select({ id: tags.id }).from(tags).where(eq(tags.name, tag.toLowerCase())));
      if (!found) throw new NotFoundError("There is no tag with that name.");
      conditions.push(
        inArray(
          threads.id,
          db.select({ id: threadTags.threadId }).from(threadTags).where(eq(threadTags.tagId, found.id)),
        ),
      );
    }
    const rows = await db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        lastActivityAt: threads.lastActivityAt,
        author: users.username,
        categoryName: categories.name,
        body: posts.bodyHtml,
      })
      .from(threads)
      .innerJoin(users, eq(users.id, threads.authorId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      // The question's own state is the thread's visibility; checked again so no held body can slip in.
      .leftJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.kind, "question"), publicPostStatesCondition()))
      .where(and(...conditions))
      .orderBy(desc(threads.lastActivityAt), desc(threads.id))
      .limit(FEED_SIZE);
    const tagMap = await tagsByThread(rows.map((row) => row.id));
    return {
      categoryName,
      threads: rows.map(({ body, ...row }) => ({
        ...row,
        tags: tagMap.get(row.id) ?? [],
        summary: body ? plainTextSummary(body) : "",
      })),
    };
  });
}
