/**
 * What earns and costs reputation (issue 16's table; the values are admin settings): votes,
 * accepted and verified answers, and articles published from a thread. Each runs inside the write
 * that caused it, so the points stand or fall with their cause. Nobody earns from their own post:
 * votes on one's own post are refused upstream, and accepting or verifying one's own answer earns nothing.
 */
import { and, eq, gte, inArray, isNotNull, isNull, ne, sql } from "drizzle-orm";
import { kbArticles, posts, reputationEvents, threads } from "../../../db/schema";
import { firstRow, inWrite } from "~/lib/db.server";
import type { DomainEvents } from "~/models/shared/events.server";
import { earn, recount, reverse, type EarnedEvent } from "./ledger.server";
import { startOfUtcDay } from "./rules";
import { getReputationSettings } from "./settings.server";

const VOTE_REASONS = ["upvote", "downvote", "downvote_cast"] as const;

/** A changed vote reverses what the earlier vote earned, then earns what the new one does. */
export async function onVoteCast({ threadId, post, voter, previous, value, at }: DomainEvents["vote cast"]) {
  if (previous !== 0) {
    await reverse(
      and(
        eq(reputationEvents.postId, post.id),
        eq(reputationEvents.actorId, voter.id),
        inArray(reputationEvents.reason, [...VOTE_REASONS]),
      ),
      "unvoted",
      at,
    );
  }
  if (value === 0) return;
  const settings = await getReputationSettings();
  const about = { actorId: voter.id, postId: post.id, threadId };
  if (value > 0) {
    const points = post.kind === "answer" ? settings.upvoteAnswer : settings.upvoteQuestion;
    const room = settings.dailyVoteCap - (await upvotePointsToday(post.authorId, at));
    await earn(
      [{ userId: post.authorId, reason: "upvote", points: Math.max(0, Math.min(points, room)), ...about }],
      at,
    );
    return;
  }
  const events: EarnedEvent[] = [{ userId: post.authorId, reason: "downvote", points: -settings.downvote, ...about }];
  if (post.kind === "answer")
    events.push({ userId: voter.id, reason: "downvote_cast", points: -settings.downvoteCast, ...about });
  await earn(events, at);
}

/** What upvotes earned `userId` so far on `at`'s UTC day: the daily cap's measure. */
async function upvotePointsToday(userId: number, at: Date) {
  const row = await inWrite(async (db) =>
    firstRow(
      await db
        .select({ total: sql<number>`COALESCE(SUM(${reputationEvents.points}), 0)` })
        .from(reputationEvents)
        .where(
          and(
            eq(reputationEvents.userId, userId),
            gte(reputationEvents.createdAt, startOfUtcDay(at)),
            eq(reputationEvents.reason, "upvote"),
            isNull(reputationEvents.reversedAt),
          ),
        ),
    ),
  );
  return Number(row?.total ?? 0);
}

const SOLUTION_REASONS = { accepted: ["accepted", "accepted_other"], verified: ["verified"] } as const;
const SOLUTION_REVERSALS = { accepted: "unaccepted", verified: "unverified" } as const;

/**
 * An accepted answer earns its author and the asker; a verified one its author. Marking another
 * answer moves the points: what the earlier one earned is reversed.
 */
export async function onSolutionMarked({ threadId, postId, kind, by, at }: DomainEvents["solution marked"]) {
  const reasons = [...SOLUTION_REASONS[kind]];
  const live = and(
    eq(reputationEvents.threadId, threadId),
    inArray(reputationEvents.reason, reasons),
    isNull(reputationEvents.reversedAt),
  );
  const answer = await inWrite(async (db) => {
    const earned = await db.select({ postId: reputationEvents.postId }).from(reputationEvents).where(live);
    if (earned.some((row) => row.postId === postId)) return null; // marked again: already earned
    if (earned.length > 0) await reverse(live, SOLUTION_REVERSALS[kind], at);
    return firstRow(await db.select({ authorId: posts.authorId }).from(posts).where(eq(posts.id, postId)));
  });
  if (!answer || answer.authorId === by.id) return;
  const settings = await getReputationSettings();
  const about = { actorId: by.id, postId, threadId };
  await earn(
    kind === "accepted"
      ? [
          { userId: answer.authorId, reason: "accepted", points: settings.accepted, ...about },
          { userId: by.id, reason: "accepted_other", points: settings.acceptedOther, ...about },
        ]
      : [{ userId: answer.authorId, reason: "verified", points: settings.verified, ...about }],
    at,
  );
}

export async function onSolutionRemoved({ threadId, postId, kind, at }: DomainEvents["solution removed"]) {
  await reverse(
    and(
      eq(reputationEvents.threadId, threadId),
      eq(reputationEvents.postId, postId),
      inArray(reputationEvents.reason, [...SOLUTION_REASONS[kind]]),
    ),
    SOLUTION_REVERSALS[kind],
    at,
  );
}

/**
 * A post hidden, deleted or brought back takes the points of its events (a question: of every post
 * in its thread) out of the count or back in: the totals of everyone concerned are counted again.
 */
export async function onPostStateChanged({ threadId, postId, from, to, at }: DomainEvents["post state changed"]) {
  if ((from === "visible") === (to === "visible")) return;
  await inWrite(async (db) => {
    const post = firstRow(await db.select({ kind: posts.kind }).from(posts).where(eq(posts.id, postId)));
    const concerned = await db
      .selectDistinct({ userId: reputationEvents.userId })
      .from(reputationEvents)
      .where(
        post?.kind === "question"
          ? and(eq(reputationEvents.threadId, threadId), isNotNull(reputationEvents.postId))
          : eq(reputationEvents.postId, postId),
      );
    await recount(
      concerned.map((row) => row.userId),
      at,
    );
  });
}

/**
 * After a knowledge-base sync, in its write: each thread with a published article drafted from it
 * (any audience but staff) has earned its asker the article's points once; a thread whose
 * articles are all gone has them reversed.
 */
export async function settlePublishedArticles(at: Date) {
  await inWrite(async (db) => {
    const published = await db
      .selectDistinct({ threadId: threads.id, authorId: threads.authorId })
      .from(kbArticles)
      .innerJoin(threads, eq(threads.id, kbArticles.sourceThreadId))
      .where(and(isNull(kbArticles.removedAt), ne(kbArticles.audience, "staff")));
    const live = and(eq(reputationEvents.reason, "article_published"), isNull(reputationEvents.reversedAt));
    const earned = new Set(
      (await db.select({ threadId: reputationEvents.threadId }).from(reputationEvents).where(live)).map(
        (row) => row.threadId,
      ),
    );
    const stillPublished = new Set(published.map((row) => row.threadId));
    const gone = [...earned].filter(
      (threadId): threadId is number => threadId !== null && !stillPublished.has(threadId),
    );
    if (gone.length > 0) await reverse(and(live, inArray(reputationEvents.threadId, gone)), "unpublished", at);
    const { articlePublished } = await getReputationSettings();
    await earn(
      published
        .filter((row) => !earned.has(row.threadId))
        .map((row) => ({
          userId: row.authorId,
          reason: "article_published" as const,
          points: articlePublished,
          actorId: null,
          postId: null,
          threadId: row.threadId,
        })),
      at,
    );
  });
}
