/**
 * The review queue and staff decisions on posts (state changes: post-state.server.ts; flags: flags.server.ts).
 * A post enters the review queue (review_requested_at) when it is held or first flagged, and leaves
 * it when staff decide; that decision resolves its open flags.
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { flags, posts, threads, users, type ModerationState } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { write, read } from "~/lib/db.server";
import { parseInput } from "~/lib/forms.server";
import { canModerate, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { disciplineCounts, recordAudit } from "~/models/shared/audit.server";
import { POST_DECISIONS, REVIEW_QUEUE_PAGE_SIZE, type PostDecision } from "./rules";
import { notify } from "~/models/notifications/notifications.server";
import { changePostState, postLabel } from "./post-state.server";
import { findPostInThread } from "~/models/shared/posts.server";
import { plainText } from "~/lib/plain-text";

const decisionSchema = z.object({
  decision: z.enum(POST_DECISIONS, { error: "Choose what to do with the post." }),
  reason: plainText().max(500, "Keep the reason under 500 characters.").default(""),
});

const DECISION_STATE: Record<PostDecision, ModerationState> = {
  approve: "visible",
  restore: "visible",
  hide: "hidden",
  delete: "deleted",
};
const DECISION_MESSAGE: Record<PostDecision, string> = {
  approve: "A moderator approved your post; everyone can see it now",
  restore: "A moderator restored your post",
  hide: "A moderator hid your post",
  delete: "A moderator removed your post",
};

/** A staff decision on a post: it takes the decision's state, its open flags are resolved, and it leaves the queue. */
export async function decideOnPost(actor: Actor, postId: number, input: unknown) {
  ensure(canModerate(actor), "Only staff can moderate posts.");
  ensureSignedIn(actor);
  const { decision, reason } = parseInput(decisionSchema, input);
  return write(async (db, changed) => {
    const post = await findPostInThread(actor, postId);
    changed.thread(post.threadId);
    await consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    const to = DECISION_STATE[decision];
    const openFlags = (
      await db
        .update(flags)
        .set({ resolvedAt: at, resolvedById: actor.id, resolution: decision })
        .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt)))
        .returning({ id: flags.id })
    ).length;
    if (post.moderationState === to && !post.reviewRequestedAt && openFlags === 0)
      return { changed: false, threadId: post.threadId };
    await changePostState(post, to, at, actor);
    await db.update(posts).set({ reviewRequestedAt: null }).where(eq(posts.id, postId));
    await recordAudit(
      actor,
      {
        action: `post.${decision}`,
        subject: { type: "post", id: postId, label: postLabel(post) },
        reason: reason || null,
        before: { state: post.moderationState, openFlags },
        after: { state: to },
      },
      at,
    );
    if (post.moderationState !== to && post.authorId !== actor.id) {
      await notify(
        {
          userId: post.authorId,
          kind: "moderation",
          title: `${DECISION_MESSAGE[decision]}: ${post.title}`,
          // The thread's full address: the redirect from a short one drops the #post part after a
          // client-side navigation, and the page would open at the top.
          path: to === "deleted" ? `/users/${post.author}` : `/questions/${post.threadId}/${post.slug}#post-${postId}`,
          emailText: `${DECISION_MESSAGE[decision]} in "${post.title}".${reason ? ` The reason: ${reason}` : ""}`,
          reason: "A moderator reviewed your post.",
          actorId: actor.id,
        },
        at,
      );
    }
    return { changed: true, threadId: post.threadId };
  });
}

/** The review queue: held and flagged posts, oldest request first, with their flags and their authors' history. */
export async function listReviewQueue(actor: Actor, page = 1) {
  ensure(canModerate(actor), "Only staff can see the review queue.");
  return read(async (db) => {
    const rows = await db
      .select({
        id: posts.id,
        kind: posts.kind,
        bodyHtml: posts.bodyHtml,
        moderationState: posts.moderationState,
        reviewRequestedAt: posts.reviewRequestedAt,
        createdAt: posts.createdAt,
        threadId: threads.id,
        threadTitle: threads.title,
        threadSlug: threads.slug,
        authorId: users.id,
        author: users.username,
        authorRole: users.role,
        authorJoinedAt: users.createdAt,
        authorSuspendedUntil: users.suspendedUntil,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .innerJoin(users, eq(users.id, posts.authorId))
      .where(sql`${posts.reviewRequestedAt} IS NOT NULL`)
      .orderBy(asc(posts.reviewRequestedAt), asc(posts.id))
      .limit(REVIEW_QUEUE_PAGE_SIZE + 1)
      .offset((page - 1) * REVIEW_QUEUE_PAGE_SIZE);
    const items = rows.slice(0, REVIEW_QUEUE_PAGE_SIZE);
    const postIds = items.map((item) => item.id);
    const authorIds = [...new Set(items.map((item) => item.authorId))];
    const openFlags = postIds.length
      ? await db
          .select({
            postId: flags.postId,
            reason: flags.reason,
            note: flags.note,
            createdAt: flags.createdAt,
            flagger: users.username,
          })
          .from(flags)
          .leftJoin(users, eq(users.id, flags.userId))
          .where(and(inArray(flags.postId, postIds), isNull(flags.resolvedAt)))
          .orderBy(asc(flags.createdAt))
      : [];
    const postCounts = authorIds.length
      ? await db
          .select({ authorId: posts.authorId, state: posts.moderationState, total: sql<number>`count(*)` })
          .from(posts)
          .where(inArray(posts.authorId, authorIds))
          .groupBy(posts.authorId, posts.moderationState)
      : [];
    const discipline = await disciplineCounts(authorIds);
    return {
      items: items.map((item) => {
        const counts = Object.fromEntries(
          postCounts.filter((row) => row.authorId === item.authorId).map((row) => [row.state, row.total]),
        );
        return {
          ...item,
          flags: openFlags.filter((flag) => flag.postId === item.id),
          authorHistory: {
            visible: counts.visible ?? 0,
            held: counts.held ?? 0,
            hidden: counts.hidden ?? 0,
            deleted: counts.deleted ?? 0,
            ...(discipline.get(item.authorId) ?? { warnings: 0, suspensions: 0 }),
          },
        };
      }),
      page,
      hasNextPage: rows.length > REVIEW_QUEUE_PAGE_SIZE,
    };
  });
}
