/**
 * A person's reputation as their profile shows it: the total, what earned it (newest first, a page
 * at a time) and how it grew, day by day. Only counted events are listed; a thread the viewer may
 * not see is named without its title (an article's thread can be hidden after it was published),
 * and the cost of their own downvotes is listed for them and staff alone.
 */
import { and, desc, eq, ne, sql } from "drizzle-orm";
import { posts, reputationEvents, threads } from "../../../db/schema";
import { read } from "~/lib/db.server";
import { canSeeOwnVotes, canSeeThread, type Actor } from "~/lib/permissions.server";
import { countedEventCondition } from "./ledger.server";
import { DAY_MS, REPUTATION_HISTORY_PAGE_SIZE, type ReputationOnProfile } from "./rules";

export async function reputationOnProfile(actor: Actor, userId: number, page: number): Promise<ReputationOnProfile> {
  // The total is the profile's own (users.reputation); this reads what makes it up.
  return read(async (db) => {
    const mine = and(eq(reputationEvents.userId, userId), countedEventCondition());
    // Which answers a person voted down is theirs (and staff's) to know, like every vote.
    const listed = canSeeOwnVotes(actor, userId) ? mine : and(mine, ne(reputationEvents.reason, "downvote_cast"));
    const rows = await db
      .select({
        id: reputationEvents.id,
        reason: reputationEvents.reason,
        points: reputationEvents.points,
        createdAt: reputationEvents.createdAt,
        postId: reputationEvents.postId,
        postKind: posts.kind,
        threadId: threads.id,
        title: threads.title,
        slug: threads.slug,
        threadAuthorId: threads.authorId,
        visibility: threads.visibility,
      })
      .from(reputationEvents)
      .leftJoin(posts, eq(posts.id, reputationEvents.postId))
      .leftJoin(threads, eq(threads.id, reputationEvents.threadId))
      .where(listed)
      .orderBy(desc(reputationEvents.createdAt), desc(reputationEvents.id))
      .limit(REPUTATION_HISTORY_PAGE_SIZE + 1)
      .offset((page - 1) * REPUTATION_HISTORY_PAGE_SIZE);
    const days = await db
      .select({
        day: sql<number>`${reputationEvents.createdAt} / ${sql.raw(String(DAY_MS))}`,
        points: sql<number>`SUM(${reputationEvents.points})`,
      })
      .from(reputationEvents)
      .where(mine)
      .groupBy(sql`1`)
      .orderBy(sql`1`);
    let running = 0;
    return {
      history: rows
        .slice(0, REPUTATION_HISTORY_PAGE_SIZE)
        .map(({ threadAuthorId, visibility, title, slug, ...row }) => ({
          ...row,
          thread:
            row.threadId !== null && canSeeThread(actor, { authorId: threadAuthorId!, visibility: visibility! })
              ? { id: row.threadId, title: title!, slug: slug! }
              : null,
        })),
      hasNextPage: rows.length > REPUTATION_HISTORY_PAGE_SIZE,
      page,
      growth: days.map(({ day, points }) => {
        running += Number(points);
        return { day: new Date(Number(day) * DAY_MS).toISOString().slice(0, 10), total: running };
      }),
    };
  });
}
