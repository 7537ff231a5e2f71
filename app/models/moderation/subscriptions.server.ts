/** What moderation does when posts are written elsewhere: a held post joins the review queue. */
import { subscribe } from "~/models/shared/events.server";
import { queueHeldPost } from "./post-state.server";

export function subscribeModeration() {
  for (const event of ["question asked", "answer posted"] as const) {
    subscribe(event, {
      inTransaction: ({ held, postId, at }) => (held ? queueHeldPost({ id: postId }, at) : undefined),
    });
  }
}
