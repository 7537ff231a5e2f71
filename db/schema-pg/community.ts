/** PostgreSQL twin of db/schema/community.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text, uniqueIndex, type AnyPgColumn } from "drizzle-orm/pg-core";
import {
  MODERATION_STATES,
  POST_KINDS,
  SOLUTION_KINDS,
  SUGGESTED_EDIT_STATUSES,
  THREAD_STATUSES,
} from "../schema/community";
import { timestampMs } from "./columns";
import { users } from "./users";

const sourceColumns = () => ({
  sourceSite: text("source_site"),
  sourceId: integer("source_id"),
  sourceUrl: text("source_url"),
  sourceLicence: text("source_licence"),
});

export const categories = pgTable("categories", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  position: integer("position").notNull().default(0),
});

export const tags = pgTable("tags", {
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  threadCount: integer("thread_count").notNull().default(0),
});

export const threads = pgTable(
  "threads",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    title: text("title").notNull(),
    slug: text("slug").notNull(),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id),
    status: text("status", { enum: THREAD_STATUSES }).notNull().default("open"),
    score: integer("score").notNull().default(0),
    answerCount: integer("answer_count").notNull().default(0),
    viewCount: integer("view_count").notNull().default(0),
    importedViewCount: integer("imported_view_count").notNull().default(0),
    createdAt: timestampMs("created_at").notNull(),
    lastActivityAt: timestampMs("last_activity_at").notNull(),
    visibility: text("visibility", { enum: MODERATION_STATES }).notNull().default("visible"),
    lockedAt: timestampMs("locked_at"),
    pinnedAt: timestampMs("pinned_at"),
    closedReason: text("closed_reason"),
    duplicateOfId: integer("duplicate_of_id").references((): AnyPgColumn => threads.id, { onDelete: "set null" }),
    acceptanceDecidedAt: timestampMs("acceptance_decided_at"),
    ...sourceColumns(),
  },
  (t) => [
    index("threads_pinned_idx")
      .on(t.pinnedAt)
      .where(sql`pinned_at IS NOT NULL`),
    index("threads_created_idx").on(t.createdAt),
    index("threads_activity_idx").on(t.lastActivityAt),
    index("threads_score_idx").on(t.score, t.createdAt),
    index("threads_status_created_idx").on(t.status, t.createdAt),
    index("threads_status_activity_idx").on(t.status, t.lastActivityAt),
    index("threads_category_created_idx").on(t.categoryId, t.createdAt),
    index("threads_author_idx").on(t.authorId, t.createdAt),
  ],
);

export const threadTags = pgTable(
  "thread_tags",
  {
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    tagId: integer("tag_id")
      .notNull()
      .references(() => tags.id),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.tagId] }), index("thread_tags_tag_idx").on(t.tagId, t.threadId)],
);

export const posts = pgTable(
  "posts",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: POST_KINDS }).notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    bodyHtml: text("body_html").notNull(),
    score: integer("score").notNull().default(0),
    createdAt: timestampMs("created_at").notNull(),
    editedAt: timestampMs("edited_at"),
    moderationState: text("moderation_state", { enum: MODERATION_STATES }).notNull().default("visible"),
    reviewRequestedAt: timestampMs("review_requested_at"),
    importedUpVotes: integer("imported_up_votes").notNull().default(0),
    importedDownVotes: integer("imported_down_votes").notNull().default(0),
    ...sourceColumns(),
    sourceAuthorName: text("source_author_name"),
  },
  (t) => [
    index("posts_review_queue_idx")
      .on(t.reviewRequestedAt, t.id)
      .where(sql`review_requested_at IS NOT NULL`),
    index("posts_thread_order_idx").on(t.threadId, t.kind, t.score.desc(), t.createdAt, t.id),
    index("posts_author_idx").on(t.authorId, t.kind, t.createdAt),
    uniqueIndex("posts_one_question_idx")
      .on(t.threadId)
      .where(sql`kind = 'question'`),
  ],
);

export const postRevisions = pgTable(
  "post_revisions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    previousTitle: text("previous_title"),
    previousTags: text("previous_tags"),
    previousBodyMarkdown: text("previous_body_markdown").notNull(),
    previousAuthoredAt: timestampMs("previous_authored_at").notNull(),
    editorId: integer("editor_id")
      .notNull()
      .references(() => users.id),
    editedAt: timestampMs("edited_at").notNull(),
    redactedAt: timestampMs("redacted_at"),
    redactedById: integer("redacted_by_id").references(() => users.id),
    redactionReason: text("redaction_reason"),
  },
  (t) => [index("post_revisions_post_idx").on(t.postId, t.editedAt)],
);

export const votes = pgTable(
  "votes",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.postId] }), index("votes_post_idx").on(t.postId)],
);

export const solutions = pgTable(
  "solutions",
  {
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: SOLUTION_KINDS }).notNull(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    markedById: integer("marked_by_id")
      .notNull()
      .references(() => users.id),
    markedAt: timestampMs("marked_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.kind] }), index("solutions_post_idx").on(t.postId)],
);

export const suggestedEdits = pgTable(
  "suggested_edits",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    suggesterId: integer("suggester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    title: text("title"),
    bodyMarkdown: text("body_markdown").notNull(),
    summary: text("summary").notNull(),
    baseAuthoredAt: timestampMs("base_authored_at").notNull(),
    createdAt: timestampMs("created_at").notNull(),
    status: text("status", { enum: SUGGESTED_EDIT_STATUSES }).notNull().default("pending"),
    decidedById: integer("decided_by_id").references(() => users.id),
    decidedAt: timestampMs("decided_at"),
    decisionReason: text("decision_reason"),
  },
  (t) => [
    uniqueIndex("suggested_edits_one_pending_idx")
      .on(t.postId)
      .where(sql`status = 'pending'`),
    index("suggested_edits_queue_idx").on(t.status, t.createdAt),
    index("suggested_edits_suggester_idx").on(t.suggesterId, t.createdAt),
  ],
);
