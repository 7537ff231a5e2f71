/**
 * PostgreSQL twin of db/schema/moderation.ts (its head comment states the invariants). The triggers
 * that keep audit_log rows unchangeable and the one moderation_settings row are in the custom
 * migrations of db/migrations-pg/.
 */
import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { CLOSE_VOTE_REASONS, FLAG_REASONS } from "../schema/moderation";
import { posts, threads } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const flags = pgTable(
  "flags",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    userId: integer("user_id").references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: FLAG_REASONS }).notNull(),
    note: text("note"),
    createdAt: timestampMs("created_at").notNull(),
    resolvedAt: timestampMs("resolved_at"),
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

export const auditLog = pgTable(
  "audit_log",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    actorId: integer("actor_id").references(() => users.id),
    action: text("action").notNull(),
    subjectType: text("subject_type").notNull(),
    subjectId: integer("subject_id").notNull(),
    subjectLabel: text("subject_label").notNull(),
    reason: text("reason"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [
    index("audit_log_created_idx").on(t.createdAt, t.id),
    index("audit_log_actor_idx").on(t.actorId, t.createdAt),
    index("audit_log_action_idx").on(t.action, t.createdAt),
    index("audit_log_subject_idx").on(t.subjectType, t.subjectId, t.createdAt),
  ],
);

export const moderationSettings = pgTable(
  "moderation_settings",
  {
    id: integer("id").primaryKey(),
    flagHideThreshold: integer("flag_hide_threshold").notNull().default(3),
  },
  () => [check("moderation_settings_single_row", sql`id = 1`)],
);

export const replyLexicon = pgTable("reply_lexicon", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  phrase: text("phrase").notNull(),
  phraseKey: text("phrase_key").notNull().unique(),
  suggestion: text("suggestion").notNull(),
  updatedById: integer("updated_by_id").references(() => users.id),
  updatedAt: timestampMs("updated_at").notNull(),
});

export const customerDomainRules = pgTable("customer_domain_rules", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  domain: text("domain").notNull().unique(),
  createdById: integer("created_by_id")
    .notNull()
    .references(() => users.id),
  createdAt: timestampMs("created_at").notNull(),
});

export const closeVotes = pgTable(
  "close_votes",
  {
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    reason: text("reason", { enum: CLOSE_VOTE_REASONS }).notNull(),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.userId] })],
);
