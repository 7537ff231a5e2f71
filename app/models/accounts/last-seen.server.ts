/**
 * When a person last used the site signed in (`users.last_seen_at`), kept to within
 * LAST_SEEN_PRECISION_MS without a write per request: each process remembers whom it marked and
 * when (a bounded map), and writes at most once per person per LAST_SEEN_PRECISION_MS. The write
 * itself is conditional, so when several processes serve one person only the first of them in a
 * window changes the row. Digests read it to skip people who keep up (DECISIONS.md #49).
 * The same write records the UTC day of the visit in visit_days (the visit-streak badge), at most
 * once per person per day and process; the row's key makes a second process's insert change nothing.
 */
import { and, eq, isNull, lt, or } from "drizzle-orm";
import { users, visitDays } from "../../../db/schema";
import { isDatabaseUnavailable, writeUnseenByVisitors } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { utcDay } from "~/models/badges/rules";

export const LAST_SEEN_PRECISION_MS = 5 * 60_000;
/** People remembered per process; beyond it the longest-marked are forgotten (they are written again at worst). */
const MAX_REMEMBERED = 10_000;

/** userId → when this process last wrote their last_seen_at; insertion order is oldest first. */
const markedAt = new Map<number, number>();
/** userId → the last UTC day this process recorded as a visit of theirs. */
const visitDayNoted = new Map<number, number>();

/**
 * Records that `userId` is here at `at`: no query when this process wrote it in the last
 * LAST_SEEN_PRECISION_MS, else one conditional UPDATE. A failed write is logged, never thrown: a page
 * must not fail because its reader's last visit could not be noted.
 */
export async function noteSeen(userId: number, at: Date) {
  const last = markedAt.get(userId);
  if (last !== undefined && at.getTime() - last < LAST_SEEN_PRECISION_MS) return;
  markedAt.delete(userId);
  markedAt.set(userId, at.getTime());
  if (markedAt.size > MAX_REMEMBERED) markedAt.delete(markedAt.keys().next().value!);
  const staleBefore = new Date(at.getTime() - LAST_SEEN_PRECISION_MS);
  const day = utcDay(at);
  const newDay = visitDayNoted.get(userId) !== day;
  if (newDay) {
    visitDayNoted.delete(userId);
    visitDayNoted.set(userId, day);
    if (visitDayNoted.size > MAX_REMEMBERED) visitDayNoted.delete(visitDayNoted.keys().next().value!);
  }
  try {
    await writeUnseenByVisitors(async (db) => {
      await db
        .update(users)
        .set({ lastSeenAt: at })
        .where(and(eq(users.id, userId), or(isNull(users.lastSeenAt), lt(users.lastSeenAt, staleBefore))));
      if (newDay) await db.insert(visitDays).values({ userId, day }).onConflictDoNothing();
    });
  } catch (error) {
    // Marked anyway: the next try comes a window later, not on every request of a busy minute.
    (isDatabaseUnavailable(error) ? log.warn : log.error)("last visit not saved", { userId, error });
  }
}

/** Forgets every mark (tests that move the clock backwards). */
export function forgetSeenMarks() {
  markedAt.clear();
  visitDayNoted.clear();
}
