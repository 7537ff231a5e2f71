/**
 * People, their sessions and the one-time tokens sent to their email address.
 * Invariants: email is stored lower-cased and unique; username is unique ignoring case;
 * session ids and account tokens are stored as SHA-256 hashes of the value sent, never the value
 * itself, so a copy of the database hands out no live session and no usable link;
 * email_confirmed_at is set only by the account's owner following a link sent to that very address
 * (accounts from before confirmation existed count as confirmed, except customers whose role came
 * from their domain alone), and a role granted by email domain waits for it;
 * an account token is used at most once (used_at) and never after expires_at; a change_email token
 * holds the new address, which the account takes only when that token is used;
 * while email_confirmed_at is null the account reads, and what it posts waits ("waiting") until then.
 */
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const ROLES = ["member", "customer", "staff", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const DIGEST_FREQUENCIES = ["off", "daily", "weekly"] as const;
export type DigestFrequency = (typeof DIGEST_FREQUENCIES)[number];

export const users = sqliteTable("users", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  username: text("username").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ROLES }).notNull().default("member"),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  /** While in the future, the account may read but not write. */
  suspendedUntil: integer("suspended_until", { mode: "timestamp_ms" }),
  suspensionReason: text("suspension_reason"),
  /** When the owner proved they read mail at `email`; null until then. */
  emailConfirmedAt: integer("email_confirmed_at", { mode: "timestamp_ms" }),
  /** The last time the person used the site signed in (kept to within a few minutes): digests skip people who keep up. */
  lastSeenAt: integer("last_seen_at", { mode: "timestamp_ms" }),
  /** How often the digest comes; null means the default for the role (weekly, off for staff). */
  digestFrequency: text("digest_frequency", { enum: DIGEST_FREQUENCIES }),
  lastDigestAt: integer("last_digest_at", { mode: "timestamp_ms" }),
  /** Whether asking or answering a thread watches it. */
  watchOnParticipate: integer("watch_on_participate", { mode: "boolean" }).notNull().default(true),
  /** The person's IANA time zone ("Europe/Paris"), set by them; null until they choose one. */
  timeZone: text("time_zone"),
  /** Staff only: whether they are on shift now, so round-robin assignment may give them follow-ups. */
  onShift: integer("on_shift", { mode: "boolean" }).notNull().default(false),
  /** The sum of the person's counted reputation events (db/schema/reputation.ts), kept with every change. */
  reputation: integer("reputation").notNull().default(0),
  /**
   * The trust level the person has earned (0 new … 4 leader; db/schema/trust.ts), kept by
   * app/models/trust/ whenever what it is computed from changes; their role may raise it further.
   */
  trustLevel: integer("trust_level").$type<0 | 1 | 2 | 3 | 4>().notNull().default(0),
});

export const sessions = sqliteTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

export const ACCOUNT_TOKEN_PURPOSES = ["confirm_email", "reset_password", "change_email", "undo_email_change"] as const;
export type AccountTokenPurpose = (typeof ACCOUNT_TOKEN_PURPOSES)[number];

export const accountTokens = sqliteTable(
  "account_tokens",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ACCOUNT_TOKEN_PURPOSES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The address the link went to: confirming it confirms this address, not whatever the account holds now. */
    email: text("email").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
    usedAt: integer("used_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("account_tokens_user_idx").on(t.userId, t.purpose)],
);
