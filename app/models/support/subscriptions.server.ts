/**
 * What support does when the community writes: an answer on a thread with an active follow-up is a
 * reply on it (the first response, if staff wrote it), once everyone may read it (when posted, or
 * when approved or released later), and an accepted or verified answer resolves it.
 */
import { eq } from "drizzle-orm";
import { posts, users } from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import type { DomainEvents } from "~/models/shared/events.server";
import { recordReplyOnFollowUp } from "~/models/shared/follow-up-state.server";
import { subscribe } from "~/models/shared/events.server";
import { resolveFollowUpOfSolvedThread } from "./work.server";

/** An answer that waited (for review, or for its author's address) is a reply when it is let through. */
async function onAnswerLetThrough({ threadId, postId, from, to, at }: DomainEvents["post state changed"]) {
  if ((from !== "held" && from !== "waiting") || to !== "visible") return;
  const author = firstRow(
    await read((db) =>
      db
        .select({
          kind: posts.kind,
          id: users.id,
          username: users.username,
          role: users.role,
          suspendedUntil: users.suspendedUntil,
        })
        .from(posts)
        .innerJoin(users, eq(users.id, posts.authorId))
        .where(eq(posts.id, postId)),
    ),
  );
  if (!author || author.kind !== "answer") return;
  const { kind: _kind, ...member } = author;
  await recordReplyOnFollowUp(threadId, { kind: "user", ...member }, at, { postId });
}

export function subscribeSupport() {
  subscribe("answer posted", {
    inTransaction: ({ held, waiting, threadId, postId, author, at }) =>
      held || waiting ? undefined : recordReplyOnFollowUp(threadId, author, at, { postId }),
  });
  subscribe("post state changed", { inTransaction: onAnswerLetThrough });
  subscribe("solution marked", {
    inTransaction: ({ threadId, by, at, kind }) => resolveFollowUpOfSolvedThread(threadId, by, at, kind),
  });
}
