/**
 * Threads and posts: who sees them (each rule with its SQL twin beside it) and who may write,
 * vote, flag, accept and verify.
 */
import { and, sql, type Column, type Placeholder, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
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
import { canEditOthersPostsDirectly } from "./trust.server";

export type ThreadState = { authorId: number; status: string; lockedAt?: Date | null };
type ModeratedContent = { authorId: number; moderationState: ModerationState };

export function canViewThread(_actor: Actor) {
  return true;
}

/** Whether everyone, visitors included, sees it: lists, search, counters and articles are built from public content only. */
export const isPublic = (content: { moderationState: ModerationState }) => content.moderationState === "visible";

/** A thread is public when its question is: the thread's visibility mirrors its question's state. */
export const isPublicThread = (thread: { visibility: ModerationState }) =>
  isPublic({ moderationState: thread.visibility });

/**
 * Held and hidden posts are seen by their author (marked as such) and staff; deleted posts by staff
 * alone; waiting posts (their author's address is not confirmed yet) by their author alone: nothing
 * about them reaches anyone, staff included, until confirmation releases them. A thread's
 * visibility is its question's.
 */
export function canSeeModeratedContent(actor: Actor, content: ModeratedContent) {
  if (isPublic(content)) return true;
  if (isWaiting(content)) return owns(actor, content);
  if (isStaff(actor)) return true;
  return content.moderationState !== "deleted" && owns(actor, content);
}

/** Written by an account whose address is not confirmed yet: seen by its author alone, reaching no one. */
export const isWaiting = (content: { moderationState: ModerationState }) => content.moderationState === "waiting";

/** Whether a thread has reached anyone but its author: a waiting question opens no follow-up and notifies no one. */
export const hasReachedOthers = (thread: { visibility: ModerationState }) =>
  !isWaiting({ moderationState: thread.visibility });

/** A thread's visibility is its question's, so the rule for moderated content decides it. */
export function canSeeThread(actor: Actor, thread: { authorId: number; visibility: ModerationState }) {
  return canSeeModeratedContent(actor, { authorId: thread.authorId, moderationState: thread.visibility });
}

/**
 * Whether the actor may see a post: the post itself, and the thread it is in (an answer in a hidden
 * thread is as hidden as its thread). Every page and action addressed by a post id asks this.
 * Its SQL twin is `visiblePostsCondition`, below.
 */
export function canSeePost(
  actor: Actor,
  { post, thread }: { post: ModeratedContent; thread: { authorId: number; visibility: ModerationState } },
) {
  return canSeeModeratedContent(actor, post) && canSeeThread(actor, thread);
}

/**
 * A profile lists and counts what its viewer may see of the person's posts and threads
 * (`canSeePost`, `canSeeThread`), except deleted ones, which it leaves out even for staff.
 */
export function canSeePostOnProfile(
  actor: Actor,
  { post, thread }: { post: ModeratedContent; thread: { authorId: number; visibility: ModerationState } },
) {
  return canSeePost(actor, { post, thread }) && post.moderationState !== "deleted" && thread.visibility !== "deleted";
}

export function canSeeThreadOnProfile(actor: Actor, thread: { authorId: number; visibility: ModerationState }) {
  return canSeeThread(actor, thread) && thread.visibility !== "deleted";
}

// The SQL twins. Each takes the table it filters, so a query that names it by an alias (`posts p`)
// can use them too; a test runs each twin and its rule over the same rows (DECISIONS.md #41).
type PostColumns = { moderationState: Column; authorId: Column; threadId: Column };
type ThreadColumns = { id: Column; visibility: Column; authorId: Column };
type ReaderKind = ReturnType<typeof readerKind>;
const readerIdOf = (actor: Actor) => (isSignedIn(actor) ? actor.id : 0);
const publicState = (state: Column) => sql`${state} = 'visible'`;

/** `isPublic` in SQL, on a post's own state. */
export function publicPostStatesCondition(table: PostColumns = posts): SQL {
  return publicState(table.moderationState);
}

/** `isPublicThread` in SQL, on `threads`. */
export function publicThreadsCondition(table: ThreadColumns = threads): SQL {
  return publicState(table.visibility);
}

/**
 * `isPublic` of a post and `isPublicThread` of its thread, for the post whose id is `postId`. Written
 * out in full, so it holds inside an UPDATE or INSERT, where drizzle leaves columns unqualified.
 */
export function publicPostByIdCondition(postId: SQL): SQL {
  return sql`EXISTS (SELECT 1 FROM posts pp JOIN threads pt ON pt.id = pp.thread_id WHERE pp.id = ${postId} AND pp.moderation_state = 'visible' AND pt.visibility = 'visible')`;
}

/** `hasReachedOthers` in SQL, on `threads`. */
export function reachedOthersThreadsCondition(table: ThreadColumns = threads): SQL {
  return sql`${table.visibility} <> 'waiting'`;
}

/** `canSeeModeratedContent` in SQL, on a state and an author column. */
function seenStatesCondition(state: Column, author: Column, kind: ReaderKind, readerId: number | Placeholder): SQL {
  if (kind === "staff") return sql`(${state} <> 'waiting' OR ${author} = ${readerId})`;
  if (kind === "visitor") return publicState(state);
  return sql`(${publicState(state)} OR (${author} = ${readerId} AND ${state} IN ('held', 'hidden', 'waiting')))`;
}

/** `canSeeThread` in SQL, as a condition on `threads`. */
export function visibleThreadsCondition(actor: Actor, table: ThreadColumns = threads): SQL {
  return seenStatesCondition(table.visibility, table.authorId, readerKind(actor), readerIdOf(actor));
}

/**
 * `canSeeModeratedContent` in SQL on `posts`, the post's own state only: for a page of one thread
 * whose visibility was already checked with `canSeeThread`.
 */
export function visiblePostStatesConditionFor(
  kind: ReaderKind,
  readerId: number | Placeholder,
  table: PostColumns = posts,
): SQL {
  return seenStatesCondition(table.moderationState, table.authorId, kind, readerId);
}

/** A condition on `table`'s thread, read by id: one primary-key lookup per row, so callers need not join threads. */
function inThreadWhere(table: PostColumns, condition: (thread: ThreadColumns) => SQL | undefined): SQL | undefined {
  const thread = alias(threads, "t");
  const onThread = condition(thread);
  if (!onThread) return undefined;
  return sql`EXISTS (SELECT 1 FROM threads ${thread} WHERE ${thread.id} = ${table.threadId} AND ${onThread})`;
}

/** `canSeePost` in SQL, as a condition on `posts` (undefined for staff): the post's own state, and its thread's. */
export function visiblePostsCondition(actor: Actor, table: PostColumns = posts): SQL | undefined {
  return and(
    visiblePostStatesConditionFor(readerKind(actor), readerIdOf(actor), table),
    inThreadWhere(table, (thread) => visibleThreadsCondition(actor, thread)),
  );
}

/** `canSeeThreadOnProfile` in SQL, on `threads`. */
export function profileThreadsCondition(actor: Actor, table: ThreadColumns = threads): SQL {
  return and(visibleThreadsCondition(actor, table), sql`${table.visibility} <> 'deleted'`)!;
}

/** `canSeePostOnProfile` in SQL, on `posts`. */
export function profilePostsCondition(actor: Actor, table: PostColumns = posts): SQL {
  return and(
    visiblePostStatesConditionFor(readerKind(actor), readerIdOf(actor), table),
    sql`${table.moderationState} <> 'deleted'`,
    inThreadWhere(table, (thread) => profileThreadsCondition(actor, thread)),
  )!;
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

/**
 * Authors edit their own posts; staff edit any post (to fix formatting, remove personal data), and
 * so do regulars (`canEditOthersPostsDirectly`).
 */
export function canEditPost(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && (owns(actor, post) || isStaff(actor) || canEditOthersPostsDirectly(actor, post));
}

/**
 * Whoever may not edit someone else's post directly may suggest an edit to it, which staff review
 * (staff, and the levels trusted to edit, edit directly; an author edits their own).
 */
export function canSuggestEditPost(actor: Actor, post: OwnedPost) {
  return canWrite(actor) && !owns(actor, post) && !canEditPost(actor, post);
}

/** Suggested edits are decided by staff. */
export function canReviewSuggestedEdits(actor: Actor) {
  return isActiveStaff(actor);
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
