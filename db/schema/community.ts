/**
 * The Q&A community: categories, tags, threads, posts, revisions, votes and solutions.
 * Invariants:
 * - every thread has exactly one post of kind "question" (the question body); answers are the rest;
 * - posts.score is imported_up_votes - imported_down_votes plus the sum of votes.value for that post
 *   (the imported counts are a Stack Exchange post's votes, whose voters dumps do not name: DECISIONS.md
 *   #82; 0 for Hearth's own posts), threads.score mirrors its question's score,
 *   threads.answer_count counts its answers and tags.thread_count its threads: all kept in the same
 *   transaction as the write that changes them;
 * - threads.view_count is imported_view_count (an imported question's view count at its source, 0 for
 *   Hearth's own threads) plus the views counted in Hearth, so a re-import changes only the first;
 * - one vote per user per post; one solution of each kind per thread; threads.acceptance_decided_at is
 *   set when the asker accepts an answer or withdraws the acceptance in Hearth (an import leaves such
 *   a thread's acceptance alone: DECISIONS.md #90);
 * - threads.status is "solved" when a solution exists, else "answered" when an answer exists,
 *   else "open", unless a moderator closed it ("closed", with closed_reason, or duplicate_of_id
 *   when closed as a duplicate);
 * - posts.moderation_state says who may see a post: "visible" to all; "held" (a new member's post
 *   awaiting approval) and "hidden" (by flags or staff) to its author and staff; "deleted" (soft,
 *   restorable) to staff; "waiting" (written by an account whose address is not confirmed yet) to its
 *   author alone, not even staff, and out of the review queue until confirmation releases it through
 *   the normal path (visible, or held for review). threads.visibility mirrors its question's state,
 *   and the counters above count visible answers only;
 * - posts.review_requested_at is set while a post waits in the moderation queue;
 * - a post_revisions row with redacted_at keeps its text for staff only; everyone else reads that
 *   it was removed, and why is in the audit log;
 * - a post has at most one pending suggested edit; approving one applies it as an edit by its
 *   suggester (a revision like any other), and a suggestion never changes once decided;
 * - source_* columns are set only on imported threads and posts (app/models/import/): where the text
 *   came from, under which licence, to be shown with it as the licence requires; null for Hearth's own.
 */
import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
  type AnySQLiteColumn,
} from "drizzle-orm/sqlite-core";
import { sql } from "drizzle-orm";
import { users } from "./users";

export const THREAD_STATUSES = ["open", "answered", "solved", "closed"] as const;
export type ThreadStatus = (typeof THREAD_STATUSES)[number];
export const POST_KINDS = ["question", "answer"] as const;
export const MODERATION_STATES = ["visible", "held", "hidden", "deleted", "waiting"] as const;
export type ModerationState = (typeof MODERATION_STATES)[number];
export const SOLUTION_KINDS = ["accepted", "verified"] as const;
export type SolutionKind = (typeof SOLUTION_KINDS)[number];

/** Where an imported thread or post came from (null on Hearth's own): site host, id there, its URL and licence. */
const sourceColumns = () => ({
  sourceSite: text("source_site"),
  sourceId: integer("source_id"),
  sourceUrl: text("source_url"),
  sourceLicence: text("source_licence"),
});

export const categories = sqliteTable("categories", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description").notNull().default(""),
  position: integer("position").notNull().default(0),
});

export const tags = sqliteTable("tags", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  description: text("description").notNull().default(""),
  threadCount: integer("thread_count").notNull().default(0),
});

