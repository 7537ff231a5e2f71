/**
 * Post moderation: flags, held posts of new members, the review queue and staff decisions.
 *
 * A post's moderation_state, and its thread's visibility, decide who sees it (see `canSeePost`). Every change of
 * state goes through `changePostState`, which keeps the thread's visibility, the visible-answer
 * count, tag counts, the thread's status and its search document in step, in the same transaction.
 * A post enters the review queue (review_requested_at) when it is held or first flagged, and leaves
 * it when staff decide; that decision resolves its open flags.
 */
import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import {
  flags,
  moderationSettings,
  posts,
  threadTags,
  tags,
  threads,
  users,
  type ModerationState,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, preparedPerConnection, writeTransaction } from "~/lib/db.server";
import { ConflictError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canFlagPost,
  canManageModerationSettings,
  canModerate,
  ensure,
  ensureSignedIn,
  isSignedIn,
  isStaff,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { disciplineCounts, recordAudit } from "~/models/shared/audit.server";
import {
  FLAG_REASON_LABELS,
  POST_DECISIONS,
  REVIEW_QUEUE_PAGE_SIZE,
  USER_FLAG_REASONS,
  type PostDecision,
} from "./rules";
import { notify } from "~/models/notifications/notifications.server";
import { indexThread } from "~/models/search/search.server";
import { findPostInThread, refreshThreadStatus } from "~/models/shared/posts.server";

export function getModerationSettings() {
  const row = getDb().select().from(moderationSettings).where(eq(moderationSettings.id, 1)).get();
  return { flagHideThreshold: row?.flagHideThreshold ?? 3, heldPostCount: row?.heldPostCount ?? 2 };
}

const settingsSchema = z.object({
  flagHideThreshold: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(1, "At least 1 flag.")
    .max(50, "At most 50 flags."),
  heldPostCount: z.coerce
    .number({ error: "Enter a whole number." })
    .int("Enter a whole number.")
    .min(0, "Use 0 to hold no posts.")
    .max(20, "At most 20 posts."),
});

export function updateModerationSettings(actor: Actor, input: unknown) {
  ensure(canManageModerationSettings(actor), "Only an admin can change moderation settings.");
  ensureSignedIn(actor);
  const values = parseInput(settingsSchema, input);
  writeTransaction(() => {
    const before = getModerationSettings();
    if (before.flagHideThreshold === values.flagHideThreshold && before.heldPostCount === values.heldPostCount) return;
    getDb().update(moderationSettings).set(values).where(eq(moderationSettings.id, 1)).run();
    recordAudit(actor, {
      action: "settings.update",
      subject: { type: "settings", id: 1, label: "Moderation settings" },
      before,
      after: values,
    });
  });
}

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
export function threadFlagsForReader(actor: Actor, threadId: number) {
  const mine = new Set<number>();
  const open = new Map<number, number>();
  if (!isSignedIn(actor)) return { mine, open };
  const queries = openFlagsInThread();
  const rows = isStaff(actor) ? queries.all.all({ threadId }) : queries.byFlagger.all({ threadId, userId: actor.id });
  for (const row of rows) {
    if (row.userId === actor.id) mine.add(row.postId);
    if (isStaff(actor)) open.set(row.postId, (open.get(row.postId) ?? 0) + 1);
  }
  return { mine, open };
}

/** For scripts (seeding, benchmarks) that act as nobody; admins use updateModerationSettings, which is audited. */
export function setHeldPostCount(heldPostCount: number) {
  getDb().update(moderationSettings).set({ heldPostCount }).where(eq(moderationSettings.id, 1)).run();
}

/**
 * Seeds an established community (the demo's history, benchmark communities): what its members
 * wrote predates holding, so nothing written inside `work` waits for review.
 */
export async function asEstablishedCommunity<T>(work: () => T | Promise<T>): Promise<T> {
  const { heldPostCount } = getModerationSettings();
  setHeldPostCount(0);
  try {
    return await work();
  } finally {
    setHeldPostCount(heldPostCount);
  }
}

type NewPost = { id: number; threadId: number; authorId: number; bodyHtml: string };

/**
 * The state a new post starts in. Members (not customers or staff, whom the company vouches for)
 * are new until `heldPostCount` of their posts have been approved; a new member's posts are held.
 * Call inside the transaction that inserts the post.
 */
export function initialPostState(author: Member): ModerationState {
  if (author.role !== "member") return "visible";
  const { heldPostCount } = getModerationSettings();
  if (heldPostCount === 0) return "visible";
  const approved = getDb().get<{ total: number }>(
    sql`SELECT count(*) AS total FROM (SELECT 1 FROM posts WHERE author_id = ${author.id} AND moderation_state = 'visible' LIMIT ${heldPostCount})`,
  );
  return (approved?.total ?? 0) >= heldPostCount ? "visible" : "held";
}

/**
 * Puts a just-inserted held post in the review queue, with an automatic flag when it holds a link
 * (the usual shape of spam from fresh accounts), so the reviewer sees why to look twice.
 */
export function queueHeldPost(post: NewPost, at: Date) {
  const db = getDb();
  db.update(posts).set({ reviewRequestedAt: at }).where(eq(posts.id, post.id)).run();
  if (/<a\s/i.test(post.bodyHtml)) {
    db.insert(flags).values({ postId: post.id, userId: null, reason: "new_member_link", createdAt: at }).run();
  }
}

type PostRef = { id: number; threadId: number; kind: "question" | "answer"; moderationState: ModerationState };

/** Moves a post to another state and keeps every count, the thread and the search index in step. */
function changePostState(post: PostRef, to: ModerationState, at: Date) {
  if (post.moderationState === to) return;
  const db = getDb();
  const wasVisible = post.moderationState === "visible";
  const isVisible = to === "visible";
  db.update(posts).set({ moderationState: to }).where(eq(posts.id, post.id)).run();
  if (post.kind === "question") {
    db.update(threads).set({ visibility: to }).where(eq(threads.id, post.threadId)).run();
    if (wasVisible !== isVisible) {
      db.update(tags)
        .set({ threadCount: sql`${tags.threadCount} + ${isVisible ? 1 : -1}` })
        .where(
          inArray(
            tags.id,
            db.select({ id: threadTags.tagId }).from(threadTags).where(eq(threadTags.threadId, post.threadId)),
          ),
        )
        .run();
    }
  } else if (wasVisible !== isVisible) {
    db.update(threads)
      .set(
        isVisible
          ? { answerCount: sql`${threads.answerCount} + 1`, lastActivityAt: at }
          : { answerCount: sql`${threads.answerCount} - 1` },
      )
      .where(eq(threads.id, post.threadId))
      .run();
  }
  refreshThreadStatus(post.threadId);
  indexThread(post.threadId);
}

const flagSchema = z
  .object({
    reason: z.enum(USER_FLAG_REASONS, { error: "Choose why you are flagging this post." }),
    note: z.string().trim().max(500, "Keep the note under 500 characters.").default(""),
  })
  .refine((values) => values.reason !== "other" || values.note.length > 0, {
    path: ["note"],
    message: "Tell us what is wrong with the post.",
  });

/** How the audit log names a post. */
export const postLabel = (post: { kind: string; author: string; title: string }) =>
  `${post.kind === "question" ? "Question" : "Answer"} by ${post.author} in "${post.title}"`;

/** The post `actor` wants to flag: a 404 when they may not see it (or its thread), a 403 when it is their own. */
function postToFlag(actor: Member, postId: number) {
  const post = findPostInThread(actor, postId);
  ensure(canFlagPost(actor, post), "You cannot flag your own post.");
  const openFlag = getDb()
    .select({ id: flags.id })
    .from(flags)
    .where(and(eq(flags.postId, postId), eq(flags.userId, actor.id), isNull(flags.resolvedAt)))
    .get();
  return { ...post, alreadyFlagged: openFlag !== undefined };
}

/** What the flag page shows: the post and its thread, and whether the actor's flag is already open. */
export function getPostToFlag(actor: Actor, postId: number) {
  ensureSignedIn(actor);
  const { id, kind, threadId, slug, title, author, bodyHtml, alreadyFlagged } = postToFlag(actor, postId);
  return { id, kind, threadId, slug, title, author, bodyHtml, alreadyFlagged };
}

/**
 * Flags a post. It is hidden at once, pending review, when staff flag it or when flags from
 * `flagHideThreshold` different people are open on it.
 */
export function flagPost(actor: Actor, postId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(flagSchema, input);
  const db = getDb();
  return writeTransaction((changed) => {
    const post = postToFlag(actor, postId);
    changed.thread(post.threadId);
    if (post.moderationState === "deleted") throw new ConflictError("That post has already been removed.");
    if (post.alreadyFlagged) throw new ConflictError("You have already flagged this post. Staff will review it.");
    const thread = { threadId: post.threadId, slug: post.slug };
    consume(`flag:user:${actor.id}`, LIMITS.flag);
    const at = now();
    db.insert(flags)
      .values({ postId, userId: actor.id, reason: values.reason, note: values.note || null, createdAt: at })
      .run();
    if (!post.reviewRequestedAt) db.update(posts).set({ reviewRequestedAt: at }).where(eq(posts.id, postId)).run();
    if (post.moderationState !== "visible") return { ...thread, hidden: post.moderationState === "hidden" };

    const flaggers = db
      .select({ reason: flags.reason })
      .from(flags)
      .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt), sql`${flags.userId} IS NOT NULL`))
      .all();
    const { flagHideThreshold } = getModerationSettings();
    const byStaff = isStaff(actor);
    if (!byStaff && flaggers.length < flagHideThreshold) return { ...thread, hidden: false };
    changePostState(post, "hidden", at);
    const reasons = flaggers.map((flag) => FLAG_REASON_LABELS[flag.reason].toLowerCase()).join(", ");
    recordAudit(
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

const decisionSchema = z.object({
  decision: z.enum(POST_DECISIONS, { error: "Choose what to do with the post." }),
  reason: z.string().trim().max(500, "Keep the reason under 500 characters.").default(""),
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
export function decideOnPost(actor: Actor, postId: number, input: unknown) {
  ensure(canModerate(actor), "Only staff can moderate posts.");
  ensureSignedIn(actor);
  const { decision, reason } = parseInput(decisionSchema, input);
  const db = getDb();
  return writeTransaction((changed) => {
    const post = findPostInThread(actor, postId);
    changed.thread(post.threadId);
    consume(`moderation:user:${actor.id}`, LIMITS.moderation);
    const at = now();
    const to = DECISION_STATE[decision];
    const openFlags = db
      .update(flags)
      .set({ resolvedAt: at, resolvedById: actor.id, resolution: decision })
      .where(and(eq(flags.postId, postId), isNull(flags.resolvedAt)))
      .run().changes;
    if (post.moderationState === to && !post.reviewRequestedAt && openFlags === 0)
      return { changed: false, threadId: post.threadId };
    changePostState(post, to, at);
    db.update(posts).set({ reviewRequestedAt: null }).where(eq(posts.id, postId)).run();
    recordAudit(
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
      notify(
        post.authorId,
        "moderation",
        {
          title: `${DECISION_MESSAGE[decision]}: ${post.title}`,
          path: to === "deleted" ? `/users/${post.author}` : `/questions/${post.threadId}#post-${postId}`,
          emailText: `${DECISION_MESSAGE[decision]} in "${post.title}".${reason ? ` The reason: ${reason}` : ""}`,
        },
        at,
      );
    }
    return { changed: true, threadId: post.threadId };
  });
}

/** The review queue: held and flagged posts, oldest request first, with their flags and their authors' history. */
export function listReviewQueue(actor: Actor, page = 1) {
  ensure(canModerate(actor), "Only staff can see the review queue.");
  const db = getDb();
  const rows = db
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
    .offset((page - 1) * REVIEW_QUEUE_PAGE_SIZE)
    .all();
  const items = rows.slice(0, REVIEW_QUEUE_PAGE_SIZE);
  const postIds = items.map((item) => item.id);
  const authorIds = [...new Set(items.map((item) => item.authorId))];

  const openFlags = postIds.length
    ? db
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
        .all()
    : [];
  const postCounts = authorIds.length
    ? db
        .select({ authorId: posts.authorId, state: posts.moderationState, total: sql<number>`count(*)` })
        .from(posts)
        .where(inArray(posts.authorId, authorIds))
        .groupBy(posts.authorId, posts.moderationState)
        .all()
    : [];
  const discipline = disciplineCounts(authorIds);

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
}
