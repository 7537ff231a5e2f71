/** View counts: counted in memory per thread and written in one transaction every few seconds. */
import { eq, sql } from "drizzle-orm";
import { threads } from "../../../db/schema";
import { getDb, isDatabaseBusy, writeUnseenByVisitors } from "~/lib/db.server";
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
  viewFlushTimer ??= setTimeout(flushThreadViews, delayMs).unref();
}

export function recordThreadView(threadId: number) {
  pendingViews.set(threadId, (pendingViews.get(threadId) ?? 0) + 1);
  scheduleViewFlush(VIEW_FLUSH_INTERVAL_MS);
}

/** Writes the buffered view counts; returns false (and keeps them for a later try) when it cannot. */
export function flushThreadViews(): boolean {
  if (viewFlushTimer) clearTimeout(viewFlushTimer);
  viewFlushTimer = null;
  if (pendingViews.size === 0) return true;
  const batch = [...pendingViews];
  const db = getDb();
  try {
    writeUnseenByVisitors(() => {
      // Counts on cached pages catch up within the cache's TTL: dropping every read thread's pages
      // (and every list) each few seconds would leave little cached (DECISIONS.md #12).
      for (const [id, added] of batch) {
        db.update(threads)
          .set({ viewCount: sql`${threads.viewCount} + ${added}` })
          .where(eq(threads.id, id))
          .run();
      }
    });
  } catch (error) {
    viewFlushFailures += 1;
    const retryInMs = Math.min(VIEW_FLUSH_INTERVAL_MS * 2 ** (viewFlushFailures - 1), VIEW_FLUSH_MAX_DELAY_MS);
    const context = { threads: pendingViews.size, failures: viewFlushFailures, retryInMs, error };
    if (isDatabaseBusy(error)) log.warn("view counts not saved: database busy, will retry", context);
    else log.error("view counts not saved, will retry", context);
    scheduleViewFlush(retryInMs);
    return false;
  }
  pendingViews.clear(); // the write is synchronous: no view arrived while it ran
  if (viewFlushFailures > 0)
    log.info("view counts saved after earlier failures", { failures: viewFlushFailures, threads: batch.length });
  viewFlushFailures = 0;
  return true;
}
