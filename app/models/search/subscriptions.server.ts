/**
 * What keeps the search index in step: every write that changes what a thread's document holds
 * (its title, question, solutions, visibility) re-reads that document in the same transaction.
 */
import { subscribe } from "~/models/shared/events.server";
import { indexThread } from "./index.server";

export function subscribeSearch() {
  const reindex = ({ threadId }: { threadId: number }) => indexThread(threadId);
  subscribe("question asked", { inTransaction: reindex });
  subscribe("post edited", { inTransaction: (event) => (event.inSearchDocument ? reindex(event) : undefined) });
  subscribe("post state changed", { inTransaction: reindex });
  subscribe("solution marked", { inTransaction: reindex });
  subscribe("solution removed", { inTransaction: reindex });
  subscribe("thread changed", { inTransaction: (event) => (event.searchChanged ? reindex(event) : undefined) });
}
