/** PostgreSQL twin of db/schema/trust.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { check, integer, pgTable } from "drizzle-orm/pg-core";
import { timestampMs } from "./columns";

export const trustSettings = pgTable(
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
    levelsComputedAt: timestampMs("levels_computed_at"),
  },
  () => [check("trust_settings_single_row", sql`id = 1`)],
);
