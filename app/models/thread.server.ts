/**
 * Threads: asking, listing, reading and editing questions.
 * A thread's question body is its post of kind "question"; counters on threads and tags are updated
 * in the same transaction as the write that changes them. Reading a thread costs a fixed number of
 * queries however many answers it has: the thread, then its posts, tags, solutions and the
 * reader's votes and flags, each one query by thread id (prepared once: `threadPageQueries`).
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, notInArray, or, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import { categories, posts, solutions, tags, threadTags, threads, users, votes } from "../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, isDatabaseBusy, preparedPerConnection, writeTransaction, writeUnseenByVisitors } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { log } from "~/lib/log.server";
import { renderMarkdown } from "~/lib/markdown.server";
import {
  canAskQuestion,
  canEditPost,
  canFlagPost,
  canSeePost,
  canSeeThread,
  canViewThread,
  canVoteOnPost,
  ensure,
  ensureSignedIn,
  isSignedIn,
  readerKind,
  threadCapabilities,
  visiblePostStatesConditionFor,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import {
  ANSWERS_PER_PAGE,
  MAX_BODY_LENGTH,
  THREAD_FILTERS,
  THREADS_PER_PAGE,
  type ThreadListQuery,
} from "./community-rules";
import { initialPostState, queueHeldPost, threadFlagsForReader } from "./moderation.server";
import { indexThread } from "./search.server";
import { resolveTagList, tagsByThread } from "./tag.server";

export const bodySchema = z
  .string()
  .trim()
  .min(1, "Write something first.")
  .max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`);

export const titleSchema = z
  .string()
  .trim()
  .min(10, "Use at least 10 characters, so others can tell what you are asking.")
  .max(150, "Keep the title under 150 characters.");

const askSchema = z.object({
  title: titleSchema,
  body: bodySchema,
  category: z.string({ error: "Choose a category." }).trim().min(1, "Choose a category."),
  tags: z.string().max(200, "Too many tags.").default(""),
});

export function slugify(title: string) {
  const slug = title
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "question";
}

export function askQuestion(actor: Actor, input: unknown) {
  ensure(canAskQuestion(actor), "Sign in to ask a question.");
  ensureSignedIn(actor);
  const values = parseInput(askSchema, input);
  const db = getDb();
  const category = db.select().from(categories).where(eq(categories.slug, values.category)).get();
  if (!category) throw new ValidationError({ category: "Choose one of the listed categories." });
  const chosenTags = resolveTagList(values.tags);
  const bodyHtml = renderMarkdown(values.body);

  return writeTransaction((changed) => {
    consume(`question:user:${actor.id}`, LIMITS.question);
    const at = now();
    const state = initialPostState(actor);
    const thread = db
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
      .returning({ id: threads.id, slug: threads.slug })
      .get();
    changed.thread(thread.id);
    const question = db
      .insert(posts)
      .values({
        threadId: thread.id,
        authorId: actor.id,
        kind: "question",
        bodyMarkdown: values.body,
        bodyHtml,
        createdAt: at,
        moderationState: state,
      })
      .returning({ id: posts.id })
      .get();
    if (chosenTags.length > 0) {
      db.insert(threadTags)
        .values(chosenTags.map((tag) => ({ threadId: thread.id, tagId: tag.id })))
        .run();
      // Tag counts count threads everyone can see; a held thread is counted when approved.
      if (state === "visible") {
        db.update(tags)
          .set({ threadCount: sql`${tags.threadCount} + 1` })
          .where(
            inArray(
              tags.id,
              chosenTags.map((tag) => tag.id),
            ),
          )
          .run();
      }
    }
    if (state === "held") queueHeldPost({ id: question.id, threadId: thread.id, authorId: actor.id, bodyHtml }, at);
    indexThread(thread.id);
    return { threadId: thread.id, slug: thread.slug, questionPostId: question.id, held: state === "held" };
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
export function listThreads(
  actor: Actor,
  query: ThreadListQuery,
  pageSize = THREADS_PER_PAGE,
  { pinnedFirst = true } = {},
) {
  ensure(canViewThread(actor));
  const db = getDb();
  // Lists show what everyone may see; held and hidden threads are reached from the review queue.
  const conditions: SQL[] = [eq(threads.visibility, "visible")];
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
  const rows = threadRows()
    .where(and(...conditions, pinnedFirst ? isNull(threads.pinnedAt) : undefined))
    .orderBy(...sortOrders[query.sort])
    .limit(pageSize + 1)
    .offset((query.page - 1) * pageSize)
    .all();
  const hasNextPage = rows.length > pageSize;
  const page = rows.slice(0, pageSize);
  const pinned =
    pinnedFirst && query.page === 1
      ? threadRows()
          .where(and(...conditions, isNotNull(threads.pinnedAt)))
          .orderBy(desc(threads.pinnedAt))
          .limit(MAX_PINNED)
          .all()
      : [];
  const tagMap = tagsByThread([...pinned, ...page].map((row) => row.id));
  const withTags = (row: (typeof page)[number]) => ({ ...row, tags: tagMap.get(row.id) ?? [] });
  return { pinned: pinned.map(withTags), threads: page.map(withTags), hasNextPage };
}

// The thread page's reads, prepared once: the posts in one variant per kind of reader, because
// which posts a reader sees is part of the SQL. The thread's own visibility is checked once, on its
// row, so the posts are filtered by their own state alone (`visiblePostStatesConditionFor`).
const threadPageQueries = preparedPerConnection((db) => {
  const threadId = sql.placeholder("threadId");
  const readerId = sql.placeholder("readerId");
  const postColumns = {
    id: posts.id,
    kind: posts.kind,
    authorId: posts.authorId,
    author: users.username,
    authorRole: users.role,
    bodyHtml: posts.bodyHtml,
    score: posts.score,
    createdAt: posts.createdAt,
    editedAt: posts.editedAt,
    moderationState: posts.moderationState,
  };
  const solutionPostIds = db
    .select({ postId: solutions.postId })
    .from(solutions)
    .where(eq(solutions.threadId, threadId));
  const postsFor = (kind: ReturnType<typeof readerKind>) => {
    const seenPosts = visiblePostStatesConditionFor(kind, readerId);
    const postsWithAuthors = () => db.select(postColumns).from(posts).innerJoin(users, eq(users.id, posts.authorId));
    return {
      // The question and the solutions head every page; the other answers follow by score.
      pinned: postsWithAuthors()
        .where(
          and(
            eq(posts.threadId, threadId),
            or(eq(posts.kind, "question"), and(inArray(posts.id, solutionPostIds), seenPosts)),
          ),
        )
        .prepare(),
      answers: postsWithAuthors()
        .where(
          and(eq(posts.threadId, threadId), eq(posts.kind, "answer"), notInArray(posts.id, solutionPostIds), seenPosts),
        )
        .orderBy(desc(posts.score), asc(posts.createdAt), asc(posts.id))
        .limit(sql.placeholder("limit"))
        .offset(sql.placeholder("offset"))
        .prepare(),
    };
  };
  return {
    thread: db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        status: threads.status,
        authorId: threads.authorId,
        answerCount: threads.answerCount,
        viewCount: threads.viewCount,
        createdAt: threads.createdAt,
        lastActivityAt: threads.lastActivityAt,
        categoryName: categories.name,
        categorySlug: categories.slug,
        visibility: threads.visibility,
        lockedAt: threads.lockedAt,
        pinnedAt: threads.pinnedAt,
        closedReason: threads.closedReason,
        duplicateOfId: threads.duplicateOfId,
      })
      .from(threads)
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(eq(threads.id, threadId))
      .prepare(),
    duplicateOriginal: db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        authorId: threads.authorId,
        visibility: threads.visibility,
      })
      .from(threads)
      .where(eq(threads.id, threadId))
      .prepare(),
    solutions: db.select().from(solutions).where(eq(solutions.threadId, threadId)).prepare(),
    tagNames: db
      .select({ name: tags.name })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .where(eq(threadTags.threadId, threadId))
      .orderBy(asc(tags.name))
      .prepare(),
    postsFor: { staff: postsFor("staff"), member: postsFor("member"), visitor: postsFor("visitor") },
    // The reader's votes on the thread's posts (those not shown cost nothing: the page looks up the shown ones).
    myVotes: db
      .select({ postId: votes.postId, value: votes.value })
      .from(votes)
      .innerJoin(posts, eq(posts.id, votes.postId))
      .where(and(eq(votes.userId, readerId), eq(posts.threadId, threadId)))
      .prepare(),
  };
});

/** The thread page: question, solutions first, answers by score; one query per kind of row. */
export function getThreadPage(actor: Actor, threadId: number, answersPage = 1) {
  ensure(canViewThread(actor));
  const queries = threadPageQueries();
  const thread = queries.thread.get({ threadId });
  // A thread nobody but its author and staff may see does not exist for anyone else.
  if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
  // The original of a duplicate is named and linked only for readers who may see it.
  const original = thread.duplicateOfId ? queries.duplicateOriginal.get({ threadId: thread.duplicateOfId }) : undefined;
  const duplicateOf =
    original && canSeeThread(actor, original) ? { id: original.id, title: original.title, slug: original.slug } : null;
  // A duplicate's closing reason names the original's title, so it is not shown for duplicates.
  const closedReason = thread.duplicateOfId ? null : thread.closedReason;

  const threadSolutions = queries.solutions.all({ threadId });
  const reader = { threadId, readerId: isSignedIn(actor) ? actor.id : 0 };
  const { pinned: pinnedQuery, answers: answersQuery } = queries.postsFor[readerKind(actor)];
  const pinned = pinnedQuery.all(reader);
  const answers = answersQuery.all({
    ...reader,
    limit: ANSWERS_PER_PAGE,
    offset: (answersPage - 1) * ANSWERS_PER_PAGE,
  });
  const question = pinned.find((post) => post.kind === "question");
  if (!question) throw new NotFoundError("That question does not exist.");

  const tagNames = queries.tagNames.all({ threadId }).map((tag) => tag.name);
  const myVotes = new Map<number, number>();
  if (isSignedIn(actor)) {
    for (const row of queries.myVotes.all({ threadId, readerId: actor.id })) myVotes.set(row.postId, row.value);
  }
  const flagging = threadFlagsForReader(actor, threadId);

  // Written out rather than spread: this runs for every post of the most-read page.
  const withFlags = (post: typeof question) => ({
    id: post.id,
    kind: post.kind,
    author: post.author,
    authorRole: post.authorRole,
    bodyHtml: post.bodyHtml,
    score: post.score,
    createdAt: post.createdAt,
    editedAt: post.editedAt,
    moderationState: post.moderationState,
    myVote: myVotes.get(post.id) ?? 0,
    accepted: threadSolutions.some((s) => s.kind === "accepted" && s.postId === post.id),
    verified: threadSolutions.some((s) => s.kind === "verified" && s.postId === post.id),
    isMine: isSignedIn(actor) && actor.id === post.authorId,
    flaggedByMe: flagging.mine.has(post.id),
    openFlags: flagging.open.get(post.id) ?? 0,
    canVote: canVoteOnPost(actor, post),
    canEdit: canEditPost(actor, post),
    canFlag: canFlagPost(actor, post),
  });
  const solutionOrder = (post: { id: number }) =>
    threadSolutions.find((s) => s.postId === post.id)?.kind === "accepted" ? 0 : 1;
  const solutionPosts = pinned
    .filter((post) => post.kind === "answer")
    .sort((a, b) => solutionOrder(a) - solutionOrder(b));
  const nonSolutionCount = thread.answerCount - solutionPosts.length;

  return {
    thread: { ...thread, closedReason, tags: tagNames, duplicateOf, closedAsDuplicate: thread.duplicateOfId !== null },
    question: withFlags(question),
    solutions: answersPage === 1 ? solutionPosts.map(withFlags) : [],
    answers: answers.map(withFlags),
    answersPage,
    answerPageCount: Math.max(1, Math.ceil(nonSolutionCount / ANSWERS_PER_PAGE)),
    can: threadCapabilities(actor, thread),
  };
}

