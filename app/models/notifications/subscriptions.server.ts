/**
 * What people hear when the community changes. A new post that everyone may read is queued for its
 * fan-out (fan-out.server.ts); what concerns one or two people (their answer accepted, their
 * question closed, a staff edit) is told in the same write. Asking or answering watches the thread.
 * Nobody is told of their own actions, and nobody hears anything of a thread they muted.
 */
import { and, eq } from "drizzle-orm";
import { notifications, posts, threads } from "../../../db/schema";
import { firstRow, inWrite, rawRun, read } from "~/lib/db.server";
import { isPublic, isPublicThread, isStaff } from "~/lib/permissions.server";
import { mentionedUsers } from "~/models/community/mentions.server";
import { subscribe, type DomainEvents, type ThreadAction } from "~/models/shared/events.server";
import { queueFanOut } from "./fan-out.server";
import { notify, type Notification } from "./notifications.server";
import { levelsByUser, participationWatch, watchRowsForThread } from "./watching.server";

async function threadOf(threadId: number) {
  return firstRow(
    await read((db) =>
      db
        .select({ title: threads.title, slug: threads.slug, authorId: threads.authorId })
        .from(threads)
        .where(eq(threads.id, threadId)),
    ),
  );
}

async function authorOf(postId: number) {
  return firstRow(await read((db) => db.select({ id: posts.authorId }).from(posts).where(eq(posts.id, postId))))?.id;
}

/** Tells each person about the thread unless they muted it. */
async function notifyAboutThread(threadId: number, list: Omit<Notification, "threadId" | "about">[], at: Date) {
  const levels = levelsByUser(
    await watchRowsForThread(threadId, { userIds: list.map((notification) => notification.userId) }),
  );
  for (const notification of list) {
    if (levels.get(notification.userId)?.level === "muted") continue;
    await notify({ ...notification, threadId, about: { kind: "thread", threadId } }, at);
  }
}

const pathOf = (threadId: number, slug: string, postId?: number) =>
  `/questions/${threadId}/${slug}${postId ? `#post-${postId}` : ""}`;

async function onNewPost({ threadId, postId, author, held, waiting, at }: DomainEvents["answer posted"]) {
  const watch = participationWatch(author.id, threadId, at);
  if (held || waiting) await inWrite((db) => rawRun(db, watch));
  else await queueFanOut(threadId, postId, at, [watch]);
}

async function onSolution(event: DomainEvents["solution marked"] | DomainEvents["solution removed"], marked: boolean) {
  const thread = await threadOf(event.threadId);
  const answerAuthorId = await authorOf(event.postId);
  if (!thread || answerAuthorId === undefined) return;
  const path = pathOf(event.threadId, thread.slug, event.postId);
  const list: Omit<Notification, "threadId" | "about">[] = [];
  const common = { kind: "answer-solution", path, actorId: event.by.id, postId: event.postId } as const;
  if (event.kind === "accepted") {
    list.push({
      ...common,
      userId: answerAuthorId,
      title: marked
        ? `Your answer was accepted: ${thread.title}`
        : `Your answer is no longer accepted: ${thread.title}`,
      reason: "You wrote this answer.",
    });
  } else {
    list.push({
      ...common,
      userId: answerAuthorId,
      title: marked
        ? `Staff verified your answer as the solution: ${thread.title}`
        : `Your answer is no longer the staff-verified solution: ${thread.title}`,
      reason: "You wrote this answer.",
    });
    if (marked)
      list.push({
        ...common,
        userId: thread.authorId,
        title: `Staff verified a solution: ${thread.title}`,
        reason: "You asked this question.",
      });
  }
  await notifyAboutThread(event.threadId, list, event.at);
}

/**
 * People an edit newly mentions hear of it (those mentioned before were told then), when the post is
 * one everyone may read; a held post's mentions are told when it is approved.
 */
