/** PostgreSQL twin of db/schema/rewards.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { LOYALTY_POINT_KINDS, REDEMPTION_STATUSES, REWARD_AUDIENCES, REWARD_KINDS } from "../schema/rewards";
import { timestampMs } from "./columns";
import { users } from "./users";

export const rewardsSettings = pgTable(
  "rewards_settings",
  {
    id: integer("id").primaryKey(),
    sharePercent: integer("share_percent").notNull().default(10),
  },
  () => [check("rewards_settings_single_row", sql`id = 1`)],
);

export const loyaltyBalances = pgTable("loyalty_balances", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  balance: integer("balance").notNull().default(0),
  earned: integer("earned").notNull().default(0),
  sharePercent: integer("share_percent").notNull(),
  anchorTotal: integer("anchor_total").notNull().default(0),
  anchorPoints: integer("anchor_points").notNull().default(0),
  updatedAt: timestampMs("updated_at").notNull(),
});

export const rewards = pgTable(
  "rewards",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    kind: text("kind", { enum: REWARD_KINDS }).notNull(),
    audience: text("audience", { enum: REWARD_AUDIENCES }).notNull(),
    cost: integer("cost").notNull(),
    stock: integer("stock"),
    retiredAt: timestampMs("retired_at"),
    createdAt: timestampMs("created_at").notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  () => [
    check("rewards_cost_positive", sql`cost > 0`),
    check("rewards_stock_not_negative", sql`stock IS NULL OR stock >= 0`),
  ],
);

export const rewardRedemptions = pgTable(
  "reward_redemptions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    rewardId: integer("reward_id")
      .notNull()
      .references(() => rewards.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    cost: integer("cost").notNull(),
    status: text("status", { enum: REDEMPTION_STATUSES }).notNull(),
    shipName: text("ship_name"),
    shipAddress: text("ship_address"),
    shipCity: text("ship_city"),
    shipPostcode: text("ship_postcode"),
    shipCountry: text("ship_country"),
    staffNote: text("staff_note"),
    handledById: integer("handled_by_id").references(() => users.id, { onDelete: "set null" }),
    handledAt: timestampMs("handled_at"),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [
    index("reward_redemptions_status_idx").on(t.status, t.createdAt),
    index("reward_redemptions_user_idx").on(t.userId, t.createdAt),
    index("reward_redemptions_reward_idx").on(t.rewardId),
  ],
);

export const rewardCodes = pgTable(
  "reward_codes",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    rewardId: integer("reward_id")
      .notNull()
      .references(() => rewards.id),
    code: text("code").notNull(),
    redemptionId: integer("redemption_id").references(() => rewardRedemptions.id),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("reward_codes_code_idx").on(t.code),
    uniqueIndex("reward_codes_redemption_idx").on(t.redemptionId),
    index("reward_codes_free_idx").on(t.rewardId, t.redemptionId),
  ],
);

export const loyaltyPointEvents = pgTable(
  "loyalty_point_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: LOYALTY_POINT_KINDS }).notNull(),
    points: integer("points").notNull(),
    reputationTotal: integer("reputation_total"),
    redemptionId: integer("redemption_id").references(() => rewardRedemptions.id),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [index("loyalty_point_events_user_idx").on(t.userId, t.createdAt, t.id)],
);