export const threads = sqliteTable(
  "threads",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
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
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    lastActivityAt: integer("last_activity_at", { mode: "timestamp_ms" }).notNull(),
    visibility: text("visibility", { enum: MODERATION_STATES }).notNull().default("visible"),
    lockedAt: integer("locked_at", { mode: "timestamp_ms" }),
    pinnedAt: integer("pinned_at", { mode: "timestamp_ms" }),
    closedReason: text("closed_reason"),
    duplicateOfId: integer("duplicate_of_id").references((): AnySQLiteColumn => threads.id, { onDelete: "set null" }),
    acceptanceDecidedAt: integer("acceptance_decided_at", { mode: "timestamp_ms" }),
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

export const threadTags = sqliteTable(
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

export const posts = sqliteTable(
  "posts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
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
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }),
    moderationState: text("moderation_state", { enum: MODERATION_STATES }).notNull().default("visible"),
    reviewRequestedAt: integer("review_requested_at", { mode: "timestamp_ms" }),
    /** Up and down votes the post had at its source (voters unknown); part of score. */
    importedUpVotes: integer("imported_up_votes").notNull().default(0),
    importedDownVotes: integer("imported_down_votes").notNull().default(0),
    ...sourceColumns(),
    /** The author's name at the source (attribution), kept when the account is the one "deleted user". */
    sourceAuthorName: text("source_author_name"),
  },
  (t) => [
    index("posts_review_queue_idx")
      .on(t.reviewRequestedAt, t.id)
      .where(sql`review_requested_at IS NOT NULL`),
    // Serves the thread page's "answers by score, then oldest first" without sorting or reading bodies.
    index("posts_thread_order_idx").on(t.threadId, t.kind, sql`${t.score} DESC`, t.createdAt, t.id),
    index("posts_author_idx").on(t.authorId, t.kind, t.createdAt),
    uniqueIndex("posts_one_question_idx")
      .on(t.threadId)
      .where(sql`kind = 'question'`),
  ],
);

/** The text a post (and, for questions, its thread title) had before an edit replaced it. */
export const postRevisions = sqliteTable(
  "post_revisions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    previousTitle: text("previous_title"),
    /** A question's tags before the edit, space-separated, when the edit is known to have kept or changed them (imported history); null otherwise. */
    previousTags: text("previous_tags"),
    previousBodyMarkdown: text("previous_body_markdown").notNull(),
    previousAuthoredAt: integer("previous_authored_at", { mode: "timestamp_ms" }).notNull(),
    editorId: integer("editor_id")
      .notNull()
      .references(() => users.id),
    editedAt: integer("edited_at", { mode: "timestamp_ms" }).notNull(),
    /** Set when staff removed this version's text (personal data): only staff still read it. */
    redactedAt: integer("redacted_at", { mode: "timestamp_ms" }),
    redactedById: integer("redacted_by_id").references(() => users.id),
    redactionReason: text("redaction_reason"),
  },
  (t) => [index("post_revisions_post_idx").on(t.postId, t.editedAt)],
);

export const votes = sqliteTable(
  "votes",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    value: integer("value").notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.postId] }), index("votes_post_idx").on(t.postId)],
);

export const solutions = sqliteTable(
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
    markedAt: integer("marked_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.threadId, t.kind] }), index("solutions_post_idx").on(t.postId)],
);

export const SUGGESTED_EDIT_STATUSES = ["pending", "approved", "rejected"] as const;
export type SuggestedEditStatus = (typeof SUGGESTED_EDIT_STATUSES)[number];

/** An edit proposed by someone who may not edit the post directly, waiting for staff (DECISIONS.md #76). */
export const suggestedEdits = sqliteTable(
  "suggested_edits",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    postId: integer("post_id")
      .notNull()
      .references(() => posts.id, { onDelete: "cascade" }),
    suggesterId: integer("suggester_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    /** The new title (questions only; null keeps the title). */
    title: text("title"),
    bodyMarkdown: text("body_markdown").notNull(),
    /** What the suggester says they changed, for the reviewer. */
    summary: text("summary").notNull(),
    /** When the text the suggestion starts from was written: a later edit makes it stale. */
    baseAuthoredAt: integer("base_authored_at", { mode: "timestamp_ms" }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    status: text("status", { enum: SUGGESTED_EDIT_STATUSES }).notNull().default("pending"),
    decidedById: integer("decided_by_id").references(() => users.id),
    decidedAt: integer("decided_at", { mode: "timestamp_ms" }),
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