async function tellNewlyMentioned(event: DomainEvents["post edited"], thread: { title: string; slug: string }) {
  const post = firstRow(
    await read((db) =>
      db
        .select({
          bodyMarkdown: posts.bodyMarkdown,
          moderationState: posts.moderationState,
          visibility: threads.visibility,
        })
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .where(eq(posts.id, event.postId)),
    ),
  );
  if (!post || !isPublic(post) || !isPublicThread(post)) return;
  const mentioned = await mentionedUsers(post.bodyMarkdown);
  if (mentioned.length === 0) return;
  const toldBefore = new Set(
    (
      await read((db) =>
        db
          .select({ userId: notifications.userId })
          .from(notifications)
          .where(and(eq(notifications.postId, event.postId), eq(notifications.kind, "mention"))),
      )
    ).map((row) => row.userId),
  );
  await notifyAboutThread(
    event.threadId,
    mentioned
      .filter(({ id }) => !toldBefore.has(id) && id !== event.authorId)
      .map(({ id }) => ({
        userId: id,
        kind: "mention" as const,
        title: `${event.by.username} mentioned you: ${thread.title}`,
        path: pathOf(event.threadId, thread.slug, event.postId),
        postId: event.postId,
        reason: `${event.by.username} mentioned you.`,
        actorId: event.by.id,
      })),
    event.at,
  );
}

async function onPostEdited(event: DomainEvents["post edited"]) {
  const thread = await threadOf(event.threadId);
  if (!thread) return;
  await tellNewlyMentioned(event, thread);
  if (!isStaff(event.by) || event.by.id === event.authorId) return;
  const question = event.kind === "question";
  await notifyAboutThread(
    event.threadId,
    [
      {
        userId: event.authorId,
        kind: question ? "question-changed" : "post-edited",
        title: `Staff edited your ${question ? "question" : "answer"}: ${thread.title}`,
        path: pathOf(event.threadId, thread.slug, event.postId),
        postId: event.postId,
        reason: question ? "You asked this question." : "You wrote this answer.",
        actorId: event.by.id,
      },
    ],
    event.at,
  );
}

/** What the asker is told when staff do something to their thread; pinning and retagging say nothing. */
const THREAD_CHANGES: Partial<Record<ThreadAction, string>> = {
  close: "Staff closed your question",
  reopen: "Staff reopened your question",
  duplicate: "Staff marked your question as a duplicate",
  move: "Staff moved your question to another category",
  lock: "Staff locked your question (no new answers)",
  unlock: "Staff unlocked your question",
};

async function onThreadChanged(event: DomainEvents["thread changed"]) {
  const change = THREAD_CHANGES[event.action];
  const thread = await threadOf(event.threadId);
  if (!change || !thread) return;
  await notifyAboutThread(
    event.threadId,
    [
      {
        userId: thread.authorId,
        kind: "question-changed",
        title: `${change}: ${thread.title}`,
        path: pathOf(event.threadId, thread.slug),
        emailText: `${change}, "${thread.title}".${event.reason ? `\n\nThe reason: ${event.reason}` : ""}`,
        reason: "You asked this question.",
        actorId: event.by.id,
      },
    ],
    event.at,
  );
}

export function subscribeNotifications() {
  subscribe("question asked", { inTransaction: onNewPost });
  subscribe("answer posted", { inTransaction: onNewPost });
  // A held post is announced when it is approved, a waiting one when its author confirms their address; once.
  subscribe("post state changed", {
    inTransaction: ({ threadId, postId, from, to, at }) =>
      (from === "held" || from === "waiting") && to === "visible" ? queueFanOut(threadId, postId, at) : undefined,
  });
  subscribe("solution marked", { inTransaction: (event) => onSolution(event, true) });
  subscribe("solution removed", { inTransaction: (event) => onSolution(event, false) });
  subscribe("post edited", { inTransaction: onPostEdited });
  subscribe("thread changed", { inTransaction: onThreadChanged });
}
