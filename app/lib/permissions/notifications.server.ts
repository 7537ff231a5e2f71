/** Notifications: who may watch, and who may be told about a post. */
import { isSignedIn, type Actor, type Member } from "./actors.server";

/** Anyone signed in may choose what they hear about (suspension limits writing, not reading). */
export function canWatch(actor: Actor): actor is Member {
  return isSignedIn(actor);
}
