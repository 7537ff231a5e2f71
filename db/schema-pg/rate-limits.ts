/** PostgreSQL twin of db/schema/rate-limits.ts. */
import { integer, pgTable, text } from "drizzle-orm/pg-core";
import { timestampMs } from "./columns";

export const rateLimitBuckets = pgTable("rate_limit_buckets", {
  key: text("key").primaryKey(),
  windowStartedAt: timestampMs("window_started_at").notNull(),
  count: integer("count").notNull(),
});
