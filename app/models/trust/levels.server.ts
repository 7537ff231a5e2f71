/**
 * Each person's stored trust level (users.trust_level), kept in step with what it is computed from
 * (DECISIONS.md #77): their reputation (recomputed in the write that changes it), their approved
 * posts (in the write that approves or hides one; new visible posts count at the next recompute),
 * and the days since they signed up (the background job). Changing the thresholds recomputes
 * everyone's. The rule itself is `earnedTrustLevel`, in the permission module; a level that drops
 * is written to the audit log, so staff see who lost a privilege and why.
 */
import { and, asc, eq, getTableColumns, gt, inArray, or, sql, type SQL } from "drizzle-orm";
import { posts, trustSettings, users } from "../../../db/schema";
import { firstRow, inWrite, read, write, writeUnseenByVisitors } from "~/lib/db.server";
import { earnedTrustLevel, publicPostStatesCondition } from "~/lib/permissions.server";
import { levelName, TRUST_LEVEL_LABELS, type TrustLevel, type TrustThresholds } from "~/lib/trust-levels";
import { recordAudit } from "~/models/shared/audit.server";
import { thresholdsOf } from "./thresholds.server";

const HOUR_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * HOUR_MS;
const BATCH = 500;

type StandingRow = {
  id: number;
  username: string;
  reputation: number;
  createdAt: Date;
  trustLevel: TrustLevel;
  posts: number;
};

/**
 * Approved posts of the person in `users`' row, counted up to `cap` (no level asks for more). The
 * outer id is named in full: drizzle writes a single table's columns unqualified, and a bare "id"
 * would be the post's. The subquery is named because PostgreSQL before 16 refuses one without a name.
 */
const outerUserId = sql`${sql.identifier("users")}.${sql.identifier("id")}`;
export const approvedPostsUpTo = (cap: number | SQL) =>
  sql<number>`(SELECT count(*) FROM (SELECT 1 FROM posts WHERE posts.author_id = ${outerUserId} AND ${publicPostStatesCondition(posts)} LIMIT ${cap}) AS approved)`;

export const postsCap = (thresholds: TrustThresholds) =>
  Math.max(...Object.values(thresholds).map((threshold) => threshold.posts), 0);

const standingColumns = (postsCap: number | SQL) => ({
  id: users.id,
  username: users.username,
  reputation: users.reputation,
  createdAt: users.createdAt,
  trustLevel: users.trustLevel,
  posts: approvedPostsUpTo(postsCap),
});

/** What each person in `where` stands on, a batch of `limit` in one query. */
async function standingsOf(thresholds: TrustThresholds, where: SQL | undefined, limit: number): Promise<StandingRow[]> {
  return read((db) =>
    db
      .select(standingColumns(postsCap(thresholds)))
      .from(users)
      .where(where)
      .orderBy(asc(users.id))
      .limit(limit),
  );
}

const levelOf = (person: StandingRow, thresholds: TrustThresholds, at: Date) =>
  earnedTrustLevel(
    {
      reputation: person.reputation,
      days: Math.floor((at.getTime() - person.createdAt.getTime()) / DAY_MS),
      posts: Number(person.posts),
    },
    thresholds,
    person.trustLevel,
  );

/**
 * Stores the levels `people` earn now; writes an audit entry for each that drops (unless
 * `quietDrops`, when the caller writes one entry for all). Returns how many rose and dropped.
 */
async function storeLevels(
  people: StandingRow[],
  thresholds: TrustThresholds,
  at: Date,
  reason: string,
  quietDrops = false,
) {
  const moved = new Map<TrustLevel, number[]>();
  let rose = 0;
  let dropped = 0;
  for (const person of people) {
    const level = levelOf(person, thresholds, at);
    if (level === person.trustLevel) continue;
    moved.set(level, [...(moved.get(level) ?? []), person.id]);
    if (level > person.trustLevel) rose += 1;
    else {
      dropped += 1;
      if (!quietDrops) await auditDrop(person, level, reason, at);
    }
  }
  await inWrite(async (db) => {
    for (const [level, ids] of moved) await db.update(users).set({ trustLevel: level }).where(inArray(users.id, ids));
  });
  return { rose, dropped };
}

async function auditDrop(person: StandingRow, level: TrustLevel, reason: string, at: Date) {
  await recordAudit(
    null,
    {
      action: "user.trust-level",
      subject: { type: "user", id: person.id, label: person.username },
      reason: `${TRUST_LEVEL_LABELS[levelName(person.trustLevel)]} to ${TRUST_LEVEL_LABELS[levelName(level)]}: ${reason}`,
      before: { trustLevel: levelName(person.trustLevel) },
      after: { trustLevel: levelName(level) },
    },
    at,
  );
}

/**
 * Recomputes one person's level (`who`: a condition on `users` naming them) inside the caller's
 * write: one query (their standing, with the thresholds), and an update only when the level
 * changes. Runs in every write that changes a reputation, so it costs one round trip.
 */
