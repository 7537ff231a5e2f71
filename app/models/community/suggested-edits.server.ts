/**
 * Suggested edits: someone who may not edit a post directly proposes a new text (and, for a
 * question, title) with a word on what they changed; staff approve it, which applies it as an
 * edit by its suggester (in the post's history like any other), or decline it with a reason. The
 * suggester hears of the decision. One suggestion waits per post at a time (DECISIONS.md #76).
 */
import { and, asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import { posts, suggestedEdits, threads, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, read, write } from "~/lib/db.server";
import { ConflictError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canEditPost,
  canReviewSuggestedEdits,
  canSuggestEditPost,
  ensure,
  ensureSignedIn,
  isPublic,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { notify } from "~/models/notifications/notifications.server";
import { recordAudit } from "~/models/shared/audit.server";
import { findPostInThread } from "~/models/shared/posts.server";
import { renderPostBody } from "./mentions.server";
import { applyPostEdit, editSchemaFor } from "./posts.server";
import { SUGGESTED_EDITS_PAGE_SIZE } from "./rules";
import { memberColumns } from "~/models/accounts/member-columns.server";
import { plainText } from "~/lib/plain-text";

const summarySchema = plainText({ error: "Say what you changed." })
  .min(5, "Say what you changed, in a few words.")
  .max(300, "Keep it under 300 characters.");

/** Whether the editor page edits the post or suggests an edit, and what it starts from. */
export async function getPostEditor(actor: Actor, postId: number) {
  const post = await findPostInThread(actor, postId);
  const mode = canEditPost(actor, post) ? "edit" : canSuggestEditPost(actor, post) ? "suggest" : null;
  ensure(mode !== null, "You can only edit your own posts.");
  if (mode === "suggest") await ensureConfirmed(actor);
  const pending =
    mode === "suggest"
      ? Boolean(
          firstRow(
            await read((db) =>
              db
                .select({ id: suggestedEdits.id })
                .from(suggestedEdits)
                .where(and(eq(suggestedEdits.postId, postId), eq(suggestedEdits.status, "pending"))),
            ),
          ),
        )
      : false;
  const { id, kind, authorId, bodyMarkdown, threadId, moderationState, title, slug } = post;
  // The version the editor starts from: a suggestion sent after the post changed is refused.
  const base = (post.editedAt ?? post.createdAt).getTime();
  return { mode: mode!, pending, base, id, kind, authorId, bodyMarkdown, threadId, moderationState, title, slug };
}

/**
 * A suggestion reaches staff at once, so it needs an account whose address is confirmed (until
 * then, what an account writes waits unseen: see db/schema/users.ts).
 */
async function ensureConfirmed(actor: Actor) {
  ensureSignedIn(actor);
  const account = firstRow(
    await read((db) => db.select({ confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, actor.id))),
  );
  ensure(
    Boolean(account?.confirmedAt),
    "Confirm your email address (see the link we sent you) before suggesting edits.",
  );
}

/** Sends a suggestion to staff; refused while another waits on the post. */
export async function suggestEdit(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const found = await findPostInThread(actor, postId);
  ensure(canSuggestEditPost(actor, found), "You can edit this post yourself.");
  await ensureConfirmed(actor);
  const values = parseInput(
    editSchemaFor(found.kind).extend({
      summary: summarySchema,
      base: z.coerce.number({ error: "Reload the page and try again." }).int("Reload the page and try again."),
    }),
    input,
  );
  const title = "title" in values ? (values.title as string) : undefined;
  if (values.body === found.bodyMarkdown && (title === undefined || title === found.title))
    throw new ValidationError({ body: "Change something before you send the edit." });
  // Rendered now, so Markdown the renderer refuses is refused here, not at approval.
  await renderPostBody(values.body);
  return write(async (db) => {
    const post = await findPostInThread(actor, postId);
    if (!isPublic(post)) throw new ConflictError("This post is not public now, so it takes no suggested edits.");
    const baseAuthoredAt = post.editedAt ?? post.createdAt;
    // Approving an edit of an older text would undo what changed since (an author's correction).
    if (baseAuthoredAt.getTime() !== values.base)
      throw new ConflictError(
        "The post was edited while you were writing. Copy your changes, reload the page and make them on the new text.",
      );
    await consume(`edit:user:${actor.id}`, LIMITS.edit);
    const waiting = firstRow(
      await db
        .select({ id: suggestedEdits.id })
        .from(suggestedEdits)
        .where(and(eq(suggestedEdits.postId, postId), eq(suggestedEdits.status, "pending"))),
    );
    if (waiting)
      throw new ConflictError("An edit of this post is already waiting for review. Try again once staff have decided.");
    const at = now();
    return oneRow(
      await db
        .insert(suggestedEdits)
        .values({
          postId,
          suggesterId: actor.id,
          title: post.kind === "question" && title !== post.title ? (title ?? null) : null,
          bodyMarkdown: values.body,
          summary: values.summary,
          baseAuthoredAt,
          createdAt: at,
        })
        .returning({ id: suggestedEdits.id }),
    );
  });
}

/** The suggestions waiting for staff, oldest first, with the text each would replace. */
export async function listSuggestedEdits(actor: Actor, page: number) {
  ensure(canReviewSuggestedEdits(actor), "Only staff review suggested edits.");
  const suggester = alias(users, "suggester");
  const rows = await read((db) =>
    db
      .select({
        id: suggestedEdits.id,
        postId: suggestedEdits.postId,
        summary: suggestedEdits.summary,
        suggestedTitle: suggestedEdits.title,
        suggestedBody: suggestedEdits.bodyMarkdown,
        baseAuthoredAt: suggestedEdits.baseAuthoredAt,
        createdAt: suggestedEdits.createdAt,
        suggester: suggester.username,
        kind: posts.kind,
        currentBody: posts.bodyMarkdown,
        postCreatedAt: posts.createdAt,
        postEditedAt: posts.editedAt,
        threadId: threads.id,
        title: threads.title,
        slug: threads.slug,
      })
      .from(suggestedEdits)
      .innerJoin(posts, eq(posts.id, suggestedEdits.postId))
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(suggester, eq(suggester.id, suggestedEdits.suggesterId))
      .where(eq(suggestedEdits.status, "pending"))
      .orderBy(asc(suggestedEdits.createdAt), asc(suggestedEdits.id))
      .limit(SUGGESTED_EDITS_PAGE_SIZE + 1)
      .offset((page - 1) * SUGGESTED_EDITS_PAGE_SIZE),
  );
  return {
    edits: rows.slice(0, SUGGESTED_EDITS_PAGE_SIZE).map(({ postCreatedAt, postEditedAt, ...row }) => ({
      ...row,
      // The post changed after the suggestion was made: approving it would undo that change.
      stale: (postEditedAt ?? postCreatedAt).getTime() !== row.baseAuthoredAt.getTime(),
    })),
    hasNextPage: rows.length > SUGGESTED_EDITS_PAGE_SIZE,
  };
}

const decisionSchema = z.discriminatedUnion("decision", [
  z.object({ decision: z.literal("approve"), reason: plainText().max(500).default("") }),
  z.object({
    decision: z.literal("reject"),
    reason: plainText({ error: "Say why, for the person who suggested it." })
      .min(3, "Say why, for the person who suggested it.")
      .max(500, "Keep the reason under 500 characters."),
  }),
]);

/** Staff approve (the edit is applied as its suggester's) or decline a waiting suggestion. */
export async function decideSuggestedEdit(actor: Actor, suggestionId: number, input: unknown) {
  ensure(canReviewSuggestedEdits(actor), "Only staff review suggested edits.");
  ensureSignedIn(actor);
  const decision = parseInput(decisionSchema, input);
  const suggestion = firstRow(
    await read((db) => db.select().from(suggestedEdits).where(eq(suggestedEdits.id, suggestionId))),
  );
  if (!suggestion) throw new NotFoundError("That suggested edit does not exist.");
  const bodyHtml = decision.decision === "approve" ? await renderPostBody(suggestion.bodyMarkdown) : "";
  return write(async (db, changed) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const post = await findPostInThread(actor, suggestion.postId);
    changed.thread(post.threadId);
    const at = now();
    const claimed = await db
      .update(suggestedEdits)
      .set({
        status: decision.decision === "approve" ? "approved" : "rejected",
        decidedById: actor.id,
        decidedAt: at,
        decisionReason: decision.reason || null,
      })
      .where(and(eq(suggestedEdits.id, suggestionId), eq(suggestedEdits.status, "pending")))
      .returning({ id: suggestedEdits.id });
    if (claimed.length === 0) throw new ConflictError("This suggestion was already decided.");
    const suggester = oneRow(await db.select(memberColumns).from(users).where(eq(users.id, suggestion.suggesterId)));
    // The title as it stands after the decision: a declined title must not live on in the log (it
    // may hold personal data), as an approved edit's replaced title does not.
    const titleNow = decision.decision === "approve" ? (suggestion.title ?? post.title) : post.title;
    const label = `${post.kind === "question" ? "Question" : "Answer"} in "${titleNow}"`;
    if (decision.decision === "approve") {
      if ((post.editedAt ?? post.createdAt).getTime() !== suggestion.baseAuthoredAt.getTime())
        throw new ConflictError(
          "The post was edited after this suggestion was made, so approving it would undo that edit. Decline it; they can suggest again on the new text.",
        );
      const member: Member = { kind: "user", ...suggester };
      await applyPostEdit(
        post,
        member,
        { body: suggestion.bodyMarkdown, ...(suggestion.title !== null ? { title: suggestion.title } : {}) },
        bodyHtml,
        at,
        { audited: false },
      );
    }
    await recordAudit(
      actor,
      {
        action: decision.decision === "approve" ? "post.suggested-edit.approve" : "post.suggested-edit.reject",
        subject: { type: "post", id: post.id, label },
        reason: decision.reason || null,
        after: { suggestedBy: suggester.username },
      },
      at,
    );
    await notify(
      {
        userId: suggester.id,
        kind: "moderation",
        title:
          decision.decision === "approve"
            ? `Your edit of "${suggestion.title ?? post.title}" was approved`
            : `Your edit of "${post.title}" was declined`,
        path: `/questions/${post.threadId}/${post.slug}#post-${post.id}`,
        reason: "You suggested this edit.",
        actorId: actor.id,
        emailText:
          decision.decision === "approve"
            ? "Staff approved the edit you suggested; it is on the post now."
            : `Staff declined the edit you suggested: ${decision.reason}`,
      },
      at,
    );
    return { decision: decision.decision, threadId: post.threadId };
  });
}
