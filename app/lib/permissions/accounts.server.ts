/** Accounts: profiles, one's own password, confirming one's address. */
import { isSignedIn, type Actor } from "./actors.server";

export function canChangeOwnPassword(actor: Actor) {
  return isSignedIn(actor);
}

export function canViewUserProfile(_actor: Actor) {
  return true;
}

/** Usernames are suggested to people writing posts: anyone signed in (profiles are public anyway). */
export function canSuggestUsernames(actor: Actor) {
  return isSignedIn(actor);
}

/**
 * A confirmation link works only for the account it was issued to, signed in: holding the link
 * proves access to the mailbox, not ownership of the account. Suspended accounts may confirm (it
 * is their own account's housekeeping; suspension limits writing, not roles).
 */
export function canConfirmEmailAddress(actor: Actor, token: { userId: number }) {
  return isSignedIn(actor) && actor.id === token.userId;
}
