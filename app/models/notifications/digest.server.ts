/**
 * Digests: a daily or weekly email, for people who have not visited since the last one, of the
 * best new threads in what they follow and the unanswered questions in tags they know
 * (DECISIONS.md #49).
 * Invariants:
 * - a digest holds only what everyone may read (the permission module's public conditions; staff
 *   see held and hidden posts at work, not in a summary mailed out), never
 *   one that is muted for them (by the thread, its category or any of its tags), never their own
 *   new thread, and no answer of theirs counts as news;
 * - `users.last_digest_at` is when a digest was last sent or found empty; the update that moves it
 *   is conditional on its old value and is the write that inserts the email, so two runs (or two
 *   processes) send one digest per period;
 * - selection costs a fixed number of queries per person, whatever the number of threads.
 */
import { and, asc, eq, inArray, notInArray, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { z } from "zod";
import {
  DIGEST_FREQUENCIES,
  emailOptOuts,
  emailOutbox,
  posts,
  ROLES,
  threads,
  threadTags,
  users,
  watches,
  type DigestFrequency,
  type Role,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read, writeUnseenByVisitors } from "~/lib/db.server";
import { composeEmail, type EmailItem } from "~/lib/email-layout.server";
import { publicUrl } from "~/lib/env.server";
import { parseInput } from "~/lib/forms.server";
import { plainTextSummary } from "~/lib/markdown.server";
import { anyRow, millis } from "~/lib/portable-sql.server";
import {
  ensureSignedIn,
  publicPostStatesCondition,
  publicThreadsCondition,
  type Actor,
} from "~/lib/permissions.server";
import { SITE_NAME } from "~/lib/site";
import { unsubscribeUrl } from "./email-preferences.server";
import { DIGEST_PERIOD_MS, defaultDigestFrequency, effectiveDigestFrequency } from "./digest-rules";

export const MAX_DIGEST_THREADS = 10;
export const MAX_DIGEST_UNANSWERED = 5;
const EXCERPT_LENGTH = 240;

// What a person follows, in SQL on `threads` (correlated by its id): for the fan-out to share later.
// Posts and tags in these subqueries are named apart from any outer query's.
const own = alias(posts, "own");
const fresh = alias(posts, "fresh");
const answered = alias(posts, "answered");
const answeredTags = alias(threadTags, "answered_tags");
const theirTags = alias(threadTags, "their_tags");

/**
 * A person's effective watch level on each thread: their thread row if any; else muted when its
 * category or any of its tags is muted; else the highest of their category and tag levels
 * (watching > tracking > normal); else normal.
 */
export function effectiveWatchLevelSql(userId: number): SQL<string> {
  const placeLevels = sql`SELECT ${watches.level} AS level FROM ${watches} WHERE ${watches.userId} = ${userId} AND (
      (${watches.target} = 'category' AND ${watches.targetId} = ${threads.categoryId})
      OR (${watches.target} = 'tag' AND ${watches.targetId} IN (SELECT ${threadTags.tagId} FROM ${threadTags} WHERE ${threadTags.threadId} = ${threads.id})))`;
  const fromPlaces = sql`(SELECT CASE
      WHEN ${anyRow(sql`level = 'muted'`)} THEN 'muted'
      WHEN ${anyRow(sql`level = 'watching'`)} THEN 'watching'
      WHEN ${anyRow(sql`level = 'tracking'`)} THEN 'tracking'
      ELSE 'normal' END FROM (${placeLevels}) AS place_levels)`;
  const onThread = sql`(SELECT ${watches.level} FROM ${watches} WHERE ${watches.userId} = ${userId} AND ${watches.target} = 'thread' AND ${watches.targetId} = ${threads.id})`;
  return sql<string>`COALESCE(${onThread}, ${fromPlaces})`;
}

/**
 * The person asked or answered in the thread (any post of theirs in it). Uncorrelated, so SQLite
 * lists their threads once per query rather than reading all their posts for each thread.
 */
export function tookPartCondition(userId: number): SQL {
  return sql`${threads.id} IN (SELECT ${own.threadId} FROM ${posts} ${own} WHERE ${own.authorId} = ${userId})`;
}

/** Threads a person watches or tracks, or took part in, minus what is muted for them. */
export function followedThreadsCondition(userId: number): SQL {
  const level = effectiveWatchLevelSql(userId);
  return sql`(${level} IN ('watching', 'tracking') OR (${level} <> 'muted' AND ${tookPartCondition(userId)}))`;
}

/**
 * The later of two times: SQLite's scalar max(a, b) written as CASE so PostgreSQL reads it too. Where
 * max gave NULL if either side was NULL, this gives `b` when `a` is NULL and NULL when only `b` is;
 * every caller passes a NOT NULL or COALESCEd `b`, so nothing it answers has changed.
 */
function later(a: SQL, b: SQL | AnyColumn): SQL<number> {
  return sql<number>`CASE WHEN ${a} > ${b} THEN ${a} ELSE ${b} END`;
}

/** `effectiveDigestFrequency` in SQL on `users`, built from the rule so the two cannot differ. */
function effectiveDigestFrequencySql(): SQL<DigestFrequency> {
  const byRole = sql.join(
    ROLES.map((role) => sql`WHEN ${role} THEN ${defaultDigestFrequency(role)}`),
    sql` `,
  );
  return sql<DigestFrequency>`COALESCE(${users.digestFrequency}, CASE ${users.role} ${byRole} END)`;
}

/** What a digest shows of each thread; `newAnswers` counts others' answers in the window. */
const digestColumns = (newAnswers: SQL) => ({
  id: threads.id,
  title: threads.title,
  slug: threads.slug,
  votes: threads.score,
  answers: threads.answerCount,
  newAnswers: sql<number>`${newAnswers}`,
});

export type DigestReader = {
  id: number;
  username: string;
  role: Role;
  suspendedUntil: Date | null;
  digestFrequency: DigestFrequency | null;
  lastDigestAt: Date | null;
};

export type DigestThread = {
  id: number;
  title: string;
  /** Absolute, from PUBLIC_URL. */
  url: string;
  excerpt: string;
  votes: number;
  answers: number;
  /** Answers by others since the last digest (for threads the reader took part in). */
  newAnswers: number;
};

export type Digest = { threads: DigestThread[]; unanswered: DigestThread[]; since: Date };

/** Where a digest starts: the later of the last digest and the start of the period. */
function digestStart(reader: DigestReader, at: Date, frequency: Exclude<DigestFrequency, "off">) {
  const periodStart = at.getTime() - DIGEST_PERIOD_MS[frequency];
  return new Date(Math.max(periodStart, reader.lastDigestAt?.getTime() ?? 0));
}

/**
 * What a digest for `reader` at `at` holds, in 3 queries:
 * - threads: up to MAX_DIGEST_THREADS of those created since the start, in what they watch, track or
 *   took part in, and threads they took part in that others answered since then; ranked by
 *   `2 × votes + 3 × answers + 4 × recency`, where recency runs from 0 (at the start) to 1 (now) by
 *   the thread's creation or its latest new answer, whichever is later. Votes and answers lead;
 *   recency breaks ties and lifts a fresh thread over an older one with one more vote.
 * - unanswered: up to MAX_DIGEST_UNANSWERED open questions with no answer, created since the
 *   start, in tags where the reader has a public answer, oldest first (they have waited longest).
 */
export async function selectDigest(reader: DigestReader, at: Date): Promise<Digest | null> {
  const frequency = effectiveDigestFrequency(reader);
  if (frequency === "off") return null;
  const since = digestStart(reader, at, frequency);
  const userId = reader.id;
  const level = effectiveWatchLevelSql(userId);
  const inWindow = (column: AnyColumn) => sql`${column} >= ${since.getTime()} AND ${column} < ${at.getTime()}`;
  const othersAnswers = (what: SQL) =>
    sql`(SELECT ${what} FROM ${posts} ${fresh} WHERE ${and(
      eq(fresh.threadId, threads.id),
      eq(fresh.kind, "answer"),
      sql`${fresh.authorId} <> ${userId}`,
      inWindow(fresh.createdAt),
      publicPostStatesCondition(fresh),
    )})`;
  const latestNewAnswer = othersAnswers(sql`max(${fresh.createdAt})`);
  const newAnswers = othersAnswers(sql`count(*)`);
  // No new answer (NULL) falls to the thread's creation, as max(created, COALESCE(latest, created)) did.
  const activity = later(latestNewAnswer, threads.createdAt);
  const span = Math.max(at.getTime() - since.getTime(), 1);
  const rank = sql`2 * ${threads.score} + 3 * ${threads.answerCount} + 4.0 * (${activity} - ${since.getTime()}) / ${span}`;

  const picked = await read((db) =>
    db
      .select(digestColumns(newAnswers))
      .from(threads)
      .where(
        and(
          // Every thread with a new post since the start is active since then: the index narrows to those.
          sql`${threads.lastActivityAt} >= ${since.getTime()}`,
          publicThreadsCondition(),
          sql`${level} <> 'muted'`,
          sql`((${inWindow(threads.createdAt)} AND ${threads.authorId} <> ${userId} AND ${followedThreadsCondition(userId)})
            OR (${tookPartCondition(userId)} AND ${latestNewAnswer} IS NOT NULL))`,
        ),
      )
      .orderBy(sql`${rank} DESC`, sql`${threads.id} DESC`)
      .limit(MAX_DIGEST_THREADS),
  );

  const tagsAnswered = sql`SELECT ${answeredTags.tagId} FROM ${posts} ${answered}
    JOIN ${threadTags} ${answeredTags} ON ${answeredTags.threadId} = ${answered.threadId}
    WHERE ${and(eq(answered.authorId, userId), eq(answered.kind, "answer"), publicPostStatesCondition(answered))}`;
  const unanswered = await read((db) =>
    db
      .select(digestColumns(sql`0`))
      .from(threads)
      .where(
        and(
          inWindow(threads.createdAt),
          publicThreadsCondition(),
          eq(threads.status, "open"),
          eq(threads.answerCount, 0),
          sql`${threads.authorId} <> ${userId}`,
          sql`${level} <> 'muted'`,
          picked.length
            ? notInArray(
                threads.id,
                picked.map((thread) => thread.id),
              )
            : undefined,
          sql`EXISTS (SELECT 1 FROM ${threadTags} ${theirTags} WHERE ${theirTags.threadId} = ${threads.id} AND ${theirTags.tagId} IN (${tagsAnswered}))`,
        ),
      )
      .orderBy(asc(threads.createdAt), asc(threads.id))
      .limit(MAX_DIGEST_UNANSWERED),
  );
  if (picked.length === 0 && unanswered.length === 0) return null;

  const ids = [...picked, ...unanswered].map((thread) => thread.id);
  const bodies = new Map(
    (
      await read((db) =>
        db
          .select({ threadId: posts.threadId, html: posts.bodyHtml })
          .from(posts)
          .where(and(inArray(posts.threadId, ids), eq(posts.kind, "question"))),
      )
    ).map((row) => [row.threadId, row.html]),
  );
  const origin = publicUrl();
  const toDigestThread = ({ slug, ...thread }: (typeof picked)[number]): DigestThread => ({
    ...thread,
    newAnswers: Number(thread.newAnswers),
    url: `${origin}/questions/${thread.id}/${slug}`,
    excerpt: plainTextSummary(bodies.get(thread.id) ?? "", EXCERPT_LENGTH),
  });
  return { threads: picked.map(toDigestThread), unanswered: unanswered.map(toDigestThread), since };
}

const readerColumns = {
  id: users.id,
  username: users.username,
  role: users.role,
  suspendedUntil: users.suspendedUntil,
  trustLevel: users.trustLevel,
  digestFrequency: users.digestFrequency,
  lastDigestAt: users.lastDigestAt,
};

/** The digest `userId` would get at `at`, or null when it would be empty (or their digest is off). */
export async function digestFor(userId: number, at = now()): Promise<Digest | null> {
  const reader = firstRow(await read((db) => db.select(readerColumns).from(users).where(eq(users.id, userId))));
  return reader ? selectDigest(reader, at) : null;
}

const formatDay = (at: Date) =>
  at.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const plural = (count: number, one: string, many: string) => `${count} ${count === 1 ? one : many}`;

function digestItem(thread: DigestThread, heading: string, label: string): EmailItem {
  const counts = [plural(thread.answers, "answer", "answers"), plural(thread.votes, "vote", "votes")];
  if (thread.newAnswers > 0) counts.push(`${plural(thread.newAnswers, "new answer", "new answers")} for you`);
  return {
    heading,
    bodyText: [thread.excerpt, counts.join(", ")].filter(Boolean).join("\n"),
    link: { url: thread.url, label },
  };
}

/** The digest as an email: subject, and the same content as HTML and text (`composeEmail`). */
export async function digestEmail(
  reader: DigestReader & { lastVisitAt: Date },
  digest: Digest,
  frequency: Exclude<DigestFrequency, "off">,
) {
  const newThreads = digest.threads.length ? plural(digest.threads.length, "new thread", "new threads") : null;
  const unanswered = digest.unanswered.length
    ? plural(digest.unanswered.length, "unanswered question", "unanswered questions")
    : null;
  const subject = `What you missed on ${SITE_NAME}: ${[newThreads, unanswered].filter(Boolean).join(" and ")}`;
  const intro = [newThreads && `${newThreads} in what you follow`, unanswered && `${unanswered} in tags you answer in`]
    .filter(Boolean)
    .join(", and ");
  const { html, text } = composeEmail({
    username: reader.username,
    intro: `Since ${formatDay(digest.since)}: ${intro}.`,
    items: [
      ...digest.threads.map((thread) => digestItem(thread, thread.title, "Read the thread")),
      ...digest.unanswered.map((thread) => digestItem(thread, `Waiting for an answer: ${thread.title}`, "Answer it")),
    ],
    reason: `You get this digest ${frequency} because you have not visited since ${formatDay(reader.lastVisitAt)}.`,
    unsubscribe: { url: await unsubscribeUrl(reader.id, "digest"), label: "Stop the digest (one click)" },
  });
  return { subject, html, text };
}

/**
 * Who is due a digest at `at`: their frequency is not off (their role's default applied), they have
 * not opted out of the digest email, their address is confirmed, and they have been away a whole
 * period: since their last digest (or empty check), their last visit and their sign-up. Those away
 * longest come first.
 */
async function dueReaders(at: Date, limit: number) {
  const frequency = effectiveDigestFrequencySql();
  const period = sql`CASE ${frequency} WHEN 'daily' THEN ${millis(DIGEST_PERIOD_MS.daily)} ELSE ${millis(DIGEST_PERIOD_MS.weekly)} END`;
  const lastVisit = later(sql`COALESCE(${users.lastSeenAt}, 0)`, users.createdAt);
  const reference = later(sql`COALESCE(${users.lastDigestAt}, 0)`, lastVisit);
  return read((db) =>
    db
      .select({ ...readerColumns, email: users.email, lastVisit })
      .from(users)
      .where(
        and(
          sql`${frequency} <> 'off'`,
          sql`${users.emailConfirmedAt} IS NOT NULL`,
          sql`${reference} <= ${millis(at)} - ${period}`,
          sql`NOT EXISTS (SELECT 1 FROM ${emailOptOuts} WHERE ${emailOptOuts.userId} = ${users.id} AND ${emailOptOuts.kind} = 'digest')`,
        ),
      )
      .orderBy(sql`${reference}`, asc(users.id))
      .limit(limit),
  );
}

/**
 * The digest job: for a batch of due people, selects each digest, then in one write per person
 * moves `last_digest_at` to `at` (only if no other run moved it, and they have still not visited)
 * and inserts the email. An empty digest moves `last_digest_at` too, as "checked": the person is
 * looked at again a period later, not every minute. Safe to run twice and in several processes.
 */
export async function sendDueDigests(at = now(), batchSize = 200) {
  let sent = 0;
  let empty = 0;
  for (const row of await dueReaders(at, batchSize)) {
    const frequency = effectiveDigestFrequency(row);
    if (frequency === "off") continue;
    const digest = await selectDigest(row, at);
    const email = digest
      ? await digestEmail({ ...row, lastVisitAt: new Date(row.lastVisit) }, digest, frequency)
      : null;
    const awaySince = new Date(at.getTime() - DIGEST_PERIOD_MS[frequency]);
    const claimed = await writeUnseenByVisitors(async (db) => {
      const moved = await db
        .update(users)
        .set({ lastDigestAt: at })
        .where(
          and(
            eq(users.id, row.id),
            row.lastDigestAt ? eq(users.lastDigestAt, row.lastDigestAt) : sql`${users.lastDigestAt} IS NULL`,
            sql`COALESCE(${users.lastSeenAt}, 0) <= ${awaySince.getTime()}`,
          ),
        )
        .returning({ id: users.id });
      if (moved.length === 0) return false;
      if (email)
        await db
          .insert(emailOutbox)
          .values({ userId: row.id, kind: "digest", toAddress: row.email, ...email, createdAt: at });
      return true;
    });
    if (claimed && email) sent += 1;
    else if (claimed) empty += 1;
  }
  return { sent, empty };
}

/** The actor's digest setting as the settings page shows it: opting out of the email reads as off. */
export async function digestSettings(actor: Actor) {
  ensureSignedIn(actor);
  const [user, optOut] = await Promise.all([
    read((db) =>
      db.select({ role: users.role, digestFrequency: users.digestFrequency }).from(users).where(eq(users.id, actor.id)),
    ),
    read((db) =>
      db
        .select({ kind: emailOptOuts.kind })
        .from(emailOptOuts)
        .where(and(eq(emailOptOuts.userId, actor.id), eq(emailOptOuts.kind, "digest"))),
    ),
  ]);
  const settings = firstRow(user)!;
  return {
    frequency: optOut.length ? ("off" as const) : effectiveDigestFrequency(settings),
    roleDefault: defaultDigestFrequency(settings.role),
  };
}

const digestFrequencySchema = z.object({
  digestFrequency: z.enum(DIGEST_FREQUENCIES, { error: "Choose daily, weekly or never." }),
});

/**
 * Saves how often the actor wants the digest. Choosing daily or weekly also takes back an earlier
 * unsubscribe from the digest email: the choice on this page is the latest word.
 */
export async function saveDigestFrequency(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const { digestFrequency } = parseInput(digestFrequencySchema, input);
  await writeUnseenByVisitors(async (db) => {
    await db.update(users).set({ digestFrequency }).where(eq(users.id, actor.id));
    if (digestFrequency !== "off")
      await db.delete(emailOptOuts).where(and(eq(emailOptOuts.userId, actor.id), eq(emailOptOuts.kind, "digest")));
  });
  return digestFrequency;
}
