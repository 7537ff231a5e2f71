/**
 * Awarding badges, in the background (the "award-badges" job). Nothing is kept in memory: who may
 * have earned something is read from the data, so a run after downtime catches up.
 * - People whose badges may have changed go into badge_queue: the authors of posts newer than
 *   badge_job_state.posts_through, people who visited or whose feedback was followed by an article's
 *   revision since changes_through, the askers of questions scored GOOD_QUESTION_SCORE without the
 *   badge, and (in the write that did it, subscriptions.server.ts) the authors of a post whose state
 *   changed or whose answer was marked a solution.
 * - Each run then checks queued people in batches against the rules (rules.ts), from public content
 *   only, and awards what they earned and do not hold. An award is unique per person, badge and tag,
 *   so a run repeated, or two processes at once, award once. Badges are kept when their cause is
 *   undone (DECISIONS.md #78).
 * A run's cost is bounded by what changed since the last one, not by the size of the community.
 */
import { and, asc, count, eq, gt, gte, inArray, isNotNull, lte, max, or, sql } from "drizzle-orm";
import {
  badgeAwards,
  badgeJobState,
  badgeQueue,
  badgeStandings,
  kbArticles,
  kbFeedback,
  posts,
  solutions,
  tags,
  threads,
  threadTags,
  users,
  visitDays,
} from "../../../db/schema";
import { alias } from "drizzle-orm/sqlite-core";
import { firstRow, inWrite, read, writeUnseenByVisitors, type Db } from "~/lib/db.server";
import { publicPostStatesCondition, publicThreadsCondition } from "~/lib/permissions.server";
import { notifyAll } from "~/models/notifications/notifications.server";
import {
  badgeDefinition,
  badgePath,
  byNotability,
  earnedBadges,
  GOOD_QUESTION_SCORE,
  notabilityVersion,
  utcDay,
  VISIT_STREAK_DAYS,
  type BadgeFacts,
  type EarnedBadge,
  type HeldBadge,
  type SolvedAnswer,
} from "./rules";

/** Posts whose authors one run queues: a first run on a large community spreads over several. */
const POSTS_PER_RUN = 50_000;
const PEOPLE_PER_BATCH = 200;
/** A run stops starting batches after this long; the next run goes on. */
const RUN_BUDGET_MS = 2_000;
/** A write that read the clock before a run and committed after it is still read by the next one. */
const LOOKBACK_MS = 5 * 60_000;
const IN_LIST = 500;

