/**
 * Votes: one per user per post, +1 or -1, changeable and removable; never on one's own post.
 * Casting the same vote again is refused (409) rather than silently counted.
 * The vote row and the post's (and thread's) score change in one IMMEDIATE transaction, so
 * concurrent voters, even in other processes, never lose or double an update.
 */
import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { posts, threads, votes } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write } from "~/lib/db.server";
import { ConflictError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canVoteDown, canVoteOnPost, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { unlockedAt } from "~/lib/trust-levels";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { record } from "~/models/shared/events.server";
import { findPostInThread } from "~/models/shared/posts.server";

const voteSchema = z.object({
  value: z.enum(["1", "-1", "0"], { error: "A vote is up (1), down (-1) or removed (0)." }).transform(Number),
});

export async function castVote(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const { value } = parseInput(voteSchema, input);
  return write(async (db, changed) => {
    // A post the voter may not see (itself, or through its thread) does not exist: nothing is written.
    const post = await findPostInThread(actor, postId);
    changed.thread(post.threadId);
    if (post.moderationState !== "visible")
      throw new ConflictError("This post is waiting for review, so it cannot take votes yet.");
    ensure(canVoteOnPost(actor, post), "You cannot vote on your own post.");
    // After the visibility check: a post the voter may not see is a 404 before any word on privileges.
    ensure(value !== -1 || canVoteDown(actor), `You cannot vote posts down yet. ${unlockedAt("voteDown")}`);
    await consume(`vote:user:${actor.id}`, LIMITS.vote);
    const mine = and(eq(votes.userId, actor.id), eq(votes.postId, postId));
    // Read, then applied as a delta: right when one person votes through two servers at once only
    // because every write takes the database's one write lock (DECISIONS.md #65).
    const previous = firstRow(await db.select({ value: votes.value }).from(votes).where(mine))?.value ?? 0;
    const delta = value - previous;
    if (delta === 0) {
      if (value !== 0) throw new ConflictError(`You have already ${value > 0 ? "upvoted" : "downvoted"} this post.`);
      return {
        score: firstRow(await db.select({ score: posts.score }).from(posts).where(eq(posts.id, postId)))!.score,
        myVote: 0,
      };
    }
    if (value === 0) await db.delete(votes).where(mine);
    else {
      await db
        .insert(votes)
        .values({ userId: actor.id, postId, value, createdAt: now() })
        .onConflictDoUpdate({ target: [votes.userId, votes.postId], set: { value } });
    }
    const { score } = oneRow(
      await db
        .update(posts)
        .set({ score: sql`${posts.score} + ${delta}` })
        .where(eq(posts.id, postId))
        .returning({ score: posts.score }),
    );
    if (post.kind === "question") await db.update(threads).set({ score }).where(eq(threads.id, post.threadId));
    await record("vote cast", {
      threadId: post.threadId,
      post: { id: post.id, kind: post.kind, authorId: post.authorId },
      voter: actor,
      previous,
      value,
      at: now(),
    });
    return { score, myVote: value };
  });
}
