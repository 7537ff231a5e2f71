/**
 * Telling everyone concerned about a new post: the asker (a new answer), the first 10 people it
 * mentions, and everyone watching or tracking its thread, category or tags. A thread with 10,000 watchers must
 * not slow down posting, so the write that makes a post visible only queues it
 * (`queueFanOut`); `deliverFanOuts` tells its readers afterwards, in batches, each batch its own
 * short write. It runs straight after the commit in a process that runs background jobs, and as a
 * job every minute in case that process stopped.
 */
import { setImmediate as nextTurnOfEventLoop } from "node:timers/promises";
import { and, asc, eq, isNull, type SQLWrapper } from "drizzle-orm";
import { notificationFanOuts, notifications, posts, threads, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import {
  afterCommit,
  firstRow,
  inWrite,
  isDatabaseUnavailable,
  read,
  runTogether,
  writeUnseenByVisitors,
} from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { runSoon } from "~/lib/run-soon.server";
import { isPublic, isPublicThread } from "~/lib/permissions.server";
import { mentionedUsers } from "~/models/community/mentions.server";
import { notifyAll, type Notification } from "./notifications.server";
import { levelsByUser, watchReason, watchRowsForThread } from "./watching.server";

// Each batch is one write, and page writes wait behind it: small enough to keep that wait short.
const BATCH = 50;

/**
 * Queues the fan-out of a post that just became visible; a post is announced once, ever. `alongside`:
 * the caller's statements that go with it in one round trip (`runTogether`).
 */
export async function queueFanOut(threadId: number, postId: number, at: Date, alongside: SQLWrapper[] = []) {
  await inWrite((db) =>
    runTogether(db, [
      ...alongside,
      db.insert(notificationFanOuts).values({ postId, threadId, createdAt: at }).onConflictDoNothing(),
    ]),
  );
  afterCommit(() => fanOutSoon.request());
}

/** In a process running background jobs, a queued fan-out is told straight after commit (`enable`). */
export const fanOutSoon = runSoon("deliver-fan-outs", (stopping) => deliverFanOuts(now(), stopping));

type Recipient = Omit<Notification, "userId" | "actorId" | "postId" | "threadId" | "about">;

/** Who hears of `post`, and how; the author is left out, and anyone who muted the thread. */
async function recipientsOf(post: {
  id: number;
  kind: "question" | "answer";
  authorId: number;
  author: string;
  threadId: number;
  threadAuthorId: number;
  title: string;
  slug: string;
  createdAt: Date;
  bodyMarkdown: string;
}): Promise<Map<number, Recipient>> {
  const path = `/questions/${post.threadId}/${post.slug}#post-${post.id}`;
  const levels = levelsByUser(await watchRowsForThread(post.threadId, { asOf: post.createdAt }));
  const recipients = new Map<number, Recipient>();
  const add = (userId: number, recipient: Recipient) => {
    if (userId === post.authorId || recipients.has(userId)) return;
    if (levels.get(userId)?.level === "muted") return;
    recipients.set(userId, recipient);
  };
  if (post.kind === "answer")
    add(post.threadAuthorId, {
      kind: "new-answer",
      title: `${post.author} answered: ${post.title}`,
      path,
      reason: "You asked this question.",
    });
  // Only posts everyone may read are fanned out, so everyone mentioned may read it.
  for (const { id } of await mentionedUsers(post.bodyMarkdown))
    add(id, {
      kind: "mention",
      title: `${post.author} mentioned you: ${post.title}`,
      path,
      reason: `${post.author} mentioned you.`,
    });
  for (const [userId, { level, source }] of levels) {
    if ((level !== "watching" && level !== "tracking") || !source) continue;
    add(userId, {
      kind: "watched",
      title: post.kind === "question" ? `New question: ${post.title}` : `${post.author} answered: ${post.title}`,
      path,
      reason: watchReason(level, source),
      bellOnly: level === "tracking",
    });
  }
  return recipients;
}

/**
 * Tells the readers of every queued post, oldest first; returns how many people were told. Ends
 * between posts when `stopping` is aborted (a post told in part resumes where it stopped).
 */
export async function deliverFanOuts(at = now(), stopping?: AbortSignal) {
  let told = 0;
  while (!stopping?.aborted) {
    const next = firstRow(
      await read((db) =>
        db
          .select()
          .from(notificationFanOuts)
          .where(isNull(notificationFanOuts.doneAt))
          .orderBy(asc(notificationFanOuts.createdAt))
          .limit(1),
      ),
    );
    if (!next) return { told };
    try {
      told += await deliverFanOut(next, at);
    } catch (error) {
      if (isDatabaseUnavailable(error)) throw error; // the next run tries again
      // Anything else would fail again: one bad post must not stop every later fan-out.
      log.error("fan-out failed: given up for this post", { postId: next.postId, error });
      await writeUnseenByVisitors(async (db) => {
        await db.update(notificationFanOuts).set({ doneAt: at }).where(eq(notificationFanOuts.postId, next.postId));
      });
    }
    await nextTurnOfEventLoop();
  }
  return { told };
}

async function deliverFanOut(fanOut: typeof notificationFanOuts.$inferSelect, at: Date) {
  const post = firstRow(
    await read((db) =>
      db
        .select({
          id: posts.id,
          kind: posts.kind,
          authorId: posts.authorId,
          author: users.username,
          createdAt: posts.createdAt,
          bodyMarkdown: posts.bodyMarkdown,
          moderationState: posts.moderationState,
          threadId: threads.id,
          threadAuthorId: threads.authorId,
          visibility: threads.visibility,
          title: threads.title,
          slug: threads.slug,
        })
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .innerJoin(users, eq(users.id, posts.authorId))
        .where(eq(posts.id, fanOut.postId)),
    ),
  );
  const finish = () =>
    writeUnseenByVisitors(async (db) => {
      await db.update(notificationFanOuts).set({ doneAt: at }).where(eq(notificationFanOuts.postId, fanOut.postId));
    });
  // Hidden again before anyone was told: told to nobody (everyone it would tell may read only visible posts).
  if (!post || !isPublic(post) || !isPublicThread(post)) {
    await finish();
    return 0;
  }
  const recipients = [...(await recipientsOf(post))]
    .filter(([userId]) => userId > fanOut.notifiedThrough)
    .sort(([a], [b]) => a - b);
  for (let start = 0; start < recipients.length; start += BATCH) {
    const batch = recipients.slice(start, start + BATCH);
    const stop = await writeUnseenByVisitors(async (db) => {
      // Read again under the write lock (one for the whole database, on every server: DECISIONS.md
      // #65): another run (the job, another process) may have told some.
      const current = firstRow(
        await db.select().from(notificationFanOuts).where(eq(notificationFanOuts.postId, fanOut.postId)),
      );
      if (!current || current.doneAt) return true;
      const mentionedBefore = new Set(
        (
          await db
            .select({ userId: notifications.userId })
            .from(notifications)
            .where(and(eq(notifications.postId, post.id), eq(notifications.kind, "mention")))
        ).map((row) => row.userId),
      );
      await notifyAll(
        batch
          .filter(([userId, recipient]) => {
            if (userId <= current.notifiedThrough) return false;
            return !(recipient.kind === "mention" && mentionedBefore.has(userId));
          })
          .map(([userId, recipient]) => ({
            ...recipient,
            userId,
            actorId: post.authorId,
            postId: post.id,
            threadId: post.threadId,
            about: { kind: "thread", threadId: post.threadId },
          })),
        // Dated when the post became visible: that is when it happened, however late it is told.
        fanOut.createdAt,
      );
      // Where a run cut short resumes: nobody is told twice.
      await db
        .update(notificationFanOuts)
        .set({ notifiedThrough: Math.max(current.notifiedThrough, batch.at(-1)![0]) })
        .where(eq(notificationFanOuts.postId, fanOut.postId));
      return false;
    });
    if (stop) return start;
    // SQLite calls are synchronous and the writes only chain promises: without a turn of the event
    // loop between batches, a backlog of fan-outs held the server for minutes (no request, no SIGTERM).
    await nextTurnOfEventLoop();
  }
  await finish();
  return recipients.length;
}