/**
 * A post with its thread, for every page and action addressed by a post id: a 404 unless the actor
 * may see the post and its thread (`canSeePost`), checked before anything is written.
 */
export function findPostInThread(actor: Actor, postId: number, missing = "That post does not exist.") {
  const row = getDb()
    .select({
      id: posts.id,
      kind: posts.kind,
      authorId: posts.authorId,
      moderationState: posts.moderationState,
      reviewRequestedAt: posts.reviewRequestedAt,
      bodyMarkdown: posts.bodyMarkdown,
      bodyHtml: posts.bodyHtml,
      createdAt: posts.createdAt,
      editedAt: posts.editedAt,
      author: users.username,
      threadId: threads.id,
      title: threads.title,
      slug: threads.slug,
      threadAuthorId: threads.authorId,
      threadStatus: threads.status,
      threadVisibility: threads.visibility,
    })
    .from(posts)
    .innerJoin(threads, eq(threads.id, posts.threadId))
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(eq(posts.id, postId))
    .get();
  if (
    !row ||
    !canSeePost(actor, { post: row, thread: { authorId: row.threadAuthorId, visibility: row.threadVisibility } })
  ) {
    throw new NotFoundError(missing);
  }
  return row;
}

/** Recomputes a thread's status from its visible solutions and answers; closed threads stay closed. */
export function refreshThreadStatus(threadId: number) {
  getDb()
    .update(threads)
    .set({
      status: sql`CASE
        WHEN ${threads.status} = 'closed' THEN 'closed'
        WHEN EXISTS (SELECT 1 FROM solutions s JOIN posts p ON p.id = s.post_id WHERE s.thread_id = ${threadId} AND p.moderation_state = 'visible') THEN 'solved'
        WHEN ${threads.answerCount} > 0 THEN 'answered'
        ELSE 'open' END`,
    })
    .where(eq(threads.id, threadId))
    .run();
}

