/** PostgreSQL twin of db/schema/users.ts (its head comment states the invariants). */
import { boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { ACCOUNT_TOKEN_PURPOSES, DIGEST_FREQUENCIES, ROLES } from "../schema/users";
import { timestampMs } from "./columns";

export const users = pgTable("users", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  email: text("email").notNull().unique(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull().default("member"),
  createdAt: timestampMs("created_at").notNull(),
  suspendedUntil: timestampMs("suspended_until"),
  suspensionReason: text("suspension_reason"),
  emailConfirmedAt: timestampMs("email_confirmed_at"),
  lastSeenAt: timestampMs("last_seen_at"),
  digestFrequency: text("digest_frequency", { enum: DIGEST_FREQUENCIES }),
  lastDigestAt: timestampMs("last_digest_at"),
  watchOnParticipate: boolean("watch_on_participate").notNull().default(true),
  timeZone: text("time_zone"),
  onShift: boolean("on_shift").notNull().default(false),
  reputation: integer("reputation").notNull().default(0),
  trustLevel: integer("trust_level").$type<0 | 1 | 2 | 3 | 4>().notNull().default(0),
});

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: timestampMs("expires_at").notNull(),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const accountTokens = pgTable(
  "account_tokens",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    email: text("email").notNull(),
    createdAt: timestampMs("created_at").notNull(),
    expiresAt: timestampMs("expires_at").notNull(),
    usedAt: timestampMs("used_at"),
  },
  (t) => [index("account_tokens_user_idx").on(t.userId, t.purpose)],
);
