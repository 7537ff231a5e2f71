/**
 * The floor every domain that touches posts stands on: finding a post the reader may see (else 404),
 * and keeping a thread's status in step with its visible answers and solutions.
 */
import { eq, sql, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { posts, threads, users } from "../../../db/schema";
import { firstRow, inWrite, read, type Db } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { canSeePost, publicPostStatesCondition, type Actor } from "~/lib/permissions.server";

/**
 * A post with its thread, for every page and action addressed by a post id: a 404 unless the actor
 * may see the post and its thread (`canSeePost`), checked before anything is written.
 */
export async function findPostInThread(actor: Actor, postId: number, missing = "That post does not exist.") {
  const row = firstRow(
    await read((db) =>
      db
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
        .where(eq(posts.id, postId)),
    ),
  );
  if (
    !row ||
    !canSeePost(actor, { post: row, thread: { authorId: row.threadAuthorId, visibility: row.threadVisibility } })
  ) {
    throw new NotFoundError(missing);
  }
  return row;
}

/**
 * A thread's status from its visible solutions and `answerCount` (an expression on the row being
 * updated); closed threads stay closed.
 */
function statusFrom(threadId: number, answerCount: SQL) {
  return sql`CASE
        WHEN ${threads.status} = 'closed' THEN 'closed'
        WHEN EXISTS (SELECT 1 FROM solutions s JOIN posts p ON p.id = s.post_id WHERE s.thread_id = ${threadId} AND ${publicPostStatesCondition(alias(posts, "p"))}) THEN 'solved'
        WHEN ${answerCount} > 0 THEN 'answered'
        ELSE 'open' END`;
}

/** Recomputes a thread's status from its visible solutions and answers; closed threads stay closed. */
export async function refreshThreadStatus(threadId: number) {
  await inWrite((db) =>
    db
      .update(threads)
      .set({ status: statusFrom(threadId, sql`${threads.answerCount}`) })
      .where(eq(threads.id, threadId)),
  );
}

/**
 * An answer of the thread became visible (`by` 1, which also marks the thread active at `at`) or
 * stopped being visible (-1): its count and its status in one statement (on PostgreSQL each
 * statement of a write is a round trip made while holding the write lock). The status reads the
 * count as it will be: an UPDATE's expressions see the row before it.
 */
export async function countVisibleAnswer(threadId: number, by: 1 | -1, at: Date) {
  await inWrite((db) => visibleAnswerCounted(db, threadId, by, at));
}

/**
 * `countVisibleAnswer` as a statement not run yet, for `runTogether` with the caller's own (it
 * changes the thread's row alone and reads its solutions).
 */
export function visibleAnswerCounted(db: Db, threadId: number, by: 1 | -1, at: Date) {
  const answerCount = sql`${threads.answerCount} + ${by}`;
  return db
    .update(threads)
    .set({
      answerCount,
      status: statusFrom(threadId, answerCount),
      ...(by === 1 ? { lastActivityAt: at } : {}),
    })
    .where(eq(threads.id, threadId));
}
