/** Support follow-ups: who asks for one, who works them, who sees and writes on one. */
import { canWrite, isActiveStaff, isCustomer, isSignedIn, isStaff, owns, type Actor } from "./actors.server";
import { hasReachedOthers } from "./community.server";
import { canManageModerationSettings } from "./moderation.server";
import type { ModerationState } from "../../../db/schema";

/**
 * "I still need help": the asker of a thread, when they are a customer (follow-ups are for
 * customers), once the question has reached others (a waiting question is seen by no one yet).
 */
export function canRequestFollowUp(actor: Actor, thread: { authorId: number; visibility: ModerationState }) {
  return canWrite(actor) && owns(actor, thread) && isCustomer(actor) && !isStaff(actor) && hasReachedOthers(thread);
}

/** Staff can turn any thread they see into a follow-up (not a waiting one: `hasReachedOthers`), and work the queue. */
export function canWorkFollowUps(actor: Actor) {
  return isActiveStaff(actor);
}

/** The searches that found nothing (a report of the knowledge base's gaps) are for staff. */
export function canSeeFailedSearches(actor: Actor) {
  return isActiveStaff(actor);
}

/**
 * Macros (saved replies): every active member of staff inserts them, and edits them too: they are the
 * desk's shared wording, and every change is in the audit log (DECISIONS.md, "Macros").
 */
export function canUseMacros(actor: Actor) {
  return isActiveStaff(actor);
}

export function canEditMacros(actor: Actor) {
  return isActiveStaff(actor);
}

/** A follow-up is seen by staff and by the customer it is for; to anyone else it does not exist. */
export function canViewFollowUp(actor: Actor, followUp: { customerId: number }) {
  return isStaff(actor) || (isSignedIn(actor) && actor.id === followUp.customerId);
}

/** A customer's email address, local time and past ratings, beside their follow-up: staff only. */
export function canSeeCustomerDetails(actor: Actor) {
  return isStaff(actor);
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
