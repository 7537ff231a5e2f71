/** Accounts: profiles, one's own password, confirming and changing one's address. */
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

export function canChangeOwnEmail(actor: Actor) {
  return isSignedIn(actor);
}

/**
 * A link to switch to a new address works only for the account that asked, signed in: it proves
 * access to the new mailbox, and the session proves the account (whoever reads that mailbox must
 * not move someone else's account to it).
 */
export function canUseEmailChangeLink(actor: Actor, token: { userId: number }) {
  return canConfirmEmailAddress(actor, token);
}
