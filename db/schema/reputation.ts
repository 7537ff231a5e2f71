/**
 * Reputation: points a person earns from what others decided about their posts (DECISIONS.md #74).
 * Invariants:
 * - one reputation_events row per cause (a vote, an acceptance, a verification, a published
 *   article); undoing the cause sets reversed_at (and why) instead of deleting the row;
 * - an event counts while it is not reversed and, when it is about a post, while that post and its
 *   thread are visible; users.reputation is the sum of the points of the person's counted events,
 *   kept in the same transaction as the change (`npm run reputation:rebuild` recomputes it);
 * - points are what the event earned when it happened (the settings of the day, after the daily
 *   cap on votes): a later change of settings does not rewrite history;
 * - reputation_settings has at most one row (id = 1); without it the defaults apply.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { posts, threads } from "./community";
import { users } from "./users";

/**
 * Why points changed: `upvote`/`downvote` on the person's post, `downvote_cast` (the voter's cost of
 * voting an answer down), `accepted` (their answer was accepted), `accepted_other` (they accepted
 * someone's answer), `verified` (staff verified their answer), `article_published` (a
 * knowledge-base article was published from their thread), `imported` (the reputation the person had on
 * the site their account was imported from: one event per person and site, DECISIONS.md #82).
 */
export const REPUTATION_REASONS = [
  "upvote",
  "downvote",
  "downvote_cast",
  "accepted",
  "accepted_other",
  "verified",
  "article_published",
  "imported",
] as const;
export type ReputationReason = (typeof REPUTATION_REASONS)[number];

/** Why an event stopped counting. */
export const REPUTATION_REVERSALS = ["unvoted", "unaccepted", "unverified", "unpublished", "serial_voting"] as const;
export type ReputationReversal = (typeof REPUTATION_REVERSALS)[number];

export const reputationEvents = sqliteTable(
  "reputation_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Whose reputation changed. */
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: REPUTATION_REASONS }).notNull(),
    points: integer("points").notNull(),
    /** Who caused it (the voter, the asker, the member of staff); null once their account is gone. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    postId: integer("post_id").references(() => posts.id, { onDelete: "cascade" }),
    threadId: integer("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    reversedAt: integer("reversed_at", { mode: "timestamp_ms" }),
    reversal: text("reversal", { enum: REPUTATION_REVERSALS }),
  },
  (t) => [
    index("reputation_events_user_idx").on(t.userId, t.createdAt),
    index("reputation_events_post_idx").on(t.postId, t.reason),
    index("reputation_events_thread_idx").on(t.threadId, t.reason),
    index("reputation_events_actor_idx").on(t.actorId, t.createdAt),
    index("reputation_events_created_idx").on(t.createdAt),
  ],
);

export const reputationSettings = sqliteTable(
  "reputation_settings",
  {
    id: integer("id").primaryKey(),
    upvoteAnswer: integer("upvote_answer").notNull().default(10),
    upvoteQuestion: integer("upvote_question").notNull().default(5),
    accepted: integer("accepted").notNull().default(15),
    acceptedOther: integer("accepted_other").notNull().default(2),
    verified: integer("verified").notNull().default(25),
    articlePublished: integer("article_published").notNull().default(25),
    /** Lost by a post's author per downvote: stored positive, applied negative. */
    downvote: integer("downvote").notNull().default(2),
    /** Lost by whoever votes an answer down. */
    downvoteCast: integer("downvote_cast").notNull().default(1),
    /** At most this many points a day (UTC) from upvotes. */
    dailyVoteCap: integer("daily_vote_cap").notNull().default(200),
  },
  () => [check("reputation_settings_single_row", sql`id = 1`)],
);
