/**
 * Threads and posts: who sees them (each rule with its SQL twin beside it) and who may write,
 * vote, flag, accept and verify.
 */
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { posts, threads, type ModerationState } from "../../../db/schema";
import {
  canWrite,
  isActiveStaff,
  isSignedIn,
  isStaff,
  owns,
  readerKind,
  type Actor,
  type OwnedPost,
} from "./actors.server";

export type ThreadState = { authorId: number; status: string; lockedAt?: Date | null };
type ModeratedContent = { authorId: number; moderationState: ModerationState };

export function canViewThread(_actor: Actor) {
  return true;
}

/**
 * Held and hidden posts are seen by their author (marked as such) and staff; deleted posts by staff
 * alone. A thread's visibility is its question's.
 */
export function canSeeModeratedContent(actor: Actor, content: ModeratedContent) {
  if (content.moderationState === "visible") return true;
  if (isStaff(actor)) return true;
  return content.moderationState !== "deleted" && owns(actor, content);
}

/** A thread's visibility is its question's, so the rule for moderated content decides it. */
export function canSeeThread(actor: Actor, thread: { authorId: number; visibility: ModerationState }) {
  return canSeeModeratedContent(actor, { authorId: thread.authorId, moderationState: thread.visibility });
}

/**
 * Whether the actor may see a post: the post itself, and the thread it is in (an answer in a hidden
 * thread is as hidden as its thread). Every page and action addressed by a post id asks this.
 * Its SQL twin is `visiblePostsCondition`, just below.
 */
export function canSeePost(
  actor: Actor,
  { post, thread }: { post: ModeratedContent; thread: { authorId: number; visibility: ModerationState } },
) {
  return canSeeModeratedContent(actor, post) && canSeeThread(actor, thread);
}

/** `canSeeThread` in SQL, as a condition on `threads` (undefined: no condition, for staff). */
export function visibleThreadsCondition(actor: Actor): SQL | undefined {
  if (isStaff(actor)) return undefined;
  if (!isSignedIn(actor)) return sql`${threads.visibility} = 'visible'`;
  return sql`(${threads.visibility} = 'visible' OR (${threads.authorId} = ${actor.id} AND ${threads.visibility} IN ('held', 'hidden')))`;
}

/**
 * `canSeePost` in SQL, as a condition on `posts` (undefined for staff): the post's own state, and its
 * thread's visibility read by id (one primary-key lookup per row, so callers need not join threads).
 */
export function visiblePostsCondition(actor: Actor): SQL | undefined {
  return visiblePostsConditionFor(readerKind(actor), isSignedIn(actor) ? actor.id : 0);
}

function visiblePostsConditionFor(kind: ReturnType<typeof readerKind>, readerId: number): SQL | undefined {
  if (kind === "staff") return undefined;
  if (kind === "visitor") {
    return sql`(${posts.moderationState} = 'visible' AND (SELECT t.visibility FROM threads t WHERE t.id = ${posts.threadId}) = 'visible')`;
  }
  return sql`(${visiblePostStatesConditionFor(kind, readerId)}
    AND EXISTS (SELECT 1 FROM threads t WHERE t.id = ${posts.threadId}
      AND (t.visibility = 'visible' OR (t.author_id = ${readerId} AND t.visibility IN ('held', 'hidden')))))`;
}

/**
 * `canSeeModeratedContent` in SQL on `posts`, the post's own state only: for a page of one thread
 * whose visibility was already checked with `canSeeThread` (undefined for staff).
 */
export function visiblePostStatesConditionFor(
  kind: ReturnType<typeof readerKind>,
  readerId: number | Placeholder,
): SQL | undefined {
  if (kind === "staff") return undefined;
  if (kind === "visitor") return sql`${posts.moderationState} = 'visible'`;
  return sql`(${posts.moderationState} = 'visible' OR (${posts.authorId} = ${readerId} AND ${posts.moderationState} IN ('held', 'hidden')))`;
}

export function canAskQuestion(actor: Actor) {
  return canWrite(actor);
}

/** Closed and locked threads take no new answers, except from staff. */
export function canAnswerThread(actor: Actor, thread: ThreadState) {
  const open = thread.status !== "closed" && !thread.lockedAt;
  return canWrite(actor) && (open || isStaff(actor));
}

export function canVoteOnPost(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && !owns(actor, post);
}

/** Authors edit their own posts; staff edit any post (to fix formatting, remove personal data). */
export function canEditPost(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && (owns(actor, post) || isStaff(actor));
}

/** Anyone signed in may flag someone else's post. */
export function canFlagPost(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && !owns(actor, post);
}

/** Only the asker accepts an answer, in an open thread of their own. */
export function canAcceptAnswer(actor: Actor, thread: ThreadState) {
  return canWrite(actor) && owns(actor, thread) && thread.status !== "closed";
}

export function canVerifyAnswer(actor: Actor) {
  return isActiveStaff(actor);
}
