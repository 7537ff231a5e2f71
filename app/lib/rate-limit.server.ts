/**
 * Fixed-window rate limits kept in the database, so every process sharing the file counts the
 * same attempts. `consume` counts one attempt and throws RateLimitError once the window is full.
 */
import { eq, sql } from "drizzle-orm";
import { rateLimitBuckets } from "../../db/schema";
import { now } from "./clock.server";
import { getDb, writeTransaction } from "./db.server";
import { RateLimitError } from "./errors.server";

export type Limit = { max: number; windowMs: number };

const MINUTE = 60_000;

/** Limits per actor (or per address, or per account) for every kind of write. */
export const LIMITS = {
  signInPerAccount: { max: 5, windowMs: 15 * MINUTE },
  signInPerAddress: { max: 30, windowMs: 15 * MINUTE },
  signUpPerAddress: { max: 10, windowMs: 60 * MINUTE },
  question: { max: 10, windowMs: 10 * MINUTE },
  answer: { max: 30, windowMs: 10 * MINUTE },
  edit: { max: 60, windowMs: 10 * MINUTE },
  vote: { max: 120, windowMs: 10 * MINUTE },
  solution: { max: 60, windowMs: 10 * MINUTE },
  passwordChange: { max: 5, windowMs: 60 * MINUTE },
  kbFeedback: { max: 30, windowMs: 10 * MINUTE },
  kbFeedbackPerAddress: { max: 120, windowMs: 60 * MINUTE },
  followUpRequest: { max: 10, windowMs: 60 * MINUTE },
  supportAction: { max: 300, windowMs: 10 * MINUTE },
  flag: { max: 20, windowMs: 60 * MINUTE },
  moderation: { max: 600, windowMs: 10 * MINUTE },
  preview: { max: 300, windowMs: 10 * MINUTE },
} satisfies Record<string, Limit>;

/** How many seconds until `key` may be tried again, or 0 when it may be tried now. */
export function retryAfter(key: string, limit: Limit): number {
  const bucket = getDb().select().from(rateLimitBuckets).where(eq(rateLimitBuckets.key, key)).get();
  if (!bucket) return 0;
  const resetsAt = bucket.windowStartedAt.getTime() + limit.windowMs;
  const remainingMs = resetsAt - now().getTime();
  if (remainingMs <= 0 || bucket.count < limit.max) return 0;
  return Math.ceil(remainingMs / 1000);
}

export function consume(key: string, limit: Limit) {
  const wait = writeTransaction(() => {
    const blockedFor = retryAfter(key, limit);
    if (blockedFor > 0) return blockedFor;
    const at = now();
    const windowStart = new Date(at.getTime() - limit.windowMs);
    getDb()
      .insert(rateLimitBuckets)
      .values({ key, windowStartedAt: at, count: 1 })
      .onConflictDoUpdate({
        target: rateLimitBuckets.key,
        set: {
          count: sql`CASE WHEN ${rateLimitBuckets.windowStartedAt} <= ${windowStart.getTime()} THEN 1 ELSE ${rateLimitBuckets.count} + 1 END`,
          windowStartedAt: sql`CASE WHEN ${rateLimitBuckets.windowStartedAt} <= ${windowStart.getTime()} THEN ${at.getTime()} ELSE ${rateLimitBuckets.windowStartedAt} END`,
        },
      })
      .run();
    return 0;
  });
  if (wait > 0) throw new RateLimitError(wait);
}

export function ensureNotLimited(key: string, limit: Limit) {
  const wait = retryAfter(key, limit);
  if (wait > 0) throw new RateLimitError(wait);
}

export function resetLimit(key: string) {
  getDb().delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, key)).run();
}

/** Forgets every counter: for seeding, where a script writes faster than any person could. */
export function resetAllLimits() {
  getDb().delete(rateLimitBuckets).run();
}
