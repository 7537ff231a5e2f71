/**
 * A post's moderation state. A post's moderation_state, and its thread's visibility, decide who sees it
 * (see canSeePost). Every change of state goes through changePostState, which keeps the thread's
 * visibility, the visible-answer count, tag counts, the thread's status and its search document in
 * step, in the same transaction.
 */
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { flags, posts, threadTags, tags, threads, users, type ModerationState } from "../../../db/schema";
import { firstRow, inWrite, rawRows, read } from "~/lib/db.server";
import { publicPostStatesCondition, type Member } from "~/lib/permissions.server";
import { refreshThreadStatus } from "~/models/shared/posts.server";
import { getModerationSettings } from "./settings.server";
import { record } from "~/models/shared/events.server";

type NewPost = { id: number; threadId: number; authorId: number; bodyHtml: string };

/**
 * The state a new post starts in. An account whose address is not confirmed yet posts "waiting"
 * (its author alone sees it until confirmation releases it: `releaseWaitingPosts`). Members (not
 * customers or staff, whom the company vouches for) are new until `heldPostCount` of their posts
 * have been approved; a new member's posts are held. Call inside the transaction that inserts the post.
 */
export async function initialPostState(author: Member): Promise<ModerationState> {
  const account = firstRow(
    await read((db) => db.select({ confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, author.id))),
  );
  if (!account?.confirmedAt) return "waiting";
  return stateAfterConfirmation(author);
}

/** `initialPostState` for a confirmed author: visible, or held when a new member's post would be. */
async function stateAfterConfirmation(author: Member): Promise<"visible" | "held"> {
  if (author.role !== "member") return "visible";
  const { heldPostCount } = await getModerationSettings();
  if (heldPostCount === 0) return "visible";
  // The subquery is named because PostgreSQL before 16 refuses one without a name.
  const [approved] = await read((db) =>
    rawRows<{ total: number }>(
      db,
      sql`SELECT count(*) AS total FROM (SELECT 1 FROM posts WHERE author_id = ${author.id} AND ${publicPostStatesCondition()} LIMIT ${heldPostCount}) AS approved`,
    ),
  );
  return (approved?.total ?? 0) >= heldPostCount ? "visible" : "held";
}

/**
 * Puts a just-inserted held post in the review queue, with an automatic flag when it holds a link
 * (the usual shape of spam from fresh accounts), so the reviewer sees why to look twice.
 */
export async function queueHeldPost(post: NewPost, at: Date) {
  return inWrite(async (db) => {
    await db.update(posts).set({ reviewRequestedAt: at }).where(eq(posts.id, post.id));
    if (/<a\s/i.test(post.bodyHtml)) {
      await db.insert(flags).values({ postId: post.id, userId: null, reason: "new_member_link", createdAt: at });
    }
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
    } else if (wasVisible !== isVisible) {
      await db
        .update(threads)
        .set(
          isVisible
            ? { answerCount: sql`${threads.answerCount} + 1`, lastActivityAt: at }
            : { answerCount: sql`${threads.answerCount} - 1` },
        )
        .where(eq(threads.id, post.threadId));
    }
    await refreshThreadStatus(post.threadId);
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
      .select({ id: posts.id, threadId: posts.threadId, kind: posts.kind, bodyHtml: posts.bodyHtml })
      .from(posts)
      .where(and(eq(posts.authorId, author.id), eq(posts.moderationState, "waiting")))
      .orderBy(asc(posts.id));
    for (const post of waiting) {
      const to = await stateAfterConfirmation(author);
      await changePostState({ ...post, moderationState: "waiting" }, to, at, null);
      if (to === "held") await queueHeldPost({ ...post, authorId: author.id }, at);
    }
    return waiting.length;
  });
}
