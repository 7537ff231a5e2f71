/**
 * What support does when the community writes: a customer's question becomes a follow-up at once
 * where the grace period is zero (the job opens the others); an answer on a thread with an active follow-up is a
 * reply on it (the first response, if staff wrote it), once everyone may read it (when posted, or
 * when approved or released later), and an accepted or verified answer resolves it.
 */
import { eq } from "drizzle-orm";
import { posts, users } from "../../../db/schema";
import { firstRow, read } from "~/lib/db.server";
import type { DomainEvents } from "~/models/shared/events.server";
import { recordReplyOnFollowUp } from "~/models/shared/follow-up-state.server";
import { subscribe } from "~/models/shared/events.server";
import { now } from "~/lib/clock.server";
import { openDueFollowUps } from "./opening.server";
import { resolveFollowUpOfSolvedThread } from "./work.server";

/** A question let through after waiting may already be past its grace period. */
async function onQuestionLetThrough({ threadId, postId, from, to }: DomainEvents["post state changed"]) {
  if ((from !== "held" && from !== "waiting") || to !== "visible") return;
  const post = firstRow(await read((db) => db.select({ kind: posts.kind }).from(posts).where(eq(posts.id, postId))));
  if (post?.kind === "question") await openDueFollowUps(now(), threadId);
}

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
          trustLevel: users.trustLevel,
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
    inTransaction: ({ held, waiting, threadId, postId, author, at, followUpActive }) =>
      held || waiting ? undefined : recordReplyOnFollowUp(threadId, author, at, { postId }, followUpActive),
  });
  subscribe("post state changed", { inTransaction: onAnswerLetThrough, afterCommit: onQuestionLetThrough });
  // In a category whose grace period is zero, a customer's question is a follow-up at once.
  subscribe("question asked", {
    afterCommit: ({ held, waiting, threadId, at }) => (held || waiting ? undefined : openDueFollowUps(at, threadId)),
  });
  subscribe("solution marked", {
    inTransaction: ({ threadId, by, at, kind }) => resolveFollowUpOfSolvedThread(threadId, by, at, kind),
  });
}
