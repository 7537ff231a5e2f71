/** View counts: counted in memory per thread and written in one transaction every few seconds. */
import { eq, sql } from "drizzle-orm";
import { threads } from "../../../db/schema";
import { isDatabaseUnavailable, writeUnseenByVisitors } from "~/lib/db.server";
import { log } from "~/lib/log.server";

// Views are counted in memory and written in one transaction every few seconds: a write per page
// view would serialize every reader behind the write lock. A crash loses at most that window.
// A failed write (another process holding the lock, a full disk) keeps the counts in memory and
// tries again later, waiting twice as long each time up to a minute; it never throws into the timer.
const pendingViews = new Map<number, number>();
let viewFlushTimer: NodeJS.Timeout | null = null;
let viewFlushFailures = 0;
export const VIEW_FLUSH_INTERVAL_MS = 5_000;
const VIEW_FLUSH_MAX_DELAY_MS = 60_000;

function scheduleViewFlush(delayMs: number) {
  viewFlushTimer ??= setTimeout(() => void flushThreadViews(), delayMs).unref();
}

export function recordThreadView(threadId: number) {
  pendingViews.set(threadId, (pendingViews.get(threadId) ?? 0) + 1);
  scheduleViewFlush(VIEW_FLUSH_INTERVAL_MS);
}

// The flush writing now. Counts leave memory only once written, so a second flush started meanwhile
// (the timer's beside the shutdown's, or a timer that fired while a write waited its turn) would
// write them again: flushes take turns.
let flushing: Promise<boolean> | null = null;

/** Writes the buffered view counts; returns false (and keeps them for a later try) when it cannot. */
export async function flushThreadViews(): Promise<boolean> {
  while (flushing) await flushing;
  flushing = writePendingViews();
  try {
    return await flushing;
  } finally {
    flushing = null;
  }
}

async function writePendingViews(): Promise<boolean> {
  if (viewFlushTimer) clearTimeout(viewFlushTimer);
  viewFlushTimer = null;
  if (pendingViews.size === 0) return true;
  const batch = [...pendingViews];
  try {
    await writeUnseenByVisitors(async (db) => {
      // Counts on cached pages catch up within the cache's TTL: dropping every read thread's pages
      // (and every list) each few seconds would leave little cached (DECISIONS.md #12).
      for (const [id, added] of batch) {
        await db
          .update(threads)
          .set({ viewCount: sql`${threads.viewCount} + ${added}` })
          .where(eq(threads.id, id));
      }
    });
  } catch (error) {
    viewFlushFailures += 1;
    const retryInMs = Math.min(VIEW_FLUSH_INTERVAL_MS * 2 ** (viewFlushFailures - 1), VIEW_FLUSH_MAX_DELAY_MS);
    const context = { threads: pendingViews.size, failures: viewFlushFailures, retryInMs, error };
    if (isDatabaseUnavailable(error)) log.warn("view counts not saved: database unavailable, will retry", context);
    else log.error("view counts not saved, will retry", context);
    scheduleViewFlush(retryInMs);
    return false;
  }
  // Views counted while the write ran stay for the next flush.
  for (const [id, added] of batch) {
    const left = (pendingViews.get(id) ?? 0) - added;
    if (left > 0) pendingViews.set(id, left);
    else pendingViews.delete(id);
  }
  if (viewFlushFailures > 0)
    log.info("view counts saved after earlier failures", { failures: viewFlushFailures, threads: batch.length });
  viewFlushFailures = 0;
  return true;
}
