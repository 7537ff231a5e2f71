/**
 * The reputation ledger: events earned and reversed, and each person's stored total kept equal to
 * the sum of their counted events in the same write (db/schema/reputation.ts states the rule).
 * Every change of a total records "reputation changed", which loyalty points follow.
 */
import { and, eq, inArray, isNull, sql, type SQL } from "drizzle-orm";
import { reputationEvents, users, type ReputationReason, type ReputationReversal } from "../../../db/schema";
import { inWrite, write, type Db } from "~/lib/db.server";
import { publicPostByIdCondition } from "~/lib/permissions.server";
import { record } from "~/models/shared/events.server";

export type EarnedEvent = {
  userId: number;
  reason: ReputationReason;
  points: number;
  actorId: number | null;
  postId: number | null;
  threadId: number | null;
};

/**
 * Whether an event counts toward its person's total: not reversed, and, when it is about a post,
 * that post and its thread are public (a hidden or deleted post takes its points with it). On the
 * events table named `event`, spelled out (drizzle leaves columns unqualified inside an UPDATE).
 */
export function countedEventCondition(event = "reputation_events"): SQL {
  const column = (name: string) => sql`${sql.identifier(event)}.${sql.identifier(name)}`;
  return sql`(${column("reversed_at")} IS NULL AND (${column("post_id")} IS NULL OR ${publicPostByIdCondition(column("post_id"))}))`;
}

/** The sum of a person's counted events, as a correlated subquery on `users`. */
function countedTotal(): SQL<number> {
  return sql<number>`COALESCE((SELECT SUM(re.points) FROM reputation_events re WHERE re.user_id = users.id AND ${countedEventCondition("re")}), 0)`;
}

/** Whether the event just inserted (or, before its reversal, the event reversed) counts, for RETURNING. */
const countsNow = () => sql<number>`CASE WHEN ${countedEventCondition()} THEN 1 ELSE 0 END`;
const countedBeforeReversal = () =>
  sql<number>`CASE WHEN reputation_events.post_id IS NULL OR ${publicPostByIdCondition(sql`reputation_events.post_id`)} THEN 1 ELSE 0 END`;

/** Adds each person's change to their total and tells the domains that follow reputation. */
async function applyChanges(db: Db, changes: Map<number, number>, at: Date) {
  for (const [userId, change] of changes) {
    if (change === 0) continue;
    const [row] = await db
      .update(users)
      .set({ reputation: sql`${users.reputation} + ${change}` })
      .where(eq(users.id, userId))
      .returning({ total: users.reputation });
    if (row) await record("reputation changed", { userId, change, total: row.total, at });
  }
}

function sumByUser(rows: { userId: number; points: number; counted: number }[]) {
  const changes = new Map<number, number>();
  for (const { userId, points, counted } of rows) {
    if (counted) changes.set(userId, (changes.get(userId) ?? 0) + Number(points));
  }
  return changes;
}

/** Records events in the caller's write and adds what counts of them to their people's totals. */
export async function earn(events: EarnedEvent[], at: Date) {
  if (events.length === 0) return;
  await inWrite(async (db) => {
    const rows = await db
      .insert(reputationEvents)
      .values(events.map((event) => ({ ...event, createdAt: at })))
      .returning({ userId: reputationEvents.userId, points: reputationEvents.points, counted: countsNow() });
    await applyChanges(db, sumByUser(rows), at);
  });
}

/** Reverses the live events matching `condition` in the caller's write; returns how many. */
export async function reverse(condition: SQL | undefined, reversal: ReputationReversal, at: Date) {
  return inWrite(async (db) => {
    const rows = await db
      .update(reputationEvents)
      .set({ reversedAt: at, reversal })
      .where(and(condition, isNull(reputationEvents.reversedAt)))
      .returning({
        userId: reputationEvents.userId,
        points: sql<number>`-${reputationEvents.points}`,
        counted: countedBeforeReversal(),
      });
    await applyChanges(db, sumByUser(rows), at);
    return rows.length;
  });
}

/**
 * Sets the totals of `userIds` to the sum of their counted events, in the caller's write: after
 * something changed which events count (a post hidden, deleted or restored).
 */
export async function recount(userIds: number[], at: Date) {
  if (userIds.length === 0) return;
  await inWrite(async (db) => {
    const before = new Map(
      (await db.select({ id: users.id, total: users.reputation }).from(users).where(inArray(users.id, userIds))).map(
        (row) => [row.id, row.total],
      ),
    );
    const after = await db
      .update(users)
      .set({ reputation: countedTotal() })
      .where(inArray(users.id, userIds))
      .returning({ id: users.id, total: users.reputation });
    for (const { id, total } of after) {
      const change = total - (before.get(id) ?? total);
      if (change !== 0) await record("reputation changed", { userId: id, change, total, at });
    }
  });
}

/**
 * `npm run reputation:rebuild`: sets every total that differs from the sum of its counted events;
 * returns how many changed (none, run again).
 */
export async function rebuildReputation(at: Date) {
  return write(async (db) => {
    const drifted = await db
      .select({ id: users.id })
      .from(users)
      .where(sql`${users.reputation} <> ${countedTotal()}`);
    await recount(
      drifted.map((row) => row.id),
      at,
    );
    return { changed: drifted.length };
  });
}
