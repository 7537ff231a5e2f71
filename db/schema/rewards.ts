/**
 * Loyalty points and the rewards catalogue (DECISIONS.md #75).
 * Invariants:
 * - every change to a person's points is one loyalty_point_events row, never changed or removed;
 *   loyalty_balances.balance is the sum of that person's rows' points and .earned the sum of their
 *   `earned` and `earning_reversed` rows, both kept in the same transaction as the row
 *   (`checkLoyaltyBalances` proves it);
 * - a person earns floor(max(0, reputation) × share / 100) within one share period, counted from
 *   the anchor (anchor_total, anchor_points) set when the share they earn at last changed;
 * - a reward's stock, when not null (unlimited), never goes below zero; a discount-code reward's
 *   stock is its unassigned codes, so its column stays null;
 * - a code is unique across every reward and handed out once (redemption_id, unique);
 * - a redemption is requested, then fulfilled or cancelled (a cancellation refunds its cost as a
 *   `refunded` row in the same transaction); it records what it cost when redeemed;
 * - rewards_settings has at most one row (id = 1); without it the defaults apply.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { users } from "./users";

/**
 * Why points changed: `earned` and `earning_reversed` follow reputation (up and down), `spent` on a
 * redemption, `refunded` when staff cancel one, `adjusted` by an admin with a reason.
 */
export const LOYALTY_POINT_KINDS = ["earned", "earning_reversed", "spent", "refunded", "adjusted"] as const;
export type LoyaltyPointKind = (typeof LOYALTY_POINT_KINDS)[number];

export const REWARD_KINDS = ["discount_code", "merchandise", "donation", "early_access"] as const;
export type RewardKind = (typeof REWARD_KINDS)[number];

/** Who may redeem: customers only, or everyone signed in (staff never: they earn no points). */
export const REWARD_AUDIENCES = ["customers", "everyone"] as const;
export type RewardAudience = (typeof REWARD_AUDIENCES)[number];

export const REDEMPTION_STATUSES = ["requested", "fulfilled", "cancelled"] as const;
export type RedemptionStatus = (typeof REDEMPTION_STATUSES)[number];

export const rewardsSettings = sqliteTable(
  "rewards_settings",
  {
    id: integer("id").primaryKey(),
    /** Loyalty points earned per 100 reputation. */
    sharePercent: integer("share_percent").notNull().default(10),
  },
  () => [check("rewards_settings_single_row", sql`id = 1`)],
);

export const loyaltyBalances = sqliteTable("loyalty_balances", {
  userId: integer("user_id")
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  balance: integer("balance").notNull().default(0),
  /** Points earned from reputation so far (earned minus earning_reversed). */
  earned: integer("earned").notNull().default(0),
  /** The share the person earns at, and where its period began: reputation total and points earned then. */
  sharePercent: integer("share_percent").notNull(),
  anchorTotal: integer("anchor_total").notNull().default(0),
  anchorPoints: integer("anchor_points").notNull().default(0),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

export const rewards = sqliteTable(
  "rewards",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    name: text("name").notNull(),
    description: text("description").notNull(),
    kind: text("kind", { enum: REWARD_KINDS }).notNull(),
    audience: text("audience", { enum: REWARD_AUDIENCES }).notNull(),
    cost: integer("cost").notNull(),
    /** How many are left; null means unlimited (and always null for discount codes: their codes are the stock). */
    stock: integer("stock"),
    retiredAt: integer("retired_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  () => [
    check("rewards_cost_positive", sql`cost > 0`),
    check("rewards_stock_not_negative", sql`stock IS NULL OR stock >= 0`),
  ],
);

export const rewardRedemptions = sqliteTable(
  "reward_redemptions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rewardId: integer("reward_id")
      .notNull()
      .references(() => rewards.id),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** Points it cost when redeemed (what a cancellation refunds). */
    cost: integer("cost").notNull(),
    status: text("status", { enum: REDEMPTION_STATUSES }).notNull(),
    /** Merchandise only: where to send it. */
    shipName: text("ship_name"),
    shipAddress: text("ship_address"),
    shipCity: text("ship_city"),
    shipPostcode: text("ship_postcode"),
    shipCountry: text("ship_country"),
    /** Staff's note on fulfilling, or their reason for cancelling (shown to the redeemer). */
    staffNote: text("staff_note"),
    handledById: integer("handled_by_id").references(() => users.id, { onDelete: "set null" }),
    handledAt: integer("handled_at", { mode: "timestamp_ms" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("reward_redemptions_status_idx").on(t.status, t.createdAt),
    index("reward_redemptions_user_idx").on(t.userId, t.createdAt),
    index("reward_redemptions_reward_idx").on(t.rewardId),
  ],
);

export const rewardCodes = sqliteTable(
  "reward_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    rewardId: integer("reward_id")
      .notNull()
      .references(() => rewards.id),
    code: text("code").notNull(),
    /** The redemption it was handed to; null while free. */
    redemptionId: integer("redemption_id").references(() => rewardRedemptions.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("reward_codes_code_idx").on(t.code),
    uniqueIndex("reward_codes_redemption_idx").on(t.redemptionId),
    index("reward_codes_free_idx").on(t.rewardId, t.redemptionId),
  ],
);

export const loyaltyPointEvents = sqliteTable(
  "loyalty_point_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: LOYALTY_POINT_KINDS }).notNull(),
    points: integer("points").notNull(),
    /** Earned rows: the reputation total the points followed. */
    reputationTotal: integer("reputation_total"),
    /** Spent and refunded rows: the redemption. */
    redemptionId: integer("redemption_id").references(() => rewardRedemptions.id),
    /** Adjusted and refunded rows: who did it, and why. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    reason: text("reason"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("loyalty_point_events_user_idx").on(t.userId, t.createdAt, t.id)],
);

export type Reward = typeof rewards.$inferSelect;
