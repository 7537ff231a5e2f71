/**
 * Close votes: leaders (the top trust level) vote to close a question, each with a reason; the
 * CLOSE_VOTES_NEEDED-th vote closes it, with the reason most voters gave, as if staff had (the
 * audit log names the last voter and counts the votes). A voter may take their vote back while the
 * question is open; staff reopening a question clears its votes (DECISIONS.md #79).
 */
import { and, count, eq } from "drizzle-orm";
import { z } from "zod";
import { CLOSE_VOTE_REASONS, closeVotes, threads, type CloseVoteReason } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read, write } from "~/lib/db.server";
import { ConflictError, NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canSeeThread,
  canVoteToCloseThread,
  ensure,
  ensureSignedIn,
  isStaff,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { unlockedAt } from "~/lib/trust-levels";
import { recordAudit } from "~/models/shared/audit.server";
import { record } from "~/models/shared/events.server";
import { CLOSE_VOTE_REASON_LABELS, CLOSE_VOTES_NEEDED } from "./rules";

const voteSchema = z.object({
  reason: z.enum(CLOSE_VOTE_REASONS, { error: "Choose why the question should be closed." }),
});

/** The thread, read inside the caller's write (404 for whoever may not see it). */
async function threadToVoteOn(actor: Actor, threadId: number) {
  return read(async (db) => {
    const thread = firstRow(
      await db
        .select({
          id: threads.id,
          title: threads.title,
          status: threads.status,
          authorId: threads.authorId,
          visibility: threads.visibility,
        })
        .from(threads)
        .where(eq(threads.id, threadId)),
    );
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    return thread;
  });
}

/** The most common reason among `reasons` (ties: the first given). */
function mostGiven(reasons: CloseVoteReason[]) {
  const counts = new Map<CloseVoteReason, number>();
  for (const reason of reasons) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts.entries()].reduce((best, entry) => (entry[1] > best[1] ? entry : best))[0];
}

/** Casts the actor's vote; returns how many votes the question has and whether it closed. */
export async function castCloseVote(actor: Actor, threadId: number, input: unknown) {
  ensureSignedIn(actor);
  const { reason } = parseInput(voteSchema, input);
  return write(async (db, changed) => {
    changed.thread(threadId);
    const thread = await threadToVoteOn(actor, threadId);
    ensure(
      canVoteToCloseThread(actor, thread),
      isStaff(actor)
        ? "Staff close questions directly."
        : thread.status === "closed"
          ? "This question is closed already."
          : `Voting to close questions: ${unlockedAt("voteToClose")}`,
    );
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    const inserted = await db
      .insert(closeVotes)
      .values({ threadId, userId: actor.id, reason, createdAt: at })
      .onConflictDoNothing()
      .returning({ threadId: closeVotes.threadId });
    if (inserted.length === 0) throw new ConflictError("You have already voted to close this question.");
    const votes = await db
      .select({ reason: closeVotes.reason })
      .from(closeVotes)
      .where(eq(closeVotes.threadId, threadId));
    if (votes.length < CLOSE_VOTES_NEEDED) return { votes: votes.length, closed: false };
    const label = CLOSE_VOTE_REASON_LABELS[mostGiven(votes.map((vote) => vote.reason))];
    const closedReason = `${label} (closed by ${votes.length} community votes)`;
    await db
      .update(threads)
      .set({ status: "closed", closedReason, duplicateOfId: null })
      .where(eq(threads.id, threadId));
    await record("thread changed", {
      threadId,
      action: "close",
      reason: closedReason,
      by: actor,
      searchChanged: false,
      at,
    });
    await recordAudit(
      actor,
      {
        action: "thread.close-by-vote",
        subject: { type: "thread", id: threadId, label: thread.title },
        reason: closedReason,
        before: { status: thread.status },
        after: { status: "closed", votes: votes.length },
      },
      at,
    );
    return { votes: votes.length, closed: true };
  });
}

/** Takes the actor's vote back while the question is still open. */
export async function retractCloseVote(actor: Actor, threadId: number) {
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    changed.thread(threadId);
    const thread = await threadToVoteOn(actor, threadId);
    if (thread.status === "closed") throw new ConflictError("This question is closed already: staff can reopen it.");
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const removed = await db
      .delete(closeVotes)
      .where(and(eq(closeVotes.threadId, threadId), eq(closeVotes.userId, actor.id)))
      .returning({ threadId: closeVotes.threadId });
    if (removed.length === 0) throw new ConflictError("You have not voted to close this question.");
    const [{ votes }] = await db.select({ votes: count() }).from(closeVotes).where(eq(closeVotes.threadId, threadId));
    return { votes: Number(votes) };
  });
}
