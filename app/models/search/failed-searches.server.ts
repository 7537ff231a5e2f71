/**
 * Searches that found nothing, for staff at /support/reports: where the knowledge base has gaps
 * (DECISIONS.md #80). One row per UTC day and normalized query, counted; a search whose typo
 * correction found something is not a failure. Recording is bounded so nobody can fill the table
 * or the write lock: queries are cut to MAX_QUERY_CHARS, a day holds at most MAX_QUERIES_PER_DAY
 * different ones (later ones only add to those already there), each process records at most
 * MAX_RECORDS_PER_MINUTE, and each client network `LIMITS.failedSearchPerClient`, so one script
 * cannot fill the day's list or use up the minute's records for everyone else.
 */
import { and, between, desc, eq, sql } from "drizzle-orm";
import { failedSearches } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { read, writeUnseenByVisitors } from "~/lib/db.server";
import { log } from "~/lib/log.server";
import { RateLimitError } from "~/lib/errors.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { canSeeFailedSearches, ensure, type Actor } from "~/lib/permissions.server";
import { wordsOf } from "./query.server";
import { FAILED_SEARCH_DAYS, FAILED_SEARCHES_SHOWN } from "./rules";
import { cutToLength } from "~/lib/text";

const MAX_QUERY_CHARS = 100;
export const MAX_QUERIES_PER_DAY = 2_000;
const MAX_RECORDS_PER_MINUTE = 120;

const DAY_MS = 86_400_000;
const dayOf = (at: Date) => Math.floor(at.getTime() / DAY_MS);

/** The query as it is counted: its words, lower case, one space apart, bounded. */
export const normalizedQuery = (q: string) => cutToLength(wordsOf(q).join(" "), MAX_QUERY_CHARS).trim();

let minute = { startedAt: 0, records: 0 };

/**
 * Counts a search that found nothing, by the client network `clientAddress` (`addressNetwork`).
 * Never fails the search: a busy database or a client over its limit only loses the count.
 */
export async function recordFailedSearch(q: string, clientAddress: string, at = now()) {
  const query = normalizedQuery(q);
  if (!query) return;
  if (at.getTime() - minute.startedAt >= 60_000) minute = { startedAt: at.getTime(), records: 0 };
  if (minute.records >= MAX_RECORDS_PER_MINUTE) return;
  const day = dayOf(at);
  try {
    await writeUnseenByVisitors(async (db) => {
      await consume(`failed-search:client:${clientAddress}`, LIMITS.failedSearchPerClient);
      // Counted once the client's own limit let it through: a client over it uses none of the minute's.
      minute.records += 1;
      const counted = await db
        .update(failedSearches)
        .set({ searches: sql`${failedSearches.searches} + 1`, lastSearchedAt: at })
        .where(and(eq(failedSearches.day, day), eq(failedSearches.query, query)))
        .returning({ day: failedSearches.day });
      if (counted.length > 0) return;
      const [{ queries }] = await db
        .select({ queries: sql<number>`count(*)` })
        .from(failedSearches)
        .where(eq(failedSearches.day, day));
      if (Number(queries) >= MAX_QUERIES_PER_DAY) return;
      await db
        .insert(failedSearches)
        .values({ day, query, searches: 1, lastSearchedAt: at })
        .onConflictDoUpdate({
          target: [failedSearches.day, failedSearches.query],
          set: { searches: sql`${failedSearches.searches} + 1`, lastSearchedAt: at },
        });
    });
  } catch (error) {
    if (error instanceof RateLimitError) return;
    log.warn("a failed search was not counted", { error });
  }
}

export type FailedSearch = { query: string; searches: number; lastSearchedAt: Date };

/** The last FAILED_SEARCH_DAYS days' searches that found nothing, most recently searched first. */
export async function listFailedSearches(actor: Actor, at = now()): Promise<FailedSearch[]> {
  ensure(canSeeFailedSearches(actor), "Only staff can see the searches that found nothing.");
  const lastSearchedAt = sql<number>`max(${failedSearches.lastSearchedAt})`;
  const rows = await read((db) =>
    db
      .select({ query: failedSearches.query, searches: sql<number>`sum(${failedSearches.searches})`, lastSearchedAt })
      .from(failedSearches)
      .where(between(failedSearches.day, dayOf(at) - (FAILED_SEARCH_DAYS - 1), dayOf(at)))
      .groupBy(failedSearches.query)
      .orderBy(desc(lastSearchedAt), failedSearches.query)
      .limit(FAILED_SEARCHES_SHOWN),
  );
  return rows.map((row) => ({
    query: row.query,
    searches: Number(row.searches),
    lastSearchedAt: new Date(Number(row.lastSearchedAt)),
  }));
}
