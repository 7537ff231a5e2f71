/**
 * Solutions: the asker accepts one answer; staff mark one answer as the staff-verified solution.
 * Each kind is one row per thread (marking another answer moves it); both may point at one answer.
 * Accepting an answer or withdrawing the acceptance marks the thread (`acceptance_decided_at`): the
 * asker's decision, which a re-import of an imported thread leaves alone (DECISIONS.md #90). The
 * import writes accepted solutions only, never verified ones.
 */
import { and, eq } from "drizzle-orm";
import { solutions, threads, type SolutionKind } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, write } from "~/lib/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/lib/errors.server";
import {
  canAcceptAnswer,
  canSeeThread,
  canVerifyAnswer,
  ensure,
  ensureSignedIn,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { findPostInThread, refreshThreadStatus } from "~/models/shared/posts.server";
import { record } from "~/models/shared/events.server";

function ensureMayMark(actor: Actor, kind: SolutionKind, thread: { authorId: number; status: string }) {
  if (kind === "accepted") ensure(canAcceptAnswer(actor, thread), "Only the person who asked can accept an answer.");
  else ensure(canVerifyAnswer(actor), "Only staff can mark a staff-verified solution.");
}

/** Marks `postId` as the thread's accepted or verified solution (replacing an earlier one). */
export async function markSolution(actor: Actor, postId: number, kind: SolutionKind) {
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    const post = await findPostInThread(actor, postId, "That answer does not exist.");
    changed.thread(post.threadId);
    ensureMayMark(actor, kind, { authorId: post.threadAuthorId, status: post.threadStatus });
    if (post.kind !== "answer") throw new ValidationError({}, "Only an answer can be a solution.");
    if (post.moderationState !== "visible")
      throw new ConflictError("Only an answer everyone can see can be a solution.");
    await consume(`solution:user:${actor.id}`, LIMITS.solution);
    await db
      .insert(solutions)
      .values({ threadId: post.threadId, kind, postId, markedById: actor.id, markedAt: now() })
      .onConflictDoUpdate({
        target: [solutions.threadId, solutions.kind],
        set: { postId, markedById: actor.id, markedAt: now() },
      });
    await db
      .update(threads)
      .set({ lastActivityAt: now(), ...(kind === "accepted" ? { acceptanceDecidedAt: now() } : {}) })
      .where(eq(threads.id, post.threadId));
    await refreshThreadStatus(post.threadId);
    await record("solution marked", { threadId: post.threadId, postId, kind, by: actor, at: now() });
    if (kind === "verified") {
      await recordAudit(actor, {
        action: "answer.verify",
        subject: { type: "post", id: postId, label: `Answer in "${post.title}"` },
        after: { verified: true },
      });
    }
    return { threadId: post.threadId };
  });
}

export async function unmarkSolution(actor: Actor, postId: number, kind: SolutionKind) {
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    const row = firstRow(
      await db
        .select({
          threadId: solutions.threadId,
          title: threads.title,
          threadAuthorId: threads.authorId,
          threadStatus: threads.status,
          visibility: threads.visibility,
        })
        .from(solutions)
        .innerJoin(threads, eq(threads.id, solutions.threadId))
        .where(and(eq(solutions.postId, postId), eq(solutions.kind, kind))),
    );
    if (!row || !canSeeThread(actor, { authorId: row.threadAuthorId, visibility: row.visibility }))
      throw new NotFoundError("That answer is not marked as a solution.");
    changed.thread(row.threadId);
    ensureMayMark(actor, kind, { authorId: row.threadAuthorId, status: row.threadStatus });
    await consume(`solution:user:${actor.id}`, LIMITS.solution);
    await db.delete(solutions).where(and(eq(solutions.threadId, row.threadId), eq(solutions.kind, kind)));
    if (kind === "accepted")
      await db.update(threads).set({ acceptanceDecidedAt: now() }).where(eq(threads.id, row.threadId));
    await refreshThreadStatus(row.threadId);
    await record("solution removed", { threadId: row.threadId, postId, kind, by: actor, at: now() });
    if (kind === "verified") {
      await recordAudit(actor, {
        action: "answer.unverify",
        subject: { type: "post", id: postId, label: `Answer in "${row.title}"` },
        before: { verified: true },
        after: { verified: false },
      });
    }
    return { threadId: row.threadId };
  });
}
