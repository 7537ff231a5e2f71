/** What rewards do when others write: loyalty points follow reputation, inside the write that changed it. */
import { subscribe } from "~/models/shared/events.server";
import { earnWithReputation } from "./points.server";

export function subscribeRewards() {
  subscribe("reputation changed", { inTransaction: earnWithReputation });
}
