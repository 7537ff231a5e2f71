/**
 * Support follow-ups: the promise that no customer question is left waiting in silence.
 * Invariants:
 * - at most one follow-up per thread that is not resolved (partial unique index);
 * - due times are absolute; while a follow-up waits on the customer (`paused_at` set) its clock
 *   is stopped, and leaving that state moves the unmet due times later by the time spent paused;
 * - internal notes are for staff only; private messages are for the thread's asker and staff only;
 * - every change to a follow-up writes a follow_up_events row (its timeline, never edited);
 * - job_leases hold one row per background job: whoever holds an unexpired lease runs it.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { categories, threads } from "./community";
import { users } from "./users";

export const FOLLOW_UP_STATUSES = ["new", "open", "waiting", "resolved"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];
export const FOLLOW_UP_ORIGINS = ["target", "customer", "staff"] as const;
export type FollowUpOrigin = (typeof FOLLOW_UP_ORIGINS)[number];

/** Response-time targets per category, set by admins; categories without a row use the defaults. */
export const categoryTargets = sqliteTable("category_targets", {
  categoryId: integer("category_id")
    .primaryKey()
    .references(() => categories.id, { onDelete: "cascade" }),
  firstResponseMinutes: integer("first_response_minutes").notNull(),
  resolutionMinutes: integer("resolution_minutes").notNull(),
});

export const followUps = sqliteTable(
  "follow_ups",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    customerId: integer("customer_id")
      .notNull()
      .references(() => users.id),
    status: text("status", { enum: FOLLOW_UP_STATUSES }).notNull().default("new"),
    priority: text("priority", { enum: FOLLOW_UP_PRIORITIES }).notNull().default("normal"),
    assigneeId: integer("assignee_id").references(() => users.id),
    origin: text("origin", { enum: FOLLOW_UP_ORIGINS }).notNull(),
    openedById: integer("opened_by_id").references(() => users.id),
    openedAt: integer("opened_at", { mode: "timestamp_ms" }).notNull(),
    firstResponseDueAt: integer("first_response_due_at", { mode: "timestamp_ms" }).notNull(),
    firstRespondedAt: integer("first_responded_at", { mode: "timestamp_ms" }),
    resolutionDueAt: integer("resolution_due_at", { mode: "timestamp_ms" }).notNull(),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
    pausedAt: integer("paused_at", { mode: "timestamp_ms" }),
    /** When its assignee was told that a target is one hour away (once per due time). */
    dueWarningSentAt: integer("due_warning_sent_at", { mode: "timestamp_ms" }),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    uniqueIndex("follow_ups_one_active_idx")
      .on(t.threadId)
      .where(sql`status <> 'resolved'`),
    index("follow_ups_thread_idx").on(t.threadId, t.openedAt),
    index("follow_ups_status_idx").on(t.status, t.resolutionDueAt),
    index("follow_ups_customer_idx").on(t.customerId, t.openedAt),
    index("follow_ups_assignee_idx").on(t.assigneeId, t.status),
  ],
);

export const followUpEvents = sqliteTable(
  "follow_up_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    followUpId: integer("follow_up_id")
      .notNull()
      .references(() => followUps.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").references(() => users.id),
    kind: text("kind").notNull(),
    /** What changed, as short text ("new → open", "priority normal → high"). */
    detail: text("detail").notNull().default(""),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("follow_up_events_follow_up_idx").on(t.followUpId, t.createdAt)],
);

/** A piece of Markdown written on a follow-up by someone: the shape of notes and private messages. */
const followUpWriting = () => ({
  id: integer("id").primaryKey({ autoIncrement: true }),
  followUpId: integer("follow_up_id")
    .notNull()
    .references(() => followUps.id, { onDelete: "cascade" }),
  authorId: integer("author_id")
    .notNull()
    .references(() => users.id),
  bodyMarkdown: text("body_markdown").notNull(),
  bodyHtml: text("body_html").notNull(),
  createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
});

/** Staff-only notes on a follow-up. */
export const followUpNotes = sqliteTable("follow_up_notes", followUpWriting(), (t) => [
  index("follow_up_notes_follow_up_idx").on(t.followUpId, t.createdAt),
]);

/** Messages between staff and the asker that the community does not see (order numbers, addresses). */
export const privateMessages = sqliteTable("private_messages", followUpWriting(), (t) => [
  index("private_messages_follow_up_idx").on(t.followUpId, t.createdAt),
]);

export const jobLeases = sqliteTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: integer("expires_at", { mode: "timestamp_ms" }).notNull(),
  lastRunAt: integer("last_run_at", { mode: "timestamp_ms" }),
});

/**
 * The one satisfaction question a follow-up gets, created the first time it is resolved (reopening
 * and resolving again asks nothing new). `emailed_at` is set when the question was also emailed;
 * a customer gets at most one such email per 7 days.
 */
export const followUpSurveys = sqliteTable(
  "follow_up_surveys",
  {
    followUpId: integer("follow_up_id")
      .primaryKey()
      .references(() => followUps.id, { onDelete: "cascade" }),
    customerId: integer("customer_id")
      .notNull()
      .references(() => users.id),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    emailedAt: integer("emailed_at", { mode: "timestamp_ms" }),
    rating: integer("rating"),
    comment: text("comment"),
    answeredAt: integer("answered_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("follow_up_surveys_customer_idx").on(t.customerId, t.emailedAt)],
);
