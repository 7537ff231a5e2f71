/** Writing on a follow-up: replies (public or private), internal notes, "still not solved", and the customer's rating. */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { followUpNotes, followUpSurveys, followUps, privateMessages, threads } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, writeTransaction } from "~/lib/db.server";
import { ConflictError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { renderMarkdown } from "~/lib/markdown.server";
import {
  canRateFollowUp,
  canWorkFollowUps,
  ensure,
  ensureSignedIn,
  isStaff,
  type Actor,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import {
  activeFollowUpFor,
  changeFollowUpStatus,
  recordReplyOnFollowUp,
  writeFollowUpEvent,
} from "~/models/shared/follow-up-state.server";
import { postAnswer } from "~/models/community/posts.server";
import { bodySchema } from "~/models/community/post-input";
import { findFollowUp, followUpToWriteOn } from "./access.server";
import { targetsFor } from "./targets.server";
const MINUTE = 60_000;

const replySchema = z.object({
  body: bodySchema,
  visibility: z.enum(["thread", "private"], { error: "Choose where the reply goes." }).default("thread"),
  then: z.enum(["waiting", "open", "resolved"]).default("waiting"),
});

/**
 * A reply on a follow-up: into the thread (an answer everyone sees) or as a private message for
 * the customer and staff. A staff reply is the first response; staff choose the status after it.
 */
export function replyOnFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(replySchema, input);
  const bodyHtml = renderMarkdown(values.body);
  const db = getDb();
  return writeTransaction((changed) => {
    // Whoever may see the follow-up (its customer, staff) may write on it, unless suspended.
    const followUp = followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status === "resolved") throw new ConflictError("This follow-up is resolved. Reopen it to reply.");
    const at = now();
    let postId: number | null = null;
    if (values.visibility === "thread") {
      postId = postAnswer(actor, followUp.threadId, { body: values.body }).postId;
    } else {
      consume(`private-message:user:${actor.id}`, LIMITS.answer);
      db.insert(privateMessages)
        .values({ followUpId, authorId: actor.id, bodyMarkdown: values.body, bodyHtml, createdAt: at })
        .run();
      writeFollowUpEvent(followUpId, actor.id, "private-message", "", at);
      recordReplyOnFollowUp(followUp.threadId, actor, at);
    }
    if (isStaff(actor)) {
      const current = db.select().from(followUps).where(eq(followUps.id, followUpId)).get()!;
      // The reply's own notification already told the customer; only a resolution says more.
      changeFollowUpStatus(current, values.then, actor.id, at, { quiet: true });
    }
    return { followUpId, postId, threadId: followUp.threadId };
  });
}

const noteSchema = z.object({ body: bodySchema });

export function addInternalNote(actor: Actor, followUpId: number, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can write internal notes.");
  ensureSignedIn(actor);
  const { body } = parseInput(noteSchema, input);
  const bodyHtml = renderMarkdown(body);
  return writeTransaction((changed) => {
    const followUp = findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    getDb()
      .insert(followUpNotes)
      .values({ followUpId: followUp.id, authorId: actor.id, bodyMarkdown: body, bodyHtml, createdAt: at })
      .run();
    writeFollowUpEvent(followUp.id, actor.id, "note", "", at);
    return { followUpId };
  });
}

/** The customer says it is still not solved: the follow-up opens again with fresh targets. */
export function reopenFollowUp(actor: Actor, followUpId: number) {
  ensureSignedIn(actor);
  return writeTransaction((changed) => {
    const followUp = followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status !== "resolved") return { followUpId };
    if (activeFollowUpFor(followUp.threadId)) throw new ConflictError("This thread already has an open follow-up.");
    const at = now();
    const targets = targetsFor(
      getDb().select({ categoryId: threads.categoryId }).from(threads).where(eq(threads.id, followUp.threadId)).get()!
        .categoryId,
    );
    getDb()
      .update(followUps)
      .set({ resolutionDueAt: new Date(at.getTime() + targets.resolutionMinutes * MINUTE), updatedAt: at })
      .where(eq(followUps.id, followUpId))
      .run();
    changeFollowUpStatus({ ...followUp }, "open", actor.id, at);
    return { followUpId };
  });
}

const ratingSchema = z.object({
  rating: z.coerce
    .number({ error: "Choose from 1 to 5." })
    .int("Choose from 1 to 5.")
    .min(1, "Choose from 1 to 5.")
    .max(5, "Choose from 1 to 5."),
  comment: z
    .string()
    .trim()
    .max(2000, "Keep the comment under 2,000 characters.")
    .optional()
    .transform((value) => value || null),
});

/** The customer answers the satisfaction question of their resolved follow-up, once. */
export function rateFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(ratingSchema, input);
  return writeTransaction((changed) => {
    const followUp = findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    ensure(canRateFollowUp(actor, followUp), "Only the customer who asked can rate the help they got.");
    const survey = getDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, followUpId)).get();
    if (!survey) throw new ConflictError("There is nothing to rate until the follow-up is resolved.");
    if (survey.answeredAt) throw new ConflictError("You have already rated this follow-up. Thank you!");
    const at = now();
    getDb()
      .update(followUpSurveys)
      .set({ rating: values.rating, comment: values.comment, answeredAt: at })
      .where(eq(followUpSurveys.followUpId, followUpId))
      .run();
    writeFollowUpEvent(followUpId, actor.id, "rated", `${values.rating} of 5`, at);
    return { followUpId };
  });
}