async function recomputeLevelOf(who: SQL, at: Date, reason: string) {
  const cap = sql<number>`COALESCE((SELECT leader_posts FROM trust_settings WHERE id = 1), ${postsCap(thresholdsOf(undefined))})`;
  const row = firstRow(
    await inWrite((db) =>
      db
        .select({ ...standingColumns(cap), settings: getTableColumns(trustSettings) })
        .from(users)
        .leftJoin(trustSettings, eq(trustSettings.id, 1))
        .where(who),
    ),
  );
  if (!row) return;
  await storeLevels([row], thresholdsOf(row.settings ?? undefined), at, reason);
}

export const recomputeTrustLevel = (userId: number, at: Date, reason: string) =>
  recomputeLevelOf(eq(users.id, userId), at, reason);

/** For a post that was approved, hidden or deleted: its author's approved posts changed. */
export const recomputeTrustLevelOfPostAuthor = (postId: number, at: Date, reason: string) =>
  recomputeLevelOf(
    sql`${users.id} = (SELECT ${posts.authorId} FROM ${posts} WHERE ${posts.id} = ${postId})`,
    at,
    reason,
  );

/** One batch of `recomputeTrustLevels`: the people in `where` after id `after`; returns the last id seen, or null at the end. */
async function recomputeBatch(
  thresholds: TrustThresholds,
  at: Date,
  reason: string,
  where: SQL | undefined,
  after: number,
  quietDrops: boolean,
) {
  const batch = await standingsOf(thresholds, and(gt(users.id, after), where), BATCH);
  if (batch.length === 0) return { last: null, rose: 0, dropped: 0 };
  return { last: batch[batch.length - 1].id, ...(await storeLevels(batch, thresholds, at, reason, quietDrops)) };
}

/**
 * Recomputes the levels of everyone in `where` (everyone when undefined) inside the caller's
 * write; drops are audited one by one unless `quietDrops` (the caller audits them together).
 */
export async function recomputeTrustLevels(
  thresholds: TrustThresholds,
  at: Date,
  reason: string,
  where?: SQL,
  quietDrops = false,
) {
  const totals = { rose: 0, dropped: 0 };
  for (let after = 0; ;) {
    const { last, rose, dropped } = await recomputeBatch(thresholds, at, reason, where, after, quietDrops);
    if (last === null) return totals;
    totals.rose += rose;
    totals.dropped += dropped;
    after = last;
  }
}

/**
 * The background job, at most hourly (time thresholds count whole days): levels that time alone
 * may change (people whose sign-up is younger than the longest "days" threshold), and those of
 * people who posted since the last pass (their new visible posts count now). The first pass after
 * trust levels arrive computes everyone's. Each batch is a write of its own, so the write lock is
 * never held for the whole pass.
 */
export async function recomputeDueTrustLevels(at: Date) {
  const row = (await read((db) => db.select().from(trustSettings).where(eq(trustSettings.id, 1))))[0];
  const last = row?.levelsComputedAt ?? null;
  if (last && at.getTime() - last.getTime() < HOUR_MS) return { rose: 0, dropped: 0 };
  const thresholds = thresholdsOf(row);
  const longestDays = Math.max(...Object.values(thresholds).map((threshold) => threshold.days));
  const where = last
    ? or(
        gt(users.createdAt, new Date(at.getTime() - (longestDays + 1) * DAY_MS)),
        sql`${users.id} IN (SELECT ${posts.authorId} FROM ${posts} WHERE ${posts.createdAt} >= ${last.getTime()})`,
      )
    : undefined;
  const reason = last ? "standing on the day" : "first computation of trust levels";
  const totals = { rose: 0, dropped: 0 };
  for (let after = 0; ;) {
    const batch = await standingsOf(thresholds, and(gt(users.id, after), where), BATCH);
    if (batch.length === 0) break;
    // Most passes change nobody: a batch is written (and cached pages dropped) only when someone
    // moves, and then read again under the write lock so no change made meanwhile is undone.
    if (batch.some((person) => levelOf(person, thresholds, at) !== person.trustLevel)) {
      const moved = await write(() => recomputeBatch(thresholds, at, reason, where, after, false));
      totals.rose += moved.rose;
      totals.dropped += moved.dropped;
    }
    after = batch[batch.length - 1].id;
  }
  // A time no page shows.
  await writeUnseenByVisitors(() => markLevelsComputed(at));
  return totals;
}

/** Notes that every level now follows the stored thresholds. */
export async function markLevelsComputed(at: Date) {
  await inWrite((db) =>
    db
      .insert(trustSettings)
      .values({ id: 1, levelsComputedAt: at })
      .onConflictDoUpdate({ target: trustSettings.id, set: { levelsComputedAt: at } }),
  );
}

/** The level a brand-new account starts at: "basic" at once when the thresholds ask nothing of it. */
export async function startingTrustLevel(): Promise<TrustLevel> {
  const row = (await read((db) => db.select().from(trustSettings).where(eq(trustSettings.id, 1))))[0];
  return earnedTrustLevel({ reputation: 0, days: 0, posts: 0 }, thresholdsOf(row), 0);
}
