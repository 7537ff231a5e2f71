/**
 * The one place that answers "may this actor do this to that".
 * Predicates are pure (no database access) so they can be tested as a table, role by role; models
 * call `ensure` with them before every change, and pages get ready-made flags from `capabilities`.
 * The visitor is a real actor, so no caller needs to special-case "not signed in".
 */
import { sql, type Placeholder, type SQL } from "drizzle-orm";
import { posts, threads, type Audience, type ModerationState, type Role } from "../../db/schema";
import { now } from "./clock.server";
import { ForbiddenError, NotFoundError } from "./errors.server";

export type Visitor = { kind: "visitor" };
export type Member = { kind: "user"; id: number; username: string; role: Role; suspendedUntil: Date | null };
export type Actor = Visitor | Member;

export const VISITOR: Visitor = { kind: "visitor" };

type OwnedPost = { authorId: number };
type ThreadState = { authorId: number; status: string; lockedAt?: Date | null };
type ModeratedContent = { authorId: number; moderationState: ModerationState };

export const isSignedIn = (actor: Actor): actor is Member => actor.kind === "user";
export const isStaff = (actor: Actor): boolean =>
  isSignedIn(actor) && (actor.role === "staff" || actor.role === "admin");
const isAdmin = (actor: Actor) => isSignedIn(actor) && actor.role === "admin";
const owns = (actor: Actor, record: OwnedPost) => isSignedIn(actor) && actor.id === record.authorId;

/** A suspended account reads like anyone else but writes nothing until the suspension ends. */
export const isSuspended = (actor: Actor) =>
  isSignedIn(actor) && actor.suspendedUntil !== null && actor.suspendedUntil > now();
/** Signed in and not suspended: the condition of every write. */
const canWrite = (actor: Actor): actor is Member => isSignedIn(actor) && !isSuspended(actor);
const isActiveStaff = (actor: Actor) => isStaff(actor) && !isSuspended(actor);

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

/** Which form of a reading rule applies to `actor`: prepared queries keep one variant per kind. */
export const readerKind = (actor: Actor) => (isStaff(actor) ? "staff" : isSignedIn(actor) ? "member" : "visitor");

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

/** The review queue, post decisions, thread actions, the lexicon and the audit log are for staff. */
export function canModerate(actor: Actor) {
  return isActiveStaff(actor);
}

/** Staff suspend and warn members and customers; only admins do so to staff; nobody to themselves or an admin. */
export function canDisciplineUser(actor: Actor, target: { id: number; role: Role }) {
  if (!isActiveStaff(actor) || (isSignedIn(actor) && actor.id === target.id) || target.role === "admin") return false;
  return target.role === "staff" ? isAdmin(actor) : true;
}

/** Moderation thresholds and customer-domain rules shape the whole site: admins only. */
export function canManageModerationSettings(actor: Actor) {
  return isAdmin(actor) && !isSuspended(actor);
}

/**
 * Staff remove a past version's text (personal data) for everyone but staff, and may put it back.
 * Staff go on reading redacted text, marked as such.
 */
export function canRedactRevision(actor: Actor) {
  return isActiveStaff(actor);
}

export function canReadRedactedRevision(actor: Actor) {
  return isStaff(actor);
}

/** Only the asker accepts an answer, in an open thread of their own. */
export function canAcceptAnswer(actor: Actor, thread: ThreadState) {
  return canWrite(actor) && owns(actor, thread) && thread.status !== "closed";
}

export function canVerifyAnswer(actor: Actor) {
  return isActiveStaff(actor);
}

export function canChangeOwnPassword(actor: Actor) {
  return isSignedIn(actor);
}

export function canViewUserProfile(_actor: Actor) {
  return true;
}

/**
 * A confirmation link works only for the account it was issued to, signed in: holding the link
 * proves access to the mailbox, not ownership of the account. Suspended accounts may confirm (it
 * is their own account's housekeeping; suspension limits writing, not roles).
 */
export function canConfirmEmailAddress(actor: Actor, token: { userId: number }) {
  return isSignedIn(actor) && actor.id === token.userId;
}

/** Admins change other people's roles (never their own, so the last admin cannot lock everyone out). */
export function canChangeUserRole(actor: Actor, target: { id: number }) {
  return canManageModerationSettings(actor) && isSignedIn(actor) && actor.id !== target.id;
}

/** Customers are the people the company serves; staff and admins read everything customers read. */
export const isCustomer = (actor: Actor): actor is Member => isSignedIn(actor) && actor.role !== "member";

/** Whether the actor may read an article's body. */
export function canReadArticle(actor: Actor, article: { audience: Audience }) {
  if (article.audience === "public") return true;
  if (article.audience === "customers") return isCustomer(actor);
  return isStaff(actor);
}

/**
 * Whether the actor may know the article exists (its title and summary): customer-only articles
 * are advertised to everyone, so visitors learn what a customer account brings; staff-only ones
 * exist for staff alone.
 */
export function canSeeArticleTeaser(actor: Actor, article: { audience: Audience }) {
  return article.audience !== "staff" || isStaff(actor);
}

/** "Was this helpful?" is open to anyone who can read the article, signed in or not. */
export function canGiveArticleFeedback(actor: Actor, article: { audience: Audience }) {
  return canReadArticle(actor, article) && !isSuspended(actor);
}

export function canViewArticleFeedback(actor: Actor) {
  return isStaff(actor);
}

export function canDraftArticleFromThread(actor: Actor) {
  return isStaff(actor);
}

/** "I still need help": the asker of a thread, when they are a customer (follow-ups are for customers). */
export function canRequestFollowUp(actor: Actor, thread: { authorId: number }) {
  return canWrite(actor) && owns(actor, thread) && isCustomer(actor) && !isStaff(actor);
}

/** Staff can turn any thread into a follow-up, and work the queue. */
export function canWorkFollowUps(actor: Actor) {
  return isActiveStaff(actor);
}

/** A follow-up is seen by staff and by the customer it is for; to anyone else it does not exist. */
export function canViewFollowUp(actor: Actor, followUp: { customerId: number }) {
  return isStaff(actor) || (isSignedIn(actor) && actor.id === followUp.customerId);
}

/** Replies and private messages on a follow-up, and "still not solved": its customer and staff, while not suspended. */
export function canWriteOnFollowUp(actor: Actor, followUp: { customerId: number }) {
  return canWrite(actor) && canViewFollowUp(actor, followUp);
}

/** The one satisfaction question is the customer's to answer, nobody else's. */
export function canRateFollowUp(actor: Actor, followUp: { customerId: number }) {
  return canWrite(actor) && actor.id === followUp.customerId;
}

export function canSetResponseTargets(actor: Actor) {
  return canManageModerationSettings(actor);
}

/** Throws a 403 (or a 404 when the subject's very existence is private) unless `allowed`. */
export function ensure(allowed: boolean, message = "You are not allowed to do that.", hideExistence = false) {
  if (allowed) return;
  throw hideExistence ? new NotFoundError() : new ForbiddenError(message);
}

export function ensureSignedIn(actor: Actor): asserts actor is Member {
  if (!isSignedIn(actor)) throw new ForbiddenError("Sign in to do that.");
}

export function threadCapabilities(actor: Actor, thread: ThreadState) {
  return {
    canAnswer: canAnswerThread(actor, thread),
    canAccept: canAcceptAnswer(actor, thread),
    canVerify: canVerifyAnswer(actor),
    canDraftArticle: canDraftArticleFromThread(actor) && thread.status === "solved",
    canModerate: canModerate(actor),
    signedIn: isSignedIn(actor),
    suspended: isSuspended(actor),
  };
}
