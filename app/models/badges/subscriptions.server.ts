/**
 * What puts people in the badge queue from inside a write: a solution marked (the answer's author
 * may have earned one) and a post's state changed (public content counted by the rules changed).
 */
import { subscribe } from "~/models/shared/events.server";
import { queueAuthorsOfPost } from "./awarding.server";

export function subscribeBadges() {
  subscribe("solution marked", { inTransaction: queueAuthorsOfPost });
  subscribe("post state changed", { inTransaction: queueAuthorsOfPost });
}
