/**
 * Leaderboards: who gained the most reputation this week (from Monday, UTC), this month, or ever,
 * across the community or in one tag. Staff are listed apart: helping is their job, and the
 * community's board is for the people who help of their own accord. Counted events only, so
 * hidden posts and reversed votes earn no place.
 */
import { and, desc, eq, gte, not, sql, type SQL } from "drizzle-orm";
import { reputationEvents, tags, threadTags, users } from "../../../db/schema";
import { firstRow, read, type Db } from "~/lib/db.server";
import { staffRoleCondition } from "~/lib/permissions.server";
import { countedEventCondition } from "./ledger.server";
import { DAY_MS, LEADERBOARD_PAGE_SIZE, startOfUtcDay, type LeaderboardPeriod } from "./rules";

const STAFF_LISTED = 10;

/** When `period` began, as of `at` (null for all time). */
export function periodStart(period: LeaderboardPeriod, at: Date): Date | null {
  if (period === "all") return null;
  if (period === "month") return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
  const daysSinceMonday = (at.getUTCDay() + 6) % 7;
  return new Date(startOfUtcDay(at).getTime() - daysSinceMonday * DAY_MS);
}

type Entry = { username: string; role: string; gained: number };

async function ranked(db: Db, who: SQL, since: Date | null, tagId: number | null, limit: number, offset: number) {
  // Ever, across the community: the stored totals, read in order.
  if (since === null && tagId === null) {
    const rows = await db
      .select({ username: users.username, role: users.role, gained: users.reputation })
      .from(users)
      .where(and(who, sql`${users.reputation} > 0`))
      .orderBy(desc(users.reputation), users.username)
      .limit(limit)
      .offset(offset);
    return rows.map((row) => ({ ...row, gained: Number(row.gained) }));
  }
  const gained = sql<number>`SUM(${reputationEvents.points})`;
  const conditions = [countedEventCondition(), who];
  if (since) conditions.push(gte(reputationEvents.createdAt, since));
  const base = db
    .select({ username: users.username, role: users.role, gained })
    .from(reputationEvents)
    .innerJoin(users, eq(users.id, reputationEvents.userId));
  const joined =
    tagId === null
      ? base
      : base.innerJoin(
          threadTags,
          and(eq(threadTags.threadId, reputationEvents.threadId), eq(threadTags.tagId, tagId)),
        );
  const rows = await joined
    .where(and(...conditions))
    .groupBy(users.id, users.username, users.role)
    .having(sql`${gained} > 0`)
    .orderBy(desc(gained), users.username)
    .limit(limit)
    .offset(offset);
  return rows.map((row): Entry => ({ ...row, gained: Number(row.gained) }));
}

export async function getLeaderboard(
  { period, tag, page }: { period: LeaderboardPeriod; tag: string; page: number },
  at: Date,
) {
  return read(async (db) => {
    let tagId: number | null = null;
    if (tag) {
      tagId = firstRow(await db.select({ id: tags.id }).from(tags).where(eq(tags.name, tag.toLowerCase())))?.id ?? null;
      if (tagId === null) return { unknownTag: true, community: [], staff: [], hasNextPage: false, since: null };
    }
    const since = periodStart(period, at);
    const offset = (page - 1) * LEADERBOARD_PAGE_SIZE;
    const community = await ranked(
      db,
      not(staffRoleCondition(users.role)),
      since,
      tagId,
      LEADERBOARD_PAGE_SIZE + 1,
      offset,
    );
    const staff = page === 1 ? await ranked(db, staffRoleCondition(users.role), since, tagId, STAFF_LISTED, 0) : [];
    return {
      unknownTag: false,
      community: community.slice(0, LEADERBOARD_PAGE_SIZE).map((entry, i) => ({ ...entry, rank: offset + i + 1 })),
      staff,
      hasNextPage: community.length > LEADERBOARD_PAGE_SIZE,
      since,
    };
  });
}
