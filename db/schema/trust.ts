/**
 * Trust levels: the thresholds a person's standing must reach for each level above "new"
 * (DECISIONS.md #77). A person reaches a level when their reputation, the days since they signed
 * up and their approved (visible) posts all reach that level's thresholds.
 * Invariants:
 * - trust_settings has at most one row (id = 1); without it the moderate preset applies
 *   (app/lib/trust-levels.ts);
 * - each threshold is at least the level below's, and each level needs more reputation than the
 *   one below (checked when an admin saves, app/models/trust/settings.server.ts);
 * - users.trust_level is what the thresholds give each person (never below "member" once reached);
 *   levels_computed_at is when everyone's was last computed under the thresholds of this row: null
 *   until the first time, when the background job computes every level (an upgraded community).
 */
import { sql } from "drizzle-orm";
import { check, integer, sqliteTable } from "drizzle-orm/sqlite-core";

export const trustSettings = sqliteTable(
  "trust_settings",
  {
    id: integer("id").primaryKey(),
    basicReputation: integer("basic_reputation").notNull().default(0),
    basicDays: integer("basic_days").notNull().default(0),
    basicPosts: integer("basic_posts").notNull().default(2),
    memberReputation: integer("member_reputation").notNull().default(125),
    memberDays: integer("member_days").notNull().default(3),
    memberPosts: integer("member_posts").notNull().default(5),
    regularReputation: integer("regular_reputation").notNull().default(1000),
    regularDays: integer("regular_days").notNull().default(30),
    regularPosts: integer("regular_posts").notNull().default(25),
    leaderReputation: integer("leader_reputation").notNull().default(5000),
    leaderDays: integer("leader_days").notNull().default(90),
    leaderPosts: integer("leader_posts").notNull().default(100),
    levelsComputedAt: integer("levels_computed_at", { mode: "timestamp_ms" }),
  },
  () => [check("trust_settings_single_row", sql`id = 1`)],
);
