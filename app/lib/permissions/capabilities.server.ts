/** Ready-made flags for pages, so no page decides on its own. */
import { isSignedIn, isSuspended, type Actor } from "./actors.server";
import { canAcceptAnswer, canAnswerThread, canVerifyAnswer, type ThreadState } from "./community.server";
import { canDraftArticleFromThread } from "./kb.server";
import { canModerate } from "./moderation.server";

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
