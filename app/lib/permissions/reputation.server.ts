/** Reputation: who sets its point values, and who reviews what the serial-voting check reversed. */
import { isActiveStaff, isAdmin, isSignedIn, isStaff, isSuspended, type Actor } from "./actors.server";

/** Point values shape what the whole community earns: admins only. */
export function canManageReputationSettings(actor: Actor) {
  return isAdmin(actor) && !isSuspended(actor);
}

/** Who voted for whom is between staff: the serial-voting list names voters. */
export function canReviewSerialVoting(actor: Actor) {
  return isActiveStaff(actor);
}

/** Which posts a person voted on (their downvotes' cost in their reputation history): them and staff. */
export function canSeeOwnVotes(actor: Actor, voterId: number) {
  return isStaff(actor) || (isSignedIn(actor) && actor.id === voterId);
}
