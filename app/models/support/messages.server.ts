/** Writing on a follow-up: replies (public or private), internal notes, "still not solved", and the customer's rating. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { followUpNotes, followUpSurveys, followUps, privateMessages } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write } from "~/lib/db.server";
import { ConflictError, ValidationError } from "~/lib/errors.server";
import { MarkdownTooComplexError } from "~/lib/markdown.server";
import { parseInput } from "~/lib/forms.server";
import {
  canRateFollowUp,
  canWorkFollowUps,
  ensure,
  ensureSignedIn,
  isStaff,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS, replyLimit } from "~/lib/rate-limit.server";
import { REPLY_THEN } from "./rules";
import {
  activeFollowUpFor,
  changeFollowUpStatus,
  recordReplyOnFollowUp,
  writeFollowUpEvent,
} from "~/models/shared/follow-up-state.server";
import { postAnswer } from "~/models/community/posts.server";
import { discardDraft } from "./drafts.server";
import { auditFollowUpWork, workedFields } from "./work.server";
import { bodySchema } from "~/models/community/post-input";
import { findFollowUp, followUpToWriteOn } from "./access.server";
import { tellMentionedOnFollowUp, tellStillNotSolved } from "./staff-notices.server";
import { renderPostBody } from "~/models/community/mentions.server";
import { plainText } from "~/lib/plain-text";

const replySchema = z.object({
  body: bodySchema,
  visibility: z.enum(["thread", "private"], { error: "Choose where the reply goes." }).default("private"),
  then: z.enum(REPLY_THEN, { error: "Choose what happens next." }).default("open"),
});

/**
 * A reply on a follow-up: a private message for the customer and staff, or, when chosen, into the
 * thread (an answer everyone sees). A staff reply is the first response; after it the follow-up
 * stays open unless staff choose to wait for the customer (which stops the clock) or to resolve it.
 * Sending a staff reply deletes its draft.
 */
export async function replyOnFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(replySchema, input);
  const bodyHtml = await renderPostBody(values.body);
  return write(async (db, changed) => {
    // Whoever may see the follow-up (its customer, staff) may write on it, unless suspended.
    const followUp = await followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status === "resolved") throw new ConflictError("This follow-up is resolved. Reopen it to reply.");
    const at = now();
    let postId: number | null = null;
    let messageId: number | null = null;
    if (values.visibility === "thread") {
      postId = (await postAnswer(actor, followUp.threadId, { body: values.body })).postId;
    } else {
      const budget = replyLimit(actor, "private-message");
      await consume(budget.key, budget.limit);
      messageId = oneRow(
        await db
          .insert(privateMessages)
          .values({ followUpId, authorId: actor.id, bodyMarkdown: values.body, bodyHtml, createdAt: at })
          .returning({ id: privateMessages.id }),
      ).id;
      await writeFollowUpEvent(followUpId, actor.id, "private-message", "", at);
      const message = { markdown: values.body, html: bodyHtml };
      await recordReplyOnFollowUp(followUp.threadId, actor, at, { privateMessage: message });
      await tellMentionedOnFollowUp(followUp, actor, { ...message, kind: "message" }, at);
    }
    if (isStaff(actor)) {
      const current = firstRow(await db.select().from(followUps).where(eq(followUps.id, followUpId)))!;
      const before = await workedFields(current);
      // The reply's own notification already told the customer; only a resolution says more.
      await changeFollowUpStatus(current, values.then, actor.id, at, { quiet: true });
      await auditFollowUpWork(actor, followUpId, before, at);
      await discardDraft(followUpId, actor);
    }
    return { followUpId, postId, messageId, threadId: followUp.threadId };
  });
}

// "note", not "body": the staff form of the follow-up page sends the reply box along with every action.
const noteSchema = z.object({ note: bodySchema });

export async function addInternalNote(actor: Actor, followUpId: number, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can write internal notes.");
  ensureSignedIn(actor);
  const { note: body } = parseInput(noteSchema, input);
  const bodyHtml = await renderPostBody(body).catch((error) => {
    // Markdown too complex to render is an error on the note's own field, not the reply box's.
    if (error instanceof MarkdownTooComplexError) throw new ValidationError({ note: error.message }, error.message);
    throw error;
  });
  return write(async (db, changed) => {
    const followUp = await findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    await consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    await db
      .insert(followUpNotes)
      .values({ followUpId: followUp.id, authorId: actor.id, bodyMarkdown: body, bodyHtml, createdAt: at });
    await writeFollowUpEvent(followUp.id, actor.id, "note", "", at);
    await tellMentionedOnFollowUp(followUp, actor, { markdown: body, html: bodyHtml, kind: "note" }, at);
    return { followUpId };
  });
}

/** The customer says it is still not solved: the follow-up opens again with fresh targets. */
export async function reopenFollowUp(actor: Actor, followUpId: number) {
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    const followUp = await followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status !== "resolved") return { followUpId };
    if (await activeFollowUpFor(followUp.threadId))
      throw new ConflictError("This thread already has an open follow-up.");
    const at = now();
    await changeFollowUpStatus({ ...followUp }, "open", actor.id, at);
    if (!isStaff(actor)) await tellStillNotSolved(followUp, actor, at);
    return { followUpId };
  });
}

const ratingSchema = z.object({
  rating: z.coerce
    .number({ error: "Choose from 1 to 5." })
    .int("Choose from 1 to 5.")
    .min(1, "Choose from 1 to 5.")
    .max(5, "Choose from 1 to 5."),
  comment: plainText()
    .max(2000, "Keep the comment under 2,000 characters.")
    .optional()
    .transform((value) => value || null),
});

/** The customer answers the satisfaction question of their resolved follow-up, once. */
export async function rateFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(ratingSchema, input);
  return write(async (db, changed) => {
    const followUp = await findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    ensure(canRateFollowUp(actor, followUp), "Only the customer who asked can rate the help they got.");
    const survey = firstRow(await db.select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, followUpId)));
    if (!survey) throw new ConflictError("There is nothing to rate until the follow-up is resolved.");
    if (survey.answeredAt) {
      // The same answer again is a double click or a resent form: done already, not an error.
      if (survey.rating === values.rating && survey.comment === values.comment) return { followUpId };
      throw new ConflictError("You have already rated this follow-up. Thank you!");
    }
    // The community question is yes or no, kept as 5 (yes) or 1 (no).
    if (survey.kind === "community" && values.rating !== 1 && values.rating !== 5)
      throw new ValidationError({ rating: "Choose yes or no." });
    const at = now();
    await db
      .update(followUpSurveys)
      .set({ rating: values.rating, comment: values.comment, answeredAt: at })
      .where(eq(followUpSurveys.followUpId, followUpId));
    if (survey.kind === "community")
      await writeFollowUpEvent(
        followUpId,
        actor.id,
        "community-answer",
        values.rating === 5 ? "solved" : "not solved",
        at,
      );
    else await writeFollowUpEvent(followUpId, actor.id, "rated", `${values.rating} of 5`, at);
    return { followUpId };
  });
}
