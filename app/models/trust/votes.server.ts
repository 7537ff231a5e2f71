/**
 * Voting within one's trust level: a downvote is refused below "member", saying what unlocks it,
 * before the vote itself (community/votes.server.ts, which decides everything else about it).
 */
import { z } from "zod";
import { parseInput } from "~/lib/forms.server";
import { canVoteDown, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { unlockedAt } from "~/lib/trust-levels";
import { castVote } from "~/models/community/votes.server";
import { findPostInThread } from "~/models/shared/posts.server";

const directionSchema = z.object({ value: z.unknown() });

export async function castVoteWithinTrustLevel(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const { value } = parseInput(directionSchema, input);
  if (value === "-1" && !canVoteDown(actor)) {
    // A post the voter may not see does not exist (404), before any word on their privileges.
    await findPostInThread(actor, postId);
    ensure(false, `You cannot vote posts down yet. ${unlockedAt("voteDown")}`);
  }
  return castVote(actor, postId, input);
}
