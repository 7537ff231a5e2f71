/** "Did this help?": one answer per reader per article, changeable, with an optional comment. */
import { z } from "zod";
import { kbFeedback } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { write } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canGiveArticleFeedback, ensure, isSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { MAX_FEEDBACK_COMMENT } from "./rules";
import { findArticle } from "./articles.server";
import { plainText } from "~/lib/plain-text";

/** "user:<id>" for people signed in, "browser:<id>" for an anonymous browser, null when there is neither. */
export function feedbackVoterKey(actor: Actor, browserId: string | null) {
  if (isSignedIn(actor)) return `user:${actor.id}`;
  return browserId ? `browser:${browserId}` : null;
}

const feedbackSchema = z.object({
  helpful: z.enum(["yes", "no"], { error: "Choose yes or no." }),
  comment: plainText()
    .max(MAX_FEEDBACK_COMMENT, `Keep the comment under ${MAX_FEEDBACK_COMMENT} characters.`)
    .optional()
    .transform((value) => value || null),
});

/**
 * Records (or changes) one voter's "was this helpful?" answer. Anonymous browsers are limited per
 * browser and per address, since clearing cookies makes a new browser.
 */
export async function recordArticleFeedback(
  actor: Actor,
  slug: string,
  voterKey: string,
  input: unknown,
  { address }: { address: string },
) {
  const values = parseInput(feedbackSchema, input);
  return write(async (db) => {
    const article = await findArticle(actor, slug);
    ensure(canGiveArticleFeedback(actor, article), "This article is for customers.");
    await consume(`kb-feedback:${voterKey}`, LIMITS.kbFeedback);
    if (!isSignedIn(actor)) await consume(`kb-feedback:address:${address}`, LIMITS.kbFeedbackPerAddress);
    const at = now();
    await db
      .insert(kbFeedback)
      .values({
        articleId: article.id,
        voterKey,
        userId: isSignedIn(actor) ? actor.id : null,
        helpful: values.helpful === "yes",
        comment: values.comment,
        createdAt: at,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: [kbFeedback.articleId, kbFeedback.voterKey],
        set: { helpful: values.helpful === "yes", comment: values.comment, updatedAt: at },
      });
    return { helpful: values.helpful === "yes", comment: values.comment };
  });
}
