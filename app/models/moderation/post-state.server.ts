/**
 * A post's moderation state. A post's moderation_state, and its thread's visibility, decide who sees it
 * (see canSeePost). Every change of state goes through changePostState, which keeps the thread's
 * visibility, the visible-answer count, tag counts, the thread's status and its search document in
 * step, in the same transaction.
 */
import { and, asc, eq, inArray, sql, type Placeholder } from "drizzle-orm";
import { posts, threadTags, tags, threads, type ModerationState } from "../../../db/schema";
import { inWrite, rawRows, read } from "~/lib/db.server";
import { canPostWithoutReview, type Member } from "~/lib/permissions.server";
import type { TrustLevel } from "~/lib/trust-levels";
import { countVisibleAnswer, refreshThreadStatus } from "~/models/shared/posts.server";
import { record } from "~/models/shared/events.server";

/**
 * The state a new post starts in. An account whose address is not confirmed yet posts "waiting"
 * (its author alone sees it until confirmation releases it: `releaseWaitingPosts`). Below the
 * "basic" trust level a post is held for review (`canPostWithoutReview`: customers and staff, whom
 * the company vouches for, are never below it). Call inside the transaction that inserts the post.
 */
export async function initialPostState(author: Member): Promise<ModerationState> {
  return initialPostStateOf(author, await standingOf(author));
}

/** `initialPostState` from an author's standing read with the caller's own query (`standingColumns`). */
export function initialPostStateOf(author: Member, standing: AuthorStanding): ModerationState {
  return standing.confirmedAt ? stateOnceConfirmed(author, standing) : "waiting";
}

/** `initialPostState` for a confirmed author: visible, or held below the "basic" trust level. */
async function stateAfterConfirmation(author: Member) {
  return stateOnceConfirmed(author, await standingOf(author));
}

/** What decides a new post's state: the author's confirmed address and their stored trust level. */
export type AuthorStanding = { confirmedAt: number | null; trustLevel: TrustLevel };

/**
 * The columns of an author's standing, for a select of the caller's (so that, on PostgreSQL, where
 * each statement of a write is a round trip made under the write lock, it costs none of its own):
 * the address and the trust level, read under the write lock rather than taken from the session.
 * `authorId` may be a placeholder of a prepared query.
 */
export function standingColumns(authorId: Placeholder | number) {
  return {
    confirmedAt: sql<number | null>`(SELECT email_confirmed_at FROM users WHERE id = ${authorId})`,
    trustLevel: sql<TrustLevel>`(SELECT trust_level FROM users WHERE id = ${authorId})`,
  };
}

async function standingOf(author: Member): Promise<AuthorStanding> {
  const { confirmedAt, trustLevel } = standingColumns(author.id);
  const [standing] = await read((db) =>
    rawRows<AuthorStanding>(db, sql`SELECT ${confirmedAt} AS "confirmedAt", ${trustLevel} AS "trustLevel"`, {
      keepPrepared: true,
    }),
  );
  return standing;
}

const stateOnceConfirmed = (author: Member, { trustLevel }: AuthorStanding): ModerationState =>
  canPostWithoutReview({ ...author, trustLevel: Number(trustLevel) as TrustLevel }) ? "visible" : "held";

/**
 * Puts a just-inserted held post in the review queue. (Held posts hold no links: their authors are
 * below the trust level that may post them, so the automatic "new_member_link" flag is no longer
 * raised; its old rows keep their label. DECISIONS.md #77.)
 */
export async function queueHeldPost(post: { id: number }, at: Date) {
  return inWrite(async (db) => {
    await db.update(posts).set({ reviewRequestedAt: at }).where(eq(posts.id, post.id));
  });
}

type PostRef = { id: number; threadId: number; kind: "question" | "answer"; moderationState: ModerationState };

/**
 * Moves a post to another state and keeps every count, the thread and the search index in step.
 * `by` is the person who decided it, or null when a rule did (enough flags, a confirmed address).
 */
export async function changePostState(post: PostRef, to: ModerationState, at: Date, by: Member | null) {
  if (post.moderationState === to) return;
  return inWrite(async (db) => {
    const wasVisible = post.moderationState === "visible";
    const isVisible = to === "visible";
    await db.update(posts).set({ moderationState: to }).where(eq(posts.id, post.id));
    if (post.kind === "question") {
      await db.update(threads).set({ visibility: to }).where(eq(threads.id, post.threadId));
      if (wasVisible !== isVisible) {
        await db
          .update(tags)
          .set({ threadCount: sql`${tags.threadCount} + ${isVisible ? 1 : -1}` })
          .where(
            inArray(
              tags.id,
              db.select({ id: threadTags.tagId }).from(threadTags).where(eq(threadTags.threadId, post.threadId)),
            ),
          );
      }
    }
    if (post.kind === "answer" && wasVisible !== isVisible)
      await countVisibleAnswer(post.threadId, isVisible ? 1 : -1, at);
    else await refreshThreadStatus(post.threadId);
    await record("post state changed", {
      threadId: post.threadId,
      postId: post.id,
      from: post.moderationState,
      to,
      by,
      at,
    });
  });
}

/** How the audit log names a post. */
export const postLabel = (post: { kind: string; author: string; title: string }) =>
  `${post.kind === "question" ? "Question" : "Answer"} by ${post.author} in "${post.title}"`;

/**
 * The waiting posts of an account that has just confirmed its address, released in the order they
 * were written, in the caller's transaction, through the normal path: `changePostState` (which
 * records "post state changed"), to visible or, when a new member's post would be held now, into the
 * review queue. `author` is the account as it is after confirmation (its role may have changed).
 */
export async function releaseWaitingPosts(author: Member, at: Date) {
  return inWrite(async (db) => {
    const waiting = await db
      .select({ id: posts.id, threadId: posts.threadId, kind: posts.kind })
      .from(posts)
      .where(and(eq(posts.authorId, author.id), eq(posts.moderationState, "waiting")))
      .orderBy(asc(posts.id));
    for (const post of waiting) {
      const to = await stateAfterConfirmation(author);
      await changePostState({ ...post, moderationState: "waiting" }, to, at, null);
      if (to === "held") await queueHeldPost(post, at);
    }
    return waiting.length;
  });
}
