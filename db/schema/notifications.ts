/**
 * Telling people what happened: in-app notifications (the bell), the email outbox, and per-kind
 * email opt-outs.
 * Invariants:
 * - an email is written to the outbox in the same transaction as the change it reports, and sent
 *   after commit by the mail job; `claimed_at` marks a batch being sent so two senders never send
 *   one email twice (a claim older than a few minutes is retried);
 * - email_opt_outs has a row when a person asked not to get that kind of email; in-app
 *   notifications are always kept;
 * - site_secrets holds values generated once per installation (the unsubscribe-link key).
 */
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { users } from "./users";

export const NOTIFICATION_KINDS = [
  "follow-up-opened",
  "follow-up-reply",
  "follow-up-status",
  "follow-up-resolved",
  "survey",
  "moderation",
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

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
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    readAt: integer("read_at", { mode: "timestamp_ms" }),
  },
  (t) => [index("notifications_user_idx").on(t.userId, t.readAt, t.createdAt)],
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
    createdAt: integer("created_at", { mode: "timestamp_ms" }).notNull(),
    claimedAt: integer("claimed_at", { mode: "timestamp_ms" }),
    sentAt: integer("sent_at", { mode: "timestamp_ms" }),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
  },
  (t) => [index("email_outbox_pending_idx").on(t.sentAt, t.claimedAt, t.id)],
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
