/**
 * Fixed-window counters for throttling (failed sign-ins, sign-ups, writes). Kept in the database so
 * every server process sharing the file enforces the same limit.
 */
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const rateLimitBuckets = sqliteTable("rate_limit_buckets", {
  key: text("key").primaryKey(),
  windowStartedAt: integer("window_started_at", { mode: "timestamp_ms" }).notNull(),
  count: integer("count").notNull(),
});
