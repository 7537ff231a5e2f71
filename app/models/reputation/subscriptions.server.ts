/** What reputation does when the community writes: votes, solutions and moderation move points. */
import { subscribe } from "~/models/shared/events.server";
import { onPostStateChanged, onSolutionMarked, onSolutionRemoved, onVoteCast } from "./sources.server";

export function subscribeReputation() {
  subscribe("vote cast", { inTransaction: onVoteCast });
  subscribe("solution marked", { inTransaction: onSolutionMarked });
  subscribe("solution removed", { inTransaction: onSolutionRemoved });
  subscribe("post state changed", { inTransaction: onPostStateChanged });
}