function chunks<T>(items: T[], size = IN_LIST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Queues `userIds` (again: a later queuing moves them back, so a batch in progress keeps them). */
async function queue(db: Db, userIds: Iterable<number>, at: Date) {
  for (const part of chunks([...new Set(userIds)])) {
    await db
      .insert(badgeQueue)
      .values(part.map((userId) => ({ userId, queuedAt: at })))
      .onConflictDoUpdate({ target: badgeQueue.userId, set: { queuedAt: at } });
  }
}

/**
 * Inside the write that marked a solution or changed a post's state: queues the post's author, and
 * for a question every author in its thread (their answers' visibility follows the question's).
 */
export async function queueAuthorsOfPost({ postId, threadId, at }: { postId: number; threadId: number; at: Date }) {
  await inWrite(async (db) => {
    const post = firstRow(
      await db.select({ kind: posts.kind, authorId: posts.authorId }).from(posts).where(eq(posts.id, postId)),
    );
    if (!post) return;
    const authors =
      post.kind === "question"
        ? await db.selectDistinct({ id: posts.authorId }).from(posts).where(eq(posts.threadId, threadId))
        : [{ id: post.authorId }];
    await queue(
      db,
      authors.map((author) => author.id),
      at,
    );
  });
}

/** Reads what changed since the last run and queues the people it concerns; returns how many. */
async function queueChangedPeople(at: Date) {
  return writeUnseenByVisitors(async (db) => {
    const state = firstRow(await db.select().from(badgeJobState).where(eq(badgeJobState.id, 1)));
    const postsFrom = state?.postsThrough ?? 0;
    const since = new Date((state?.changesThrough.getTime() ?? 0) - LOOKBACK_MS);
    const version = notabilityVersion();
    const lastPostId = firstRow(await db.select({ id: max(posts.id) }).from(posts))?.id ?? 0;
    const postsThrough = Math.min(lastPostId, postsFrom + POSTS_PER_RUN);
    const people = new Set<number>();
    const add = (rows: { userId: number | null }[]) => rows.forEach((row) => row.userId && people.add(row.userId));

    add(
      await db
        .selectDistinct({ userId: posts.authorId })
        .from(posts)
        .where(and(gt(posts.id, postsFrom), lte(posts.id, postsThrough))),
    );
    // Few questions ever reach the score (threads.score is the question's, indexed).
    add(
      await db
        .select({ userId: threads.authorId })
        .from(threads)
        .where(
          and(
            gte(threads.score, GOOD_QUESTION_SCORE),
            sql`NOT EXISTS (SELECT 1 FROM ${badgeAwards} WHERE ${badgeAwards.userId} = ${threads.authorId} AND ${badgeAwards.badgeKey} = 'good-question')`,
          ),
        ),
    );
    // Visitors since the last run's day whose last 30 days, up to that visit, were all visits (a
    // look at 30 index entries each): others are not queued all day long for every visit.
    const streak = alias(visitDays, "streak");
    add(
      await db
        .selectDistinct({ userId: visitDays.userId })
        .from(visitDays)
        .where(
          and(
            gte(visitDays.day, utcDay(since)),
            sql`(SELECT count(*) FROM visit_days ${streak} WHERE ${streak.userId} = ${visitDays.userId} AND ${streak.day} BETWEEN ${visitDays.day} - ${VISIT_STREAK_DAYS - 1} AND ${visitDays.day}) >= ${VISIT_STREAK_DAYS}`,
            sql`NOT EXISTS (SELECT 1 FROM ${badgeAwards} WHERE ${badgeAwards.userId} = ${visitDays.userId} AND ${badgeAwards.badgeKey} = 'visits-30')`,
          ),
        ),
    );
    add(
      await db
        .selectDistinct({ userId: kbFeedback.userId })
        .from(kbFeedback)
        .innerJoin(kbArticles, eq(kbArticles.id, kbFeedback.articleId))
        .where(and(gt(kbArticles.syncedAt, since), isNotNull(kbFeedback.userId), eq(kbFeedback.helpful, false))),
    );
    // A new order of notability: every holder's standing is written again.
    if (state && state.notabilityVersion !== version)
      add(await db.select({ userId: badgeStandings.userId }).from(badgeStandings));
    await queue(db, people, at);

    const changesThrough = state && state.changesThrough > at ? state.changesThrough : at;
    await db
      .insert(badgeJobState)
      .values({ id: 1, postsThrough, changesThrough, notabilityVersion: version })
      .onConflictDoUpdate({
        target: badgeJobState.id,
        set: { postsThrough, changesThrough, notabilityVersion: version },
      });
    return people.size;
  });
}

/**
 * The rules' facts about each of `userIds`, from public content only. What only earns a badge the
 * person holds is not read (`holds`). Each query is driven by an index on the person and reads a
 * post's row only where it is needed (a solution's, their first answer's).
 */
async function gatherFacts(
  db: Db,
  userIds: number[],
  holds: (userId: number, key: string) => boolean,
): Promise<Map<number, BadgeFacts>> {
  const facts = new Map<number, BadgeFacts>(
    userIds.map((id) => [
      id,
      { firstAnswerId: null, solvedAnswers: [], goodQuestionId: null, visitDays: [], improvedArticles: 0 },
    ]),
  );
  const of = (userId: number) => facts.get(userId)!;
  const lacking = (key: string) => userIds.filter((userId) => !holds(userId, key));
  const publicPost = and(publicPostStatesCondition(), publicThreadsCondition());

  // Their earliest public answer: one row read per person, by the author index's order.
  const withoutFirstAnswer = lacking("first-answer");
  if (withoutFirstAnswer.length > 0) {
    const firstAnswer = db
      .select({ id: posts.id })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(and(eq(posts.authorId, users.id), eq(posts.kind, "answer"), publicPost))
      .orderBy(asc(posts.createdAt), asc(posts.id))
      .limit(1);
    const rows = await db
      .select({ userId: users.id, postId: sql<number | null>`(${firstAnswer})` })
      .from(users)
      .where(inArray(users.id, withoutFirstAnswer));
    for (const row of rows) if (row.postId !== null) of(row.userId).firstAnswerId = Number(row.postId);
  }

  // Solutions marked by someone else than the answer's author: one's own acceptance earns nothing.
  // The solutions of their answers first, from two indexes alone; then only those posts are read.
  const theirAnswers = db
    .select({ id: posts.id })
    .from(posts)
    .where(and(inArray(posts.authorId, userIds), eq(posts.kind, "answer")));
  const marks = await db
    .select({ postId: solutions.postId, kind: solutions.kind, markedAt: solutions.markedAt, by: solutions.markedById })
    .from(solutions)
    .where(inArray(solutions.postId, theirAnswers));
  const solved: {
    userId: number;
    postId: number;
    threadId: number;
    createdAt: Date;
    questionCreatedAt: Date;
    kind: "accepted" | "verified";
    markedAt: Date;
  }[] = [];
  for (const part of chunks([...new Set(marks.map((mark) => mark.postId))])) {
    const rows = await db
      .select({
        userId: posts.authorId,
        postId: posts.id,
        threadId: posts.threadId,
        createdAt: posts.createdAt,
        questionCreatedAt: threads.createdAt,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(and(inArray(posts.id, part), publicPost));
    const postOf = new Map(rows.map((row) => [row.postId, row]));
    for (const mark of marks) {
      const post = postOf.get(mark.postId);
      if (post && mark.by !== post.userId) solved.push({ ...post, kind: mark.kind, markedAt: mark.markedAt });
    }
  }
  const tagsOf = new Map<number, string[]>();
  for (const part of chunks([...new Set(solved.map((row) => row.threadId))])) {
    const rows = await db
      .select({ threadId: threadTags.threadId, name: tags.name })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .where(inArray(threadTags.threadId, part));
    for (const row of rows) tagsOf.set(row.threadId, [...(tagsOf.get(row.threadId) ?? []), row.name]);
  }
  const answers = new Map<number, SolvedAnswer & { userId: number }>();
  for (const row of solved) {
    const answer = answers.get(row.postId) ?? {
      userId: row.userId,
      postId: row.postId,
      createdAt: row.createdAt,
      questionCreatedAt: row.questionCreatedAt,
      acceptedAt: null,
      verifiedAt: null,
      tags: tagsOf.get(row.threadId) ?? [],
    };
    if (row.kind === "accepted") answer.acceptedAt = row.markedAt;
    else answer.verifiedAt = row.markedAt;
    answers.set(row.postId, answer);
  }
  for (const { userId, ...answer } of answers.values()) of(userId).solvedAnswers.push(answer);

  // A thread's score and visibility are its question's; few threads reach the score (indexed).
  const withoutGoodQuestion = lacking("good-question");
  if (withoutGoodQuestion.length > 0) {
    const goodQuestions = await db
      .select({ userId: posts.authorId, postId: sql<number>`min(${posts.id})`.mapWith(Number) })
      .from(threads)
      .innerJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.kind, "question")))
      .where(
        and(
          gte(threads.score, GOOD_QUESTION_SCORE),
          publicThreadsCondition(),
          inArray(threads.authorId, withoutGoodQuestion),
        ),
      )
      .groupBy(posts.authorId);
    for (const row of goodQuestions) of(row.userId).goodQuestionId = row.postId;
  }

  const withoutStreak = lacking("visits-30");
  if (withoutStreak.length > 0) {
    const days = await db
      .select({ userId: visitDays.userId, day: visitDays.day })
      .from(visitDays)
      .where(inArray(visitDays.userId, withoutStreak))
      .orderBy(asc(visitDays.userId), asc(visitDays.day));
    for (const row of days) of(row.userId).visitDays.push(row.day);
  }

  // Feedback "this did not help, because…" on a public article that was revised after it.
  const withoutImprover = lacking("article-improver");
  if (withoutImprover.length > 0) {
    const improved = await db
      .select({ userId: kbFeedback.userId, articles: count() })
      .from(kbFeedback)
      .innerJoin(kbArticles, eq(kbArticles.id, kbFeedback.articleId))
      .where(
        and(
          inArray(kbFeedback.userId, withoutImprover),
          eq(kbFeedback.helpful, false),
          sql`coalesce(trim(${kbFeedback.comment}), '') <> ''`,
          sql`${kbArticles.removedAt} IS NULL`,
          eq(kbArticles.audience, "public"),
          gt(kbArticles.syncedAt, kbFeedback.updatedAt),
        ),
      )
      .groupBy(kbFeedback.userId);
    for (const row of improved) if (row.userId !== null) of(row.userId).improvedArticles = row.articles;
  }
  return facts;
}

