/** PostgreSQL twin of db/schema/badges.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { posts } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const badgeAwards = pgTable(
  "badge_awards",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    badgeKey: text("badge_key").notNull(),
    tag: text("tag").notNull().default(""),
    postId: integer("post_id").references(() => posts.id, { onDelete: "set null" }),
    awardedAt: timestampMs("awarded_at").notNull(),
  },
  (t) => [
    uniqueIndex("badge_awards_holder_idx").on(t.userId, t.badgeKey, t.tag),
    index("badge_awards_badge_idx").on(t.badgeKey, t.tag, t.awardedAt, t.id),
  ],
);

export const badgeStandings = pgTable("badge_standings", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  topKey: text("top_key").notNull(),
  topTag: text("top_tag").notNull().default(""),
});

export const visitDays = pgTable(
  "visit_days",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    day: integer("day").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("visit_days_day_idx").on(t.day, t.userId)],
);

export const badgeQueue = pgTable("badge_queue", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  queuedAt: timestampMs("queued_at").notNull(),
});

export const badgeJobState = pgTable(
  "badge_job_state",
  {
    id: integer("id").primaryKey(),
    postsThrough: integer("posts_through").notNull().default(0),
    changesThrough: timestampMs("changes_through").notNull(),
    notabilityVersion: integer("notability_version").notNull().default(0),
  },
  () => [check("badge_job_state_single_row", sql`id = 1`)],
);
