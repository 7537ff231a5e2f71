/** PostgreSQL twin of db/schema/notifications.ts (its head comment states the invariants). */
import { sql } from "drizzle-orm";
import { index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { INBOUND_OUTCOMES, NOTIFICATION_KINDS, WATCH_LEVELS, WATCH_TARGETS } from "../schema/notifications";
import { threads } from "./community";
import { timestampMs } from "./columns";
import { users } from "./users";

export const watches = pgTable(
  "watches",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    target: text("target", { enum: WATCH_TARGETS }).notNull(),
    targetId: integer("target_id").notNull(),
    level: text("level", { enum: WATCH_LEVELS }).notNull(),
    updatedAt: timestampMs("updated_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.target, t.targetId] }),
    index("watches_target_idx").on(t.target, t.targetId, t.level),
  ],
);

export const notifications = pgTable(
  "notifications",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    title: text("title").notNull(),
    url: text("url").notNull(),
    reason: text("reason"),
    threadId: integer("thread_id").references(() => threads.id, { onDelete: "cascade" }),
    postId: integer("post_id"),
    actorId: integer("actor_id").references(() => users.id, { onDelete: "set null" }),
    emailText: text("email_text"),
    emailHtml: text("email_html"),
    emailId: integer("email_id"),
    createdAt: timestampMs("created_at").notNull(),
    readAt: timestampMs("read_at"),
  },
  (t) => [
    index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt),
    index("notifications_email_idx").on(t.emailId),
    index("notifications_post_idx").on(t.postId, t.kind),
  ],
);

export const emailOutbox = pgTable(
  "email_outbox",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    toAddress: text("to_address").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    replyTo: text("reply_to"),
    subjectKey: text("subject_key"),
    sendAfter: timestampMs("send_after")
      .notNull()
      .default(sql`0`),
    createdAt: timestampMs("created_at").notNull(),
    claimedAt: timestampMs("claimed_at"),
    sentAt: timestampMs("sent_at"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [
    index("email_outbox_pending_idx").on(t.sentAt, t.claimedAt, t.id),
    index("email_outbox_subject_idx").on(t.userId, t.subjectKey, t.createdAt),
  ],
);

export const emailOptOuts = pgTable(
  "email_opt_outs",
  {
    userId: integer("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: NOTIFICATION_KINDS }).notNull(),
    createdAt: timestampMs("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

export const siteSecrets = pgTable("site_secrets", {
  name: text("name").primaryKey(),
  value: text("value").notNull(),
});

export const notificationFanOuts = pgTable(
  "notification_fan_outs",
  {
    postId: integer("post_id").primaryKey(),
    threadId: integer("thread_id")
      .notNull()
      .references(() => threads.id, { onDelete: "cascade" }),
    createdAt: timestampMs("created_at").notNull(),
    notifiedThrough: integer("notified_through").notNull().default(0),
    doneAt: timestampMs("done_at"),
  },
  (t) => [index("notification_fan_outs_pending_idx").on(t.doneAt, t.createdAt)],
);

export const inboundEmails = pgTable("inbound_emails", {
  messageId: text("message_id").primaryKey(),
  userId: integer("user_id").references(() => users.id, { onDelete: "set null" }),
  outcome: text("outcome", { enum: INBOUND_OUTCOMES }).notNull(),
  detail: text("detail"),
  resultId: integer("result_id"),
  receivedAt: timestampMs("received_at").notNull(),
});