// Views are counted in memory and written in one transaction every few seconds: a write per page
// view would serialize every reader behind the write lock. A crash loses at most that window.
// A failed write (another process holding the lock, a full disk) keeps the counts in memory and
// tries again later, waiting twice as long each time up to a minute; it never throws into the timer.
const pendingViews = new Map<number, number>();
let viewFlushTimer: NodeJS.Timeout | null = null;
let viewFlushFailures = 0;
export const VIEW_FLUSH_INTERVAL_MS = 5_000;
const VIEW_FLUSH_MAX_DELAY_MS = 60_000;

function scheduleViewFlush(delayMs: number) {
  viewFlushTimer ??= setTimeout(flushThreadViews, delayMs).unref();
}

export function recordThreadView(threadId: number) {
  pendingViews.set(threadId, (pendingViews.get(threadId) ?? 0) + 1);
  scheduleViewFlush(VIEW_FLUSH_INTERVAL_MS);
}

/** Writes the buffered view counts; returns false (and keeps them for a later try) when it cannot. */
export function flushThreadViews(): boolean {
  if (viewFlushTimer) clearTimeout(viewFlushTimer);
  viewFlushTimer = null;
  if (pendingViews.size === 0) return true;
  const batch = [...pendingViews];
  const db = getDb();
  try {
    writeUnseenByVisitors(() => {
      // Counts on cached pages catch up within the cache's TTL: dropping every read thread's pages
      // (and every list) each few seconds would leave little cached (DECISIONS.md #12).
      for (const [id, added] of batch) {
        db.update(threads)
          .set({ viewCount: sql`${threads.viewCount} + ${added}` })
          .where(eq(threads.id, id))
          .run();
      }
    });
  } catch (error) {
    viewFlushFailures += 1;
    const retryInMs = Math.min(VIEW_FLUSH_INTERVAL_MS * 2 ** (viewFlushFailures - 1), VIEW_FLUSH_MAX_DELAY_MS);
    const context = { threads: pendingViews.size, failures: viewFlushFailures, retryInMs, error };
    if (isDatabaseBusy(error)) log.warn("view counts not saved: database busy, will retry", context);
    else log.error("view counts not saved, will retry", context);
    scheduleViewFlush(retryInMs);
    return false;
  }
  pendingViews.clear(); // the write is synchronous: no view arrived while it ran
  if (viewFlushFailures > 0)
    log.info("view counts saved after earlier failures", { failures: viewFlushFailures, threads: batch.length });
  viewFlushFailures = 0;
  return true;
}

/** Paths of the most recently active threads, for the sitemap. */
export function recentThreadPaths(limit: number) {
  return getDb()
    .select({ id: threads.id, slug: threads.slug, lastActivityAt: threads.lastActivityAt })
    .from(threads)
    .where(eq(threads.visibility, "visible"))
    .orderBy(desc(threads.lastActivityAt))
    .limit(limit)
    .all()
    .map((thread) => ({ path: `/questions/${thread.id}/${thread.slug}`, lastActivityAt: thread.lastActivityAt }));
}
