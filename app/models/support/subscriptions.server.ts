/**
 * What support does when the community writes: an answer on a thread with an active follow-up is a
 * reply on it (the first response, if staff wrote it), and an accepted or verified answer resolves it.
 */
import { recordReplyOnFollowUp } from "~/models/shared/follow-up-state.server";
import { subscribe } from "~/models/shared/events.server";
import { resolveFollowUpOfSolvedThread } from "./work.server";

export function subscribeSupport() {
  subscribe("answer posted", {
    inTransaction: ({ held, waiting, threadId, postId, author, at }) =>
      held || waiting ? undefined : recordReplyOnFollowUp(threadId, author, at, { postId }),
  });
  subscribe("solution marked", {
    inTransaction: ({ threadId, by, at }) => resolveFollowUpOfSolvedThread(threadId, by, at),
  });
}
