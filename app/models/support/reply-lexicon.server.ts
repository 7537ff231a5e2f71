/**
 * The reply coach's lexicon: phrases staff avoid in replies and what to say instead, kept by staff at
 * /mod/lexicon. Staff reply boxes get the lexicon and whether the customer sounds upset; the marking
 * itself happens as they type (app/models/support/reply-coach.ts). Replies always post as written.
 */
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { posts, replyLexicon, threads } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, oneRow, write, read } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canModerate, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { customerSeemsUpset, phraseKey, type ReplyCoach } from "./reply-coach";

export async function listLexicon(actor: Actor) {
  ensure(canModerate(actor), "Only staff can see the reply lexicon.");
  return await read((db) =>
    db
      .select({
        id: replyLexicon.id,
        phrase: replyLexicon.phrase,
        suggestion: replyLexicon.suggestion,
        updatedAt: replyLexicon.updatedAt,
      })
      .from(replyLexicon)
      .orderBy(asc(replyLexicon.phraseKey)),
  );
}

const entrySchema = z.object({
  phrase: z
    .string()
    .trim()
    .min(1, "Enter the phrase to avoid.")
    .max(120, "Keep the phrase under 120 characters.")
    .refine((value) => phraseKey(value).length > 0, "The phrase needs at least one word."),
  suggestion: z
    .string()
    .trim()
    .min(1, "Say what to write instead.")
    .max(500, "Keep the suggestion under 500 characters."),
});

async function ensureUniquePhrase(key: string, exceptId?: number) {
  const existing = firstRow(
    await read((db) => db.select({ id: replyLexicon.id }).from(replyLexicon).where(eq(replyLexicon.phraseKey, key))),
  );
  if (existing && existing.id !== exceptId)
    throw new ValidationError({ phrase: "That phrase is already in the lexicon." });
}

export async function addLexiconEntry(actor: Actor, input: unknown) {
  ensure(canModerate(actor), "Only staff can change the reply lexicon.");
  ensureSignedIn(actor);
  const values = parseInput(entrySchema, input);
  const key = phraseKey(values.phrase);
  return write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    await ensureUniquePhrase(key);
    const at = now();
    const entry = oneRow(
      await db
        .insert(replyLexicon)
        .values({ ...values, phraseKey: key, updatedById: actor.id, updatedAt: at })
        .returning({ id: replyLexicon.id }),
    );
    await recordAudit(
      actor,
      { action: "lexicon.add", subject: { type: "lexicon", id: entry.id, label: values.phrase }, after: values },
      at,
    );
    return entry;
  });
}

async function findEntry(id: number) {
  const entry = firstRow(await read((db) => db.select().from(replyLexicon).where(eq(replyLexicon.id, id))));
  if (!entry) throw new NotFoundError("That phrase is not in the lexicon.");
  return entry;
}

export async function updateLexiconEntry(actor: Actor, id: number, input: unknown) {
  ensure(canModerate(actor), "Only staff can change the reply lexicon.");
  ensureSignedIn(actor);
  const values = parseInput(entrySchema, input);
  const key = phraseKey(values.phrase);
  await write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await findEntry(id);
    if (before.phrase === values.phrase && before.suggestion === values.suggestion) return;
    await ensureUniquePhrase(key, id);
    const at = now();
    await db
      .update(replyLexicon)
      .set({ ...values, phraseKey: key, updatedById: actor.id, updatedAt: at })
      .where(eq(replyLexicon.id, id));
    await recordAudit(
      actor,
      {
        action: "lexicon.update",
        subject: { type: "lexicon", id, label: values.phrase },
        before: { phrase: before.phrase, suggestion: before.suggestion },
        after: values,
      },
      at,
    );
  });
}

export async function removeLexiconEntry(actor: Actor, id: number) {
  ensure(canModerate(actor), "Only staff can change the reply lexicon.");
  ensureSignedIn(actor);
  await write(async (db) => {
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const before = await findEntry(id);
    await db.delete(replyLexicon).where(eq(replyLexicon.id, id));
    await recordAudit(actor, {
      action: "lexicon.remove",
      subject: { type: "lexicon", id, label: before.phrase },
      before: { phrase: before.phrase, suggestion: before.suggestion },
    });
  });
}

/** How many of the asker's latest posts in a thread the upset rule reads. */
const ASKER_POSTS_READ = 20;

/**
 * What a staff reply box on a thread needs to coach: the lexicon, and whether the asker sounds
 * upset in what they wrote there. Null for everyone else, who gets no coaching and no lexicon.
 */
export async function replyCoachForThread(actor: Actor, threadId: number): Promise<ReplyCoach | null> {
  if (!canModerate(actor)) return null;
  return read(async (db) => {
    const askerText = (
      await db
        .select({ body: posts.bodyMarkdown })
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .where(and(eq(posts.threadId, threadId), eq(posts.authorId, threads.authorId)))
        .orderBy(desc(posts.createdAt))
        .limit(ASKER_POSTS_READ)
    )
      .map((post) => post.body)
      .join("\n");
    const lexicon = await db
      .select({ id: replyLexicon.id, phrase: replyLexicon.phrase, suggestion: replyLexicon.suggestion })
      .from(replyLexicon);
    return { lexicon, customerUpset: customerSeemsUpset(askerText) };
  });
}
