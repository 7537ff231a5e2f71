/** PostgreSQL twin of db/schema/support.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import {
  FOLLOW_UP_ORIGINS,
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_RESOLUTIONS,
  FOLLOW_UP_STATUSES,
  SUPPORT_CLOCKS,
  SURVEY_KINDS,
} from "../schema/support";
import { categories, threads } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const supportPolicies = pgTable("support_policies", {
  categoryId: integer("category_id")
    .primaryKey()
    .references(() => categories.id, { onDelete: "cascade" }),
  graceMinutes: integer("grace_minutes").notNull(),
  clock: text("clock", { enum: SUPPORT_CLOCKS }).notNull().default("calendar"),
  timeZone: text("time_zone").notNull().default("UTC"),
  // JSON as text on both engines, as in SQLite: the app parses it itself.
  openHours: text("open_hours").notNull(),
  remindAfterMinutes: integer("remind_after_minutes"),
  autoResolveAfterMinutes: integer("auto_resolve_after_minutes"),
  roundRobin: boolean("round_robin").notNull().default(false),
  lastAssigneeId: integer("last_assignee_id").references(() => users.id, { onDelete: "set null" }),
});

export const supportHolidays = pgTable(
  "support_holidays",
  {
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "cascade" }),
    day: text("day").notNull(),
    name: text("name").notNull(),
  },
  (t) => [primaryKey({ columns: [t.categoryId, t.day] })],
);

export const categoryTargets = pgTable(
  "category_targets",
  {
    categoryId: integer("category_id")
      .notNull()
      .references(() => categories.id, { onDelete: "cascade" }),
    priority: text("priority", { enum: FOLLOW_UP_PRIORITIES }).notNull().default("normal"),
    firstResponseMinutes: integer("first_response_minutes").notNull(),
    resolutionMinutes: integer("resolution_minutes").notNull(),
  },
  (t) => [primaryKey({ columns: [t.categoryId, t.priority] })],
);

export const followUps = pgTable(
  "follow_ups",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
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
    openedAt: timestampMs("opened_at").notNull(),
    askedAt: timestampMs("asked_at").notNull(),
    firstAskedAt: timestampMs("first_asked_at").notNull(),
    firstResponseDueAt: timestampMs("first_response_due_at").notNull(),
    firstRespondedAt: timestampMs("first_responded_at"),
    resolutionDueAt: timestampMs("resolution_due_at").notNull(),
    resolvedAt: timestampMs("resolved_at"),
    resolution: text("resolution", { enum: FOLLOW_UP_RESOLUTIONS }),
    pausedAt: timestampMs("paused_at"),
    // A duration in milliseconds: 2^31 ms is under 25 days, and a follow-up may wait on its
    // customer longer than that, so bigint (read as a JS number: sums stay far below 2^53).
    waitedMs: bigint("waited_ms", { mode: "number" }).notNull().default(0),
    dueWarningSentAt: timestampMs("due_warning_sent_at"),
    reminderSentAt: timestampMs("reminder_sent_at"),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("follow_ups_one_active_idx")
      .on(t.threadId)
      .where(sql`status <> 'resolved'`),
    index("follow_ups_thread_idx").on(t.threadId, t.openedAt),
    index("follow_ups_status_idx").on(t.status, t.resolutionDueAt),
    index("follow_ups_customer_idx").on(t.customerId, t.openedAt),
    index("follow_ups_assignee_idx").on(t.assigneeId, t.status),
    index("follow_ups_resolved_idx").on(t.resolvedAt),
  ],
);

export const followUpEvents = pgTable(
  "follow_up_events",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    followUpId: integer("follow_up_id")
      .notNull()
      .references(() => followUps.id, { onDelete: "cascade" }),
    actorId: integer("actor_id").references(() => users.id),
    kind: text("kind").notNull(),
    detail: text("detail").notNull().default(""),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [index("follow_up_events_follow_up_idx").on(t.followUpId, t.createdAt)],
);

/** A piece of Markdown written on a follow-up by someone: the shape of notes and private messages. */
const followUpWriting = () => ({
  id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
  followUpId: integer("follow_up_id")
    .notNull()
    .references(() => followUps.id, { onDelete: "cascade" }),
  authorId: integer("author_id")
    .notNull()
    .references(() => users.id),
  bodyMarkdown: text("body_markdown").notNull(),
  bodyHtml: text("body_html").notNull(),
  createdAt: timestampMs("created_at").notNull(),
});

export const followUpNotes = pgTable("follow_up_notes", followUpWriting(), (t) => [
  index("follow_up_notes_follow_up_idx").on(t.followUpId, t.createdAt),
]);

export const privateMessages = pgTable("private_messages", followUpWriting(), (t) => [
  index("private_messages_follow_up_idx").on(t.followUpId, t.createdAt),
]);

export const jobLeases = pgTable("job_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: timestampMs("expires_at").notNull(),
  lastRunAt: timestampMs("last_run_at"),
});

export const followUpSurveys = pgTable(
  "follow_up_surveys",
  {
    followUpId: integer("follow_up_id")
      .primaryKey()
      .references(() => followUps.id, { onDelete: "cascade" }),
    customerId: integer("customer_id")
      .notNull()
      .references(() => users.id),
    kind: text("kind", { enum: SURVEY_KINDS }).notNull().default("support"),
    createdAt: timestampMs("created_at").notNull(),
    emailedAt: timestampMs("emailed_at"),
    rating: integer("rating"),
    comment: text("comment"),
    answeredAt: timestampMs("answered_at"),
  },
  (t) => [index("follow_up_surveys_customer_idx").on(t.customerId, t.emailedAt)],
);

export const supportMacros = pgTable(
  "support_macros",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    title: text("title").notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    setStatus: text("set_status", { enum: FOLLOW_UP_STATUSES }),
    setPriority: text("set_priority", { enum: FOLLOW_UP_PRIORITIES }),
    useCount: integer("use_count").notNull().default(0),
    lastUsedAt: timestampMs("last_used_at"),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: timestampMs("created_at").notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [index("support_macros_use_idx").on(t.useCount)],
);

export const followUpDrafts = pgTable(
  "follow_up_drafts",
  {
    followUpId: integer("follow_up_id")
      .notNull()
      .references(() => followUps.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    bodyMarkdown: text("body_markdown").notNull(),
    visibility: text("visibility", { enum: ["private", "public"] })
      .notNull()
      .default("private"),
    then: text("then", { enum: ["open", "waiting", "resolved"] })
      .notNull()
      .default("open"),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.followUpId, t.authorId] })],
);
