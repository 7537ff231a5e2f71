/** What trust levels do when others write: a person's level follows their reputation and their approved posts, in the same write. */
import { subscribe } from "~/models/shared/events.server";
import { recomputeTrustLevel, recomputeTrustLevelOfPostAuthor } from "./levels.server";

export function subscribeTrust() {
  subscribe("reputation changed", {
    inTransaction: ({ userId, total, at }) => recomputeTrustLevel(userId, at, `reputation now ${total}`),
  });
  subscribe("post state changed", {
    inTransaction: ({ postId, from, to, at }) =>
      (from === "visible") !== (to === "visible")
        ? recomputeTrustLevelOfPostAuthor(postId, at, `a post of theirs went from ${from} to ${to}`)
        : undefined,
  });
}
