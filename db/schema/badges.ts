/**
 * Badges: who holds which (definitions live in code, app/models/badges/rules.ts), the days each
 * person visited, and where the awarding job stands (DECISIONS.md #78).
 * Invariants:
 * - one badge_awards row per person, badge and tag (tag is "" for badges that are not per tag), so
 *   awarding twice awards once; an award is kept when its cause is undone (a post hidden, an answer
 *   unaccepted), as on Stack Overflow;
 * - badge_standings holds, per person who holds a badge, their most notable badge, rewritten in the
 *   same transaction as their awards (threads read it beside each author without sorting anything);
 * - visit_days has one row per person per UTC day on which they used the site signed in;
 * - badge_queue lists the people whose badges the job has yet to check; badge_job_state (one row,
 *   id = 1) says up to where the job has read the data that puts people there, so a run after
 *   downtime reads what happened meanwhile. Without the row the job starts from the beginning.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { posts } from "./community";
import { users } from "./users";

export const BADGE_TIERS = ["gold", "silver", "bronze"] as const;
export type BadgeTier = (typeof BADGE_TIERS)[number];

export const badgeAwards = sqliteTable(
  "badge_awards",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    badgeKey: text("badge_key").notNull(),
    /** The tag's name for a tag badge, else "". */
    tag: text("tag").notNull().default(""),
    /** The post that earned it, when one did (the tenth accepted answer, the good question). */
    postId: integer("post_id").references(() => posts.id, { onDelete: "set null" }),
    awardedAt: integer("awarded_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("badge_awards_holder_idx").on(t.userId, t.badgeKey, t.tag),
    // A badge's page lists its holders newest first; /badges counts them per badge.
    index("badge_awards_badge_idx").on(t.badgeKey, t.tag, t.awardedAt, t.id),
  ],
);

export const badgeStandings = sqliteTable("badge_standings", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  topKey: text("top_key").notNull(),
  topTag: text("top_tag").notNull().default(""),
});

export const visitDays = sqliteTable(
  "visit_days",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Days since 1970-01-01, UTC. */
    day: integer("day").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] }), index("visit_days_day_idx").on(t.day, t.userId)],
);

export const badgeQueue = sqliteTable("badge_queue", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  queuedAt: integer("queued_at", { mode: "timestamp_ms" }).notNull(),
});

export const badgeJobState = sqliteTable(
  "badge_job_state",
  {
    id: integer("id").primaryKey(),
    /** Posts up to this id have put their authors in the queue. */
    postsThrough: integer("posts_through").notNull().default(0),
    /** Changes up to this moment (solutions, moderation, confirmations, visits, articles) were read. */
    changesThrough: integer("changes_through", { mode: "timestamp_ms" }).notNull(),
    /** A hash of the badges' order of notability when badge_standings were last written for everyone. */
    notabilityVersion: integer("notability_version").notNull().default(0),
  },
  () => [check("badge_job_state_single_row", sql`id = 1`)],
);
