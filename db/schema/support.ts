/**
 * Support follow-ups: the promise that no customer question is left waiting in silence.
 * Invariants:
 * - at most one follow-up per thread that is not resolved (partial unique index);
 * - due times are absolute; while a follow-up waits on the customer (`paused_at` set) its clock
 *   is stopped, and leaving that state moves the unmet due times later by the time spent paused;
 * - internal notes are for staff only; private messages are for the thread's asker and staff only;
 * - every change to a follow-up writes a follow_up_events row (its timeline, never edited);
 * - every target counts from `asked_at` (when the customer asked, or last wrote for a reopened
 *   follow-up), in calendar time or in the category's open hours (support_policies.clock);
 * - job_leases hold one row per background job: whoever holds an unexpired lease runs it.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { categories, threads } from "./community";
import { users } from "./users";

export const FOLLOW_UP_STATUSES = ["new", "open", "waiting", "resolved"] as const;
export type FollowUpStatus = (typeof FOLLOW_UP_STATUSES)[number];
export const FOLLOW_UP_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type FollowUpPriority = (typeof FOLLOW_UP_PRIORITIES)[number];
export const FOLLOW_UP_ORIGINS = ["target", "customer", "staff"] as const;
export type FollowUpOrigin = (typeof FOLLOW_UP_ORIGINS)[number];
/** How a follow-up was last resolved: by staff, by the community's answer, by the customer, or for want of a reply. */
export const FOLLOW_UP_RESOLUTIONS = ["staff", "accepted-answer", "verified-solution", "customer", "no-reply"] as const;
export type FollowUpResolution = (typeof FOLLOW_UP_RESOLUTIONS)[number];
export const SUPPORT_CLOCKS = ["calendar", "business"] as const;
export type SupportClock = (typeof SUPPORT_CLOCKS)[number];
export const SURVEY_KINDS = ["support", "community"] as const;
export type SurveyKind = (typeof SURVEY_KINDS)[number];

/**
 * How support works in a category, set by admins; categories without a row use the defaults.
 * `open_hours` is JSON: for each weekday (0 = Sunday … 6 = Saturday) a list of ["09:00", "17:00"]
 * spans in `time_zone`; it only matters when `clock` is "business".
 */
export const supportPolicies = sqliteTable("support_policies", {
  categoryId: integer("category_id")
    .primaryKey()
    .references(() => categories.id, { onDelete: "cascade" }),
  /** How long peers have before an unanswered customer question becomes a follow-up (calendar minutes). */
  graceMinutes: integer("grace_minutes").notNull(),
  clock: text("clock", { enum: SUPPORT_CLOCKS }).notNull().default("calendar"),
  timeZone: text("time_zone").notNull().default("UTC"),
  openHours: text("open_hours").notNull(),
  /** Waiting on the customer this long sends them a reminder; null: never. */
  remindAfterMinutes: integer("remind_after_minutes"),
  /** Waiting on the customer this long resolves the follow-up; null: never. */
  autoResolveAfterMinutes: integer("auto_resolve_after_minutes"),
  /** Whether new follow-ups are handed in turn to the staff on shift. */
  roundRobin: integer("round_robin", { mode: "boolean" }).notNull().default(false),
  /** Who got the last round-robin follow-up here: the next goes to whoever follows them. */
  lastAssigneeId: integer("last_assignee_id").references(() => users.id, { onDelete: "set null" }),
});

/** Days a category's support is closed (its open hours do not count), as local dates "2026-12-25". */
export const supportHolidays = sqliteTable(
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

/** Response-time targets per category and priority, set by admins; missing rows use the defaults. */
export const categoryTargets = sqliteTable(
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
    /** When the customer asked (or last wrote, once reopened): every target counts from here. */
    askedAt: integer("asked_at", { mode: "timestamp_ms" }).notNull(),
    /** When the customer first asked, kept through reopenings: the first response is measured from here. */
    firstAskedAt: integer("first_asked_at", { mode: "timestamp_ms" }).notNull(),
    firstResponseDueAt: integer("first_response_due_at", { mode: "timestamp_ms" }).notNull(),
    firstRespondedAt: integer("first_responded_at", { mode: "timestamp_ms" }),
    resolutionDueAt: integer("resolution_due_at", { mode: "timestamp_ms" }).notNull(),
    resolvedAt: integer("resolved_at", { mode: "timestamp_ms" }),
    resolution: text("resolution", { enum: FOLLOW_UP_RESOLUTIONS }),
    pausedAt: integer("paused_at", { mode: "timestamp_ms" }),
    /** Open time spent waiting on the customer before now: the due times are that much later. */
    waitedMs: integer("waited_ms").notNull().default(0),
    /** When its assignee was told that a target is one hour away (once per due time). */
    dueWarningSentAt: integer("due_warning_sent_at", { mode: "timestamp_ms" }),
    /** When the customer was reminded that we wait for them (once per wait). */
    reminderSentAt: integer("reminder_sent_at", { mode: "timestamp_ms" }),
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
    // Reports read what was resolved in their period.
    index("follow_ups_resolved_idx").on(t.resolvedAt),
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
    /** "support" asks how well staff helped; "community" asks whether the community's answer solved it. */
    kind: text("kind", { enum: SURVEY_KINDS }).notNull().default("support"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    emailedAt: integer("emailed_at", { mode: "timestamp_ms" }),
    rating: integer("rating"),
    comment: text("comment"),
    answeredAt: integer("answered_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("follow_up_surveys_customer_idx").on(t.customerId, t.emailedAt)],
);

/** Saved replies staff fill the reply box with; placeholders are filled per follow-up. */
export const supportMacros = sqliteTable(
  "support_macros",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    bodyMarkdown: text("body_markdown").notNull(),
    /** Applying the macro also sets these, when given. */
    setStatus: text("set_status", { enum: FOLLOW_UP_STATUSES }),
    setPriority: text("set_priority", { enum: FOLLOW_UP_PRIORITIES }),
    useCount: integer("use_count").notNull().default(0),
    lastUsedAt: integer("last_used_at", { mode: "timestamp_ms" }),
    createdById: integer("created_by_id").references(() => users.id, { onDelete: "set null" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [index("support_macros_use_idx").on(t.useCount)],
);

/** A staff member's unsent reply on a follow-up: kept until sent, whatever else they do on the page. */
export const followUpDrafts = sqliteTable(
  "follow_up_drafts",
  {
    followUpId: integer("follow_up_id")
      .notNull()
      .references(() => followUps.id, { onDelete: "cascade" }),
    authorId: integer("author_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    bodyMarkdown: text("body_markdown").notNull(),
    /** Where the reply goes when sent: "private" (a private message) or "public" (an answer in the thread). */
    visibility: text("visibility", { enum: ["private", "public"] })
      .notNull()
      .default("private"),
    /** What the follow-up becomes when the reply is sent (a macro may choose it). */
    then: text("then", { enum: ["open", "waiting", "resolved"] })
      .notNull()
      .default("open"),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.followUpId, t.authorId] })],
);
