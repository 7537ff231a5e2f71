/**
 * Staff reply drafts: one per member of staff per follow-up, kept whatever else they do on the page
 * and deleted when the reply is sent. Every staff form on the follow-up page carries the reply box
 * (one form, several buttons), and the page's action saves it first, before the action itself runs,
 * so even an action that fails keeps the draft. Customers' replies are not kept as drafts.
 */
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { followUpDrafts } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, read, writeUnseenByVisitors } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canWorkFollowUps, type Actor, type Member } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { MAX_BODY_LENGTH } from "~/models/community/rules";
import { findFollowUp } from "./access.server";
import { REPLY_THEN, type ReplyThen } from "./rules";

/** Where a reply goes, as the reply box names it ("thread": an answer everyone sees). */
export type ReplyVisibility = "thread" | "private";

const draftSchema = z.object({
  body: z.string().max(MAX_BODY_LENGTH, `Keep it under ${MAX_BODY_LENGTH.toLocaleString("en")} characters.`),
  visibility: z.enum(["thread", "private"]).catch("private"),
  then: z.enum(REPLY_THEN).catch("open"),
});

type Draft = { body: string; visibility: ReplyVisibility; then: ReplyThen };

/** The draft `author` keeps on a follow-up, as the reply box shows it; null when there is none. */
export async function draftOf(author: Member, followUpId: number) {
  const draft = firstRow(
    await read((db) =>
      db
        .select({
          body: followUpDrafts.bodyMarkdown,
          visibility: followUpDrafts.visibility,
          then: followUpDrafts.then,
          savedAt: followUpDrafts.updatedAt,
        })
        .from(followUpDrafts)
        .where(and(eq(followUpDrafts.followUpId, followUpId), eq(followUpDrafts.authorId, author.id))),
    ),
  );
  return draft
    ? { ...draft, visibility: (draft.visibility === "public" ? "thread" : "private") as ReplyVisibility }
    : null;
}

/** Sets (or, for an empty text, deletes) `author`'s draft; part of a caller's write. */
export async function saveDraft(followUpId: number, author: Member, draft: Draft, at: Date) {
  const where = and(eq(followUpDrafts.followUpId, followUpId), eq(followUpDrafts.authorId, author.id));
  if (draft.body.trim() === "") {
    await inWrite((db) => db.delete(followUpDrafts).where(where));
    return;
  }
  const visibility = draft.visibility === "thread" ? ("public" as const) : ("private" as const);
  await inWrite((db) =>
    db
      .insert(followUpDrafts)
      .values({
        followUpId,
        authorId: author.id,
        bodyMarkdown: draft.body,
        visibility,
        then: draft.then,
        updatedAt: at,
      })
      .onConflictDoUpdate({
        target: [followUpDrafts.followUpId, followUpDrafts.authorId],
        set: { bodyMarkdown: draft.body, visibility, then: draft.then, updatedAt: at },
      }),
  );
}

/** The reply was sent: its draft goes; part of a caller's write. */
export async function discardDraft(followUpId: number, author: Member) {
  await inWrite((db) =>
    db
      .delete(followUpDrafts)
      .where(and(eq(followUpDrafts.followUpId, followUpId), eq(followUpDrafts.authorId, author.id))),
  );
}

/**
 * Keeps the reply box's text (`body`, `visibility` in `input`) as the staff member's draft, before
 * any other action of the page runs. A form without the reply box (no `body`) leaves the draft as
 * it is; an unchanged text writes nothing (and counts against no limit).
 */
export async function keepDraft(actor: Actor, followUpId: number, input: Record<string, string>) {
  if (!canWorkFollowUps(actor) || actor.kind !== "user" || !("body" in input)) return;
  const draft = parseInput(draftSchema, input);
  const followUp = await findFollowUp(actor, followUpId);
  const saved = await draftOf(actor, followUp.id);
  const unchanged = saved
    ? saved.body === draft.body && saved.visibility === draft.visibility && saved.then === draft.then
    : draft.body.trim() === "";
  if (unchanged) return;
  await consume(`support:user:${actor.id}`, LIMITS.supportAction);
  await writeUnseenByVisitors(() => saveDraft(followUp.id, actor, draft, now()));
}
