/**
 * Staff remove an imported comment (a spam link, an insult, someone's phone number) for everyone but
 * staff, and restore it. Invariants (DECISIONS.md #91):
 * - the comment's row stays, with who removed it, when and why; readers other than staff never get
 *   it (`visibleCommentsCondition` in imported-comments.server.ts), staff see it marked as removed;
 * - only these two commands write the removal, and a re-import never does (it rewrites a comment's
 *   text and score from the source and leaves its removal as it is);
 * - each change is one audit entry, in the same transaction, naming the post and the comment's id,
 *   never its text: the log cannot be changed, so it must not keep what was removed.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { postComments } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, write } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canRemoveComment, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { rowIdField } from "~/lib/row-ids";
import { recordAudit } from "~/models/shared/audit.server";
import { findPostInThread } from "~/models/shared/posts.server";
import { postLabel } from "./post-state.server";
import { MAX_COMMENT_REMOVAL_REASON } from "./rules";
import { plainText } from "~/lib/plain-text";

const commentSchema = z.object({
  postId: rowIdField("Choose a post."),
  commentId: rowIdField("Choose a comment."),
  reason: plainText()
    .max(MAX_COMMENT_REMOVAL_REASON, `Keep the reason under ${MAX_COMMENT_REMOVAL_REASON} characters.`)
    .default(""),
});

const MISSING = "That comment does not exist.";

/**
 * Removes (`remove`) or restores a comment of post `postId` in thread `threadId`; a 404 for any other.
 * Returns the comment's id as parsed (for the page's anchor: never the raw form value).
 */
async function setRemoval(actor: Actor, threadId: number, input: unknown, remove: boolean) {
  ensure(canRemoveComment(actor), "Only staff can remove or restore comments.");
  ensureSignedIn(actor);
  const values = parseInput(commentSchema, input);
  return write(async (db, changed) => {
    const post = await findPostInThread(actor, values.postId, MISSING);
    if (post.threadId !== threadId) throw new NotFoundError(MISSING);
    changed.thread(post.threadId);
    const comment = firstRow(
      await db
        .select({ id: postComments.id, removedAt: postComments.removedAt })
        .from(postComments)
        .where(and(eq(postComments.id, values.commentId), eq(postComments.postId, post.id))),
    );
    if (!comment) throw new NotFoundError(MISSING);
    if ((comment.removedAt !== null) === remove) return { changed: false, commentId: comment.id };
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    await db
      .update(postComments)
      .set(
        remove
          ? { removedAt: at, removedById: actor.id, removalReason: values.reason || null }
          : { removedAt: null, removedById: null, removalReason: null },
      )
      .where(eq(postComments.id, comment.id));
    await recordAudit(
      actor,
      {
        action: remove ? "comment.remove" : "comment.restore",
        subject: { type: "post", id: post.id, label: postLabel(post) },
        reason: values.reason || null,
        before: { comment: comment.id, removed: !remove },
        after: { comment: comment.id, removed: remove },
      },
      at,
    );
    return { changed: true, commentId: comment.id };
  });
}

/** Staff take a comment down: everyone else stops seeing it, on the page and in its post's count. */
export function removeComment(actor: Actor, threadId: number, input: unknown) {
  return setRemoval(actor, threadId, input, true);
}

/** Staff put a removed comment back where it was. */
export function restoreComment(actor: Actor, threadId: number, input: unknown) {
  return setRemoval(actor, threadId, input, false);
}
