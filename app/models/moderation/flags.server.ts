/** Flags: members flag posts they may see (not their own); enough flags hide a post until staff decide. */
import { and, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { flags, posts, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { preparedPerConnection, firstRow, write, read } from "~/lib/db.server";
import { ConflictError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canFlagPost,
  ensure,
  ensureSignedIn,
  flagWeightAt,
  isSignedIn,
  isStaff,
  trustLevelFor,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { FLAG_REASON_LABELS, USER_FLAG_REASONS } from "./rules";
import { findPostInThread } from "~/models/shared/posts.server";
import { getModerationSettings } from "./settings.server";
import { changePostState, postLabel } from "./post-state.server";
import { plainText } from "~/lib/plain-text";

// Open flags on a thread's posts: all of them (staff) or one flagger's; prepared once.
const openFlagsInThread = preparedPerConnection((db) => {
  const inThread = and(eq(posts.threadId, sql.placeholder("threadId")), isNull(flags.resolvedAt));
  const flagsOnPosts = () =>
    db.select({ postId: flags.postId, userId: flags.userId }).from(flags).innerJoin(posts, eq(posts.id, flags.postId));
  return {
    all: flagsOnPosts().where(inThread).prepare(),
    byFlagger: flagsOnPosts()
      .where(and(inThread, eq(flags.userId, sql.placeholder("userId"))))
      .prepare(),
  };
});

/** For a thread page: which of the thread's posts the actor has flagged, and (for staff) how many open flags each has. */
export async function threadFlagsForReader(actor: Actor, threadId: number) {
  const mine = new Set<number>();
  const open = new Map<number, number>();
  if (!isSignedIn(actor)) return { mine, open };
  const queries = openFlagsInThread();
  const rows = isStaff(actor)
    ? await queries.all.execute({ threadId })
    : await queries.byFlagger.execute({ threadId, userId: actor.id });
  for (const row of rows) {
    if (row.userId === actor.id) mine.add(row.postId);
    if (isStaff(actor)) open.set(row.postId, (open.get(row.postId) ?? 0) + 1);
  }
  return { mine, open };
}

const flagSchema = z
  .object({
    reason: z.enum(USER_FLAG_REASONS, { error: "Choose why you are flagging this post." }),
    note: plainText().max(500, "Keep the note under 500 characters.").default(""),
  })
  .refine((values) => values.reason !== "other" || values.note.length > 0, {
    path: ["note"],
    message: "Tell us what is wrong with the post.",
  });

/** The post `actor` wants to flag: a 404 when they may not see it (or its thread), a 403 when it is their own. */
async function postToFlag(actor: Member, postId: number) {
  const post = await findPostInThread(actor, postId);
  ensure(canFlagPost(actor, post), "You cannot flag your own post.");
  const openFlag = firstRow(
    await read((db) =>
      db
        .select({ id: flags.id })
        .from(flags)
        .where(and(eq(flags.postId, postId), eq(flags.userId, actor.id), isNull(flags.resolvedAt))),
    ),
  );
  return { ...post, alreadyFlagged: openFlag !== undefined };
}

/** What the flag page shows: the post and its thread, and whether the actor's flag is already open. */
export async function getPostToFlag(actor: Actor, postId: number) {
  ensureSignedIn(actor);
  const { id, kind, threadId, slug, title, author, bodyHtml, alreadyFlagged } = await postToFlag(actor, postId);
  return { id, kind, threadId, slug, title, author, bodyHtml, alreadyFlagged };
}

/**
 * Flags a post. It is hidden at once, pending review, when staff flag it or when the open flags on
 * it weigh `flagHideThreshold`: one for each person's flag, more from the higher trust levels
 * (`flagWeightAt`).
 */
export async function flagPost(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(flagSchema, input);
  return write(async (db, changed) => {
    const post = await postToFlag(actor, postId);
    changed.thread(post.threadId);
    if (post.moderationState === "deleted") throw new ConflictError("That post has already been removed.");
    if (post.alreadyFlagged) throw new ConflictError("You have already flagged this post. Staff will review it.");
    const thread = { threadId: post.threadId, slug: post.slug };
    await consume(`flag:user:${actor.id}`, LIMITS.flag);
    const at = now();
    await db
      .insert(flags)
      .values({ postId, userId: actor.id, reason: values.reason, note: values.note || null, createdAt: at });
    if (!post.reviewRequestedAt) await db.update(posts).set({ reviewRequestedAt: at }).where(eq(posts.id, postId));
    if (post.moderationState !== "visible") return { ...thread, hidden: post.moderationState === "hidden" };

    const flaggers = await db
      .select({ reason: flags.reason, role: users.role, trustLevel: users.trustLevel })
      .from(flags)
      .innerJoin(users, eq(users.id, flags.userId))
      .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt)));
    const { flagHideThreshold } = await getModerationSettings();
    const byStaff = isStaff(actor);
    // Flags from trusted people count more (DECISIONS.md #77).
    const weight = flaggers.reduce(
      (sum, flagger) => sum + flagWeightAt(trustLevelFor(flagger.role, flagger.trustLevel)),
      0,
    );
    if (!byStaff && weight < flagHideThreshold) return { ...thread, hidden: false };
    await changePostState(post, "hidden", at, byStaff ? actor : null);
    const reasons = flaggers.map((flag) => FLAG_REASON_LABELS[flag.reason].toLowerCase()).join(", ");
    await recordAudit(
      byStaff ? actor : null,
      {
        action: "post.hide",
        subject: { type: "post", id: postId, label: postLabel(post) },
        reason: byStaff
          ? `Flagged by staff: ${FLAG_REASON_LABELS[values.reason].toLowerCase()}`
          : `Hidden automatically after ${flaggers.length} flags (${reasons})`,
        before: { state: "visible" },
        after: { state: "hidden" },
      },
      at,
    );
    return { ...thread, hidden: true };
  });
}
