/**
 * Moderation: flags on posts, the audit log of staff actions, the reply-coach lexicon, the
 * settings admins tune, and the email-domain rules that grant the customer role.
 * Invariants:
 * - one open flag per user per post (partial unique index); automatic flags have no user;
 * - a flag is open until a moderator's decision resolves it (resolved_at, resolution);
 * - audit_log rows are never changed or removed: triggers refuse UPDATE and DELETE;
 * - moderation_settings has exactly one row (id = 1);
 * - one close vote per person per thread; a thread's votes are cleared when staff reopen it.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { posts, threads } from "./community";
import { users } from "./users";

export const FLAG_REASONS = ["spam", "rude", "off_topic", "needs_staff", "other", "new_member_link"] as const;

export const flags = sqliteTable(
  "flags",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    /** Null for automatic flags (a link in a new member's post). */
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: FLAG_REASONS }).notNull(),
    note: text("note"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
    resolvedById: integer("resolved_by_id").references(() => users.id),
    resolution: text("resolution"),
  },
  (t) => [
    index("flags_post_idx").on(t.postId, t.resolvedAt),
    index("flags_user_idx").on(t.userId, t.createdAt),
    uniqueIndex("flags_one_open_per_user_idx")
      .on(t.postId, t.userId)
      .where(sql`resolved_at IS NULL AND user_id IS NOT NULL`),
  ],
);

export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    /** Null when Hearth acted by itself (a post hidden by enough flags). */
    actorId: integer("actor_id").references(() => users.id),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: integer("subject_id").notNull(),
    /** What the subject was called when the action happened (a title, a username, a phrase). */
    subjectLabel: text("subject_label").notNull(),
    reason: text("reason"),
    before: text("before", { mode: "json" }),
    after: text("after", { mode: "json" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt, t.id),
    index("audit_log_actor_idx").on(t.actorId, t.createdAt),
    index("audit_log_action_idx").on(t.action, t.createdAt),
    index("audit_log_subject_idx").on(t.subjectType, t.subjectId, t.createdAt),
  ],
);

export const moderationSettings = sqliteTable(
  "moderation_settings",
  {
    id: integer("id").primaryKey(),
    /** Flags from this many different users hide a post until staff review it. */
    flagHideThreshold: integer("flag_hide_threshold").notNull().default(3),
  },
  () => [check("moderation_settings_single_row", sql`id = 1`)],
);

export const replyLexicon = sqliteTable("reply_lexicon", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  phrase: text("phrase").notNull(),
  /** The phrase in the matcher's normal form (lower case, words only): unique, so no phrase is listed twice. */
  phraseKey: text("phrase_key").notNull().unique(),
  suggestion: text("suggestion").notNull(),
  updatedById: integer("updated_by_id").references(() => users.id),
  updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
});

export const customerDomainRules = sqliteTable("customer_domain_rules", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  domain: text("domain").notNull().unique(),
  createdById: integer("created_by_id")
    .notNull()
    .references(() => users.id),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** Why a leader votes to close a question (DECISIONS.md #76). */
export const CLOSE_VOTE_REASONS = ["off_topic", "needs_details", "answered_elsewhere"] as const;
export type CloseVoteReason = (typeof CLOSE_VOTE_REASONS)[number];

export const closeVotes = sqliteTable(
  "close_votes",
  {
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: CLOSE_VOTE_REASONS }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);
