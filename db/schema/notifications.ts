/**
 * Telling people what happened: in-app notifications (the bell), what people watch, the email
 * outbox, per-kind email opt-outs, and the replies that came back by email.
 * Invariants:
 * - an email is written to the outbox in the same transaction as the change it reports, and sent
 *   after commit by the mail job, not before `send_after`; `claimed_at` marks a batch being sent so
 *   two senders never send one email twice (a claim older than a few minutes is retried);
 * - an email about one thread (or follow-up) gathers that person's notifications about it while it
 *   waits to be sent (`notifications.email_id`), so a burst becomes one email;
 * - watches hold one level per person and thread, tag or category; no row means "normal";
 * - email_opt_outs has a row when a person asked not to get that kind of email; in-app
 *   notifications are always kept;
 * - a new post's fan-out (telling its asker, the people it mentions and every watcher) is queued in
 *   the write that made the post visible and done afterwards in batches; `notified_through` is the
 *   last recipient id done, so a run cut short resumes without telling anyone twice, and the post id
 *   is unique, so a post hidden and restored is never announced twice;
 * - inbound_emails has one row per Message-ID received, so a message delivered twice posts once;
 * - site_secrets holds values generated once per installation (the signing keys of links).
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { threads } from "./community";
import { users } from "./users";

export const NOTIFICATION_KINDS = [
  // The asker and the authors of answers.
  "new-answer",
  "question-changed",
  "answer-solution",
  "post-edited",
  "mention",
  // What a person chose to watch or track.
  "watched",
  // Customers, about their follow-ups.
  "follow-up-opened",
  "follow-up-reply",
  "follow-up-status",
  "follow-up-resolved",
  "survey",
  // People, about their reward redemptions.
  "reward-redemption",
  // Staff, about the follow-up queue.
  "staff-follow-up-reply",
  "staff-follow-up-assigned",
  "staff-follow-up-unsolved",
  "staff-follow-up-due",
  "staff-follow-up-new",
  "moderation",
  "digest",
  // In the app only: a badge earned (app/models/badges/).
  "badge",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const WATCH_LEVELS = ["watching", "tracking", "normal", "muted"] as const;
export type WatchLevel = (typeof WATCH_LEVELS)[number];
export const WATCH_TARGETS = ["thread", "tag", "category"] as const;
export type WatchTarget = (typeof WATCH_TARGETS)[number];

/** One person's level for one thread, tag or category (`target_id` is that row's id). */
export const watches = sqliteTable(
  "watches",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    target: text("target", { enum: WATCH_TARGETS }).notNull(),
    targetId: integer("target_id").notNull(),
    level: text("level", { enum: WATCH_LEVELS }).notNull(),
    updatedAt: integer("updated_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.target, t.targetId] }),
    // Fan-out reads every watcher of one thread, tag or category.
    index("watches_target_idx").on(t.target, t.targetId, t.level),
  ],
);

export const notifications = sqliteTable(
  "notifications",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    title: text("title").notNull(),
    url: text("url").notNull(),
    /** Why this person was told, as they read it ("You are watching the tag wifi"). */
    reason: text("reason"),
    threadId: integer("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    /** The post the notification is about, whose text the email carries. */
    postId: integer("post_id"),
    /** Who did it; nobody is told of their own actions. */
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    /** The text of the email for what is not a post (a status change, a moderator's message). */
    emailText: text("email_text"),
    /**
     * The email's text as sanitized HTML, when it quotes something written in Markdown (a private
     * message, a note that mentions someone); `emailText` is then its plain-text part.
     */
    emailHtml: text("email_html"),
    /** The email this notification went out in (or waits in); null when it is bell-only. */
    emailId: integer("email_id"),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt),
    index("notifications_email_idx").on(t.emailId),
    index("notifications_post_idx").on(t.postId, t.kind),
  ],
);

export const emailOutbox = sqliteTable(
  "email_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    /** The address a reply goes to (a signed reply+token address), when replying makes sense. */
    replyTo: text("reply_to"),
    /** What the email is about ("thread:12", "follow-up:3"): a burst about one subject becomes one email. */
    subjectKey: text("subject_key"),
    /** Not sent before this: a later notification about the same subject may still join it. */
    sendAfter: integer("send_after", { mode: "timestamp_ms" })
      .notNull()
      .default(sql`0`),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    claimedAt: integer("claimed_at", { mode: "timestamp_ms" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    index("email_outbox_pending_idx").on(t.sentAt, t.claimedAt, t.id),
    index("email_outbox_subject_idx").on(t.userId, t.subjectKey, t.createdAt),
  ],
);

export const emailOptOuts = sqliteTable(
  "email_opt_outs",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export const siteSecrets = sqliteTable("site_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});

export const notificationFanOuts = sqliteTable(
  "notification_fan_outs",
  {
    postId: integer("post_id").primaryKey(),
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    notifiedThrough: integer("notified_through").notNull().default(0),
    doneAt: integer("done_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("notification_fan_outs_pending_idx").on(t.doneAt, t.createdAt)],
);

export const INBOUND_OUTCOMES = ["posted", "refused"] as const;

/** Every email received as a reply, by Message-ID: a message delivered twice is handled once. */
export const inboundEmails = sqliteTable("inbound_emails", {
  messageId: text("message_id").primaryKey(),
  userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  outcome: text("outcome", { enum: INBOUND_OUTCOMES }).notNull(),
  /** Why it was refused, as said in the bounce. */
  detail: text("detail"),
  /** Where it went: the answer's post id, or the private message's id. */
  resultId: integer("result_id"),
  receivedAt: integer("received_at", { mode: "timestamp_ms" }).notNull(),
});