const holdingKey = (userId: number, badge: HeldBadge) => `${userId}\u0000${badge.key}\u0000${badge.tag}`;

type Standing = { topKey: string; topTag: string };

/** A person's most notable badge. */
function standingOf(held: HeldBadge[]): Standing {
  const [top] = [...held].sort(byNotability);
  return { topKey: top.key, topTag: top.tag };
}

function badgeTitle(badge: HeldBadge) {
  const name = badgeDefinition(badge.key)?.name ?? badge.key;
  return badge.tag ? `You earned the badge “${name}” in ${badge.tag}` : `You earned the badge “${name}”`;
}

const sameStanding = (a: Standing, b: Standing | undefined) => a.topKey === b?.topKey && a.topTag === b?.topTag;

/** Checks one batch of queued people; returns how many badges it awarded. */
async function checkPeople(batch: { userId: number; queuedAt: Date }[], at: Date) {
  const userIds = batch.map((row) => row.userId);
  const { facts, held, standings, holdings } = await read(async (db) => {
    const held = await db
      .select({ userId: badgeAwards.userId, key: badgeAwards.badgeKey, tag: badgeAwards.tag })
      .from(badgeAwards)
      .where(inArray(badgeAwards.userId, userIds));
    const holdings = new Set(held.map((row) => holdingKey(row.userId, row)));
    return {
      held,
      holdings,
      facts: await gatherFacts(db, userIds, (userId, key) => holdings.has(holdingKey(userId, { key, tag: "" }))),
      standings: await db.select().from(badgeStandings).where(inArray(badgeStandings.userId, userIds)),
    };
  });
  const fresh: (EarnedBadge & { userId: number })[] = [];
  for (const [userId, personFacts] of facts) {
    for (const badge of earnedBadges(personFacts)) {
      if (!holdings.has(holdingKey(userId, badge))) fresh.push({ userId, ...badge });
    }
  }
  // Standings to write: of people awarded now, and of any whose stored one is out of date (a new
  // order of notability in rules.ts queues every holder).
  const stored = new Map(standings.map(({ userId, ...standing }) => [userId, standing]));
  const standingsFrom = (rows: { userId: number; key: string; tag: string }[]) => {
    const byPerson = new Map<number, HeldBadge[]>();
    for (const row of rows) byPerson.set(row.userId, [...(byPerson.get(row.userId) ?? []), row]);
    return [...byPerson].flatMap(([userId, mine]) => {
      const standing = standingOf(mine);
      return sameStanding(standing, stored.get(userId)) ? [] : [{ userId, ...standing }];
    });
  };
  // Only as queued when read: someone queued again meanwhile is checked again.
  const dequeue = (db: Db) =>
    db
      .delete(badgeQueue)
      .where(or(...batch.map((row) => and(eq(badgeQueue.userId, row.userId), lte(badgeQueue.queuedAt, row.queuedAt)))));
  if (fresh.length === 0 && standingsFrom(held).length === 0) {
    await writeUnseenByVisitors(dequeue);
    return 0;
  }
  // Badges show beside names on every page an author wrote on, yet come a minute late anyway:
  // visitors' cached pages keep them for up to their TTL (#12) rather than all go at each award.
  return writeUnseenByVisitors(async (db) => {
    const awarded = fresh.length
      ? await db
          .insert(badgeAwards)
          .values(fresh.map(({ key, ...badge }) => ({ ...badge, badgeKey: key, awardedAt: at })))
          .onConflictDoNothing()
          .returning({ userId: badgeAwards.userId, key: badgeAwards.badgeKey, tag: badgeAwards.tag })
      : [];
    for (const { userId, ...standing } of standingsFrom([...held, ...awarded])) {
      await db
        .insert(badgeStandings)
        .values({ userId, ...standing })
        .onConflictDoUpdate({ target: badgeStandings.userId, set: standing });
    }
    await notifyAll(
      awarded.map((badge) => ({
        userId: badge.userId,
        kind: "badge" as const,
        title: badgeTitle(badge),
        path: badgePath(badge.key, badge.tag),
        reason: "You earned a badge",
        actorId: null,
        // A first run on an existing community awards years of badges at once: the bell, not email.
        bellOnly: true,
      })),
      at,
    );
    await dequeue(db);
    return awarded.length;
  });
}

/**
 * The job: queues who may have earned something since the last run, then checks the queue in
 * batches until it is empty, RUN_BUDGET_MS have passed or the process is stopping.
 */
export async function awardDueBadges(at: Date, stopping?: AbortSignal) {
  const queued = await queueChangedPeople(at);
  const started = performance.now();
  let checked = 0;
  let awarded = 0;
  while (!stopping?.aborted && performance.now() - started < RUN_BUDGET_MS) {
    const batch = await read((db) =>
      db
        .select({ userId: badgeQueue.userId, queuedAt: badgeQueue.queuedAt })
        .from(badgeQueue)
        .orderBy(asc(badgeQueue.queuedAt), asc(badgeQueue.userId))
        .limit(PEOPLE_PER_BATCH),
    );
    if (batch.length === 0) break;
    awarded += await checkPeople(batch, at);
    checked += batch.length;
  }
  return { queued, checked, awarded };
}
