/** PostgreSQL twin of db/schema/reputation.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { REPUTATION_REASONS, REPUTATION_REVERSALS } from "../schema/reputation";
import { posts, threads } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const reputationEvents = pgTable(
  "reputation_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: REPUTATION_REASONS }).notNull(),
    points: integer("points").notNull(),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    postId: integer("post_id").references(() => posts.id, { onDelete: "cascade" }),
    threadId: integer("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    createdAt: timestampMs("created_at").notNull(),
    reversedAt: timestampMs("reversed_at"),
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

export const reputationSettings = pgTable(
  "reputation_settings",
  {
    id: integer("id").primaryKey(),
    upvoteAnswer: integer("upvote_answer").notNull().default(10),
    upvoteQuestion: integer("upvote_question").notNull().default(5),
    accepted: integer("accepted").notNull().default(15),
    acceptedOther: integer("accepted_other").notNull().default(2),
    verified: integer("verified").notNull().default(25),
    articlePublished: integer("article_published").notNull().default(25),
    downvote: integer("downvote").notNull().default(2),
    downvoteCast: integer("downvote_cast").notNull().default(1),
    dailyVoteCap: integer("daily_vote_cap").notNull().default(200),
  },
  () => [check("reputation_settings_single_row", sql`id = 1`)],
);
