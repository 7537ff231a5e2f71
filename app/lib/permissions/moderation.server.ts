/** Staff work: the review queue and post decisions, discipline, roles, settings, redaction and removed comments. */
import { isNull, type SQL } from "drizzle-orm";
import { postComments, type ModerationState, type Role } from "../../../db/schema";
import { isActiveStaff, isAdmin, isSignedIn, isStaff, isSuspended, type Actor } from "./actors.server";
import { isPublicThread } from "./community.server";
import { canVoteToClose } from "./trust.server";

/** The review queue, post decisions, thread actions, the lexicon and the audit log are for staff. */
export function canModerate(actor: Actor) {
  return isActiveStaff(actor);
}

/** Staff remove an imported comment (spam, abuse, personal data) for everyone but staff, and restore it: as they moderate posts. */
export function canRemoveComment(actor: Actor) {
  return canModerate(actor);
}

/**
 * A comment is seen where its post is (the page asks for the comments of the posts it shows), unless
 * staff removed it: then staff alone see it, marked as removed. Its SQL twin is `visibleCommentsCondition`.
 */
export function canSeeComment(actor: Actor, comment: { removedAt: Date | null }) {
  return comment.removedAt === null || isStaff(actor);
}

/** `canSeeComment` in SQL, as a condition on `post_comments` (undefined for staff). */
export function visibleCommentsCondition(actor: Actor, table: typeof postComments = postComments): SQL | undefined {
  return isStaff(actor) ? undefined : isNull(table.removedAt);
}

/** Search synonyms change what everyone's searches find: staff keep them, audited. */
export function canManageSynonyms(actor: Actor) {
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

/** Admins change other people's roles (never their own, so the last admin cannot lock everyone out). */
export function canChangeUserRole(actor: Actor, target: { id: number }) {
  return canManageModerationSettings(actor) && isSignedIn(actor) && actor.id !== target.id;
}

/** Trust-level thresholds decide who posts unreviewed and who may act on others' posts: admins only. */
export function canManageTrustSettings(actor: Actor) {
  return canManageModerationSettings(actor);
}

/**
 * Leaders vote to close an open, public question (staff close it themselves); it closes when
 * CLOSE_VOTES_NEEDED have voted.
 */
export function canVoteToCloseThread(actor: Actor, thread: { status: string; visibility: ModerationState }) {
  return canVoteToClose(actor) && !isStaff(actor) && thread.status !== "closed" && isPublicThread(thread);
}
