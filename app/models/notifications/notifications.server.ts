/**
 * Notifications: the in-app bell, emails through the outbox, and per-kind opt-outs with a signed
 * one-click unsubscribe link in every email. `notify` runs inside the caller's write transaction;
 * the mail job sends the outbox after commit (and retries what failed).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { and, asc, count, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import {
  emailOptOuts,
  emailOutbox,
  followUpSurveys,
  notifications,
  siteSecrets,
  users,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, preparedPerConnection, writeUnseenByVisitors } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { log } from "~/lib/log.server";
import { deliverEmail } from "~/lib/mail.server";
import { ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { SITE_NAME } from "~/lib/site";

const SURVEY_EMAIL_GAP_MS = 7 * 24 * 3600_000;
const CLAIM_TIMEOUT_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

function signingKey() {
  const db = getDb();
  const existing = db.select().from(siteSecrets).where(eq(siteSecrets.name, "unsubscribe-key")).get();
  if (existing) return existing.value;
  db.insert(siteSecrets)
    .values({ name: "unsubscribe-key", value: randomBytes(32).toString("hex") })
    .onConflictDoNothing()
    .run();
  return db.select().from(siteSecrets).where(eq(siteSecrets.name, "unsubscribe-key")).get()!.value;
}

const tokenFor = (userId: number, kind: NotificationKind) =>
  createHmac("sha256", signingKey()).update(`${userId}:${kind}`).digest("base64url");

export function unsubscribeUrl(userId: number, kind: NotificationKind) {
  return `${publicUrl()}/unsubscribe?u=${userId}&k=${kind}&t=${tokenFor(userId, kind)}`;
}

type Message = { title: string; path: string; emailText: string };

/**
 * Tells `userId` about something: always in the app; by email too unless they opted out of this
 * kind. Runs in the caller's transaction.
 */
export function notify(userId: number, kind: NotificationKind, message: Message, at = now()) {
  const db = getDb();
  db.insert(notifications).values({ userId, kind, title: message.title, url: message.path, createdAt: at }).run();
  const optedOut = db
    .select()
    .from(emailOptOuts)
    .where(and(eq(emailOptOuts.userId, userId), eq(emailOptOuts.kind, kind)))
    .get();
  if (optedOut) return false;
  const user = db
    .select({ email: users.email, username: users.username })
    .from(users)
    .where(eq(users.id, userId))
    .get();
  if (!user) return false;
  const text = [
    `Hello ${user.username},`,
    "",
    message.emailText,
    "",
    `${publicUrl()}${message.path}`,
    "",
    "--",
    `${SITE_NAME}. You get this email because of your account there.`,
    `Stop these emails (one click): ${unsubscribeUrl(userId, kind)}`,
  ].join("\n");
  db.insert(emailOutbox)
    .values({ userId, kind, toAddress: user.email, subject: message.title, text, createdAt: at })
    .run();
  return true;
}

/**
 * The resolution email: the satisfaction question when the customer has had none in the last
 * 7 days, else a plain "resolved" notice. Either way the in-app notification asks for the rating.
 */
export function notifyResolved(followUpId: number, customerId: number, threadTitle: string, at = now()) {
  const db = getDb();
  const since = new Date(at.getTime() - SURVEY_EMAIL_GAP_MS);
  const recentSurveyEmail = db
    .select({ id: followUpSurveys.followUpId })
    .from(followUpSurveys)
    .where(and(eq(followUpSurveys.customerId, customerId), sql`${followUpSurveys.emailedAt} >= ${since.getTime()}`))
    .get();
  const path = `/support/${followUpId}#survey`;
  if (!recentSurveyEmail) {
    const emailed = notify(
      customerId,
      "survey",
      {
        title: `How did we do? Resolved: ${threadTitle}`,
        path,
        emailText: `We have resolved your follow-up about "${threadTitle}". One question, from 1 to 5: how well did we help? And if it is not solved after all, the same page has a "still not solved" button that reopens it.`,
      },
      at,
    );
    if (emailed)
      db.update(followUpSurveys).set({ emailedAt: at }).where(eq(followUpSurveys.followUpId, followUpId)).run();
    return;
  }
  notify(
    customerId,
    "follow-up-resolved",
    {
      title: `Resolved: ${threadTitle}`,
      path,
      emailText: `We have resolved your follow-up about "${threadTitle}". If it is not solved after all, the page has a "still not solved" button that reopens it.`,
    },
    at,
  );
}

/** The bell: how many notifications the actor has not read. */
// Counted for the bell on every signed-in page: prepared once.
const unreadCount = preparedPerConnection((db) =>
  db
    .select({ n: count() })
    .from(notifications)
    .where(and(eq(notifications.userId, sql.placeholder("userId")), isNull(notifications.readAt)))
    .prepare(),
);

export function unreadNotificationCount(actor: Actor) {
  if (actor.kind !== "user") return 0;
  return unreadCount().get({ userId: actor.id })!.n;
}

export function listNotifications(actor: Actor) {
  ensureSignedIn(actor);
  return getDb()
    .select({
      id: notifications.id,
      title: notifications.title,
      kind: notifications.kind,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
    })
    .from(notifications)
    .where(eq(notifications.userId, actor.id))
    .orderBy(desc(notifications.createdAt), desc(notifications.id))
    .limit(50)
    .all();
}

/** Marks one notification read and returns where it points. */
export function openNotification(actor: Actor, notificationId: number) {
  ensureSignedIn(actor);
  return writeUnseenByVisitors(() => {
    const row = getDb()
      .select()
      .from(notifications)
      .where(and(eq(notifications.id, notificationId), eq(notifications.userId, actor.id)))
      .get();
    if (!row) throw new NotFoundError("That notification does not exist.");
    if (!row.readAt)
      getDb().update(notifications).set({ readAt: now() }).where(eq(notifications.id, notificationId)).run();
    return row.url;
  });
}

export function markAllNotificationsRead(actor: Actor) {
  ensureSignedIn(actor);
  writeUnseenByVisitors(() => {
    getDb()
      .update(notifications)
      .set({ readAt: now() })
      .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt)))
      .run();
  });
}

/** Which kinds of email the actor gets. */
export function emailPreferences(actor: Actor) {
  ensureSignedIn(actor);
  const off = new Set(
    getDb()
      .select({ kind: emailOptOuts.kind })
      .from(emailOptOuts)
      .where(eq(emailOptOuts.userId, actor.id))
      .all()
      .map((row) => row.kind),
  );
  return NOTIFICATION_KINDS.map((kind) => ({ kind, email: !off.has(kind) }));
}

/** Saves the email checkboxes: a kind left unchecked is opted out. */
export function saveEmailPreferences(actor: Actor, input: Record<string, string>) {
  ensureSignedIn(actor);
  const at = now();
  writeUnseenByVisitors(() => {
    const db = getDb();
    for (const kind of NOTIFICATION_KINDS) {
      if (input[kind] === "on")
        db.delete(emailOptOuts)
          .where(and(eq(emailOptOuts.userId, actor.id), eq(emailOptOuts.kind, kind)))
          .run();
      else db.insert(emailOptOuts).values({ userId: actor.id, kind, createdAt: at }).onConflictDoNothing().run();
    }
  });
}

const unsubscribeSchema = z.object({
  u: z.coerce.number().int().positive(),
  k: z.enum(NOTIFICATION_KINDS),
  t: z.string().min(10).max(100),
});

/** Checks an unsubscribe link; returns who and what it is for, or throws a 400 for a bad link. */
export function readUnsubscribeLink(input: unknown) {
  const parsed = unsubscribeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError({}, "This unsubscribe link is not valid.");
  const expected = Buffer.from(tokenFor(parsed.data.u, parsed.data.k));
  const given = Buffer.from(parsed.data.t);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new ValidationError({}, "This unsubscribe link is not valid.");
  return { userId: parsed.data.u, kind: parsed.data.k };
}

/** One-click unsubscribe: the signed link is the authority, no sign-in needed. */
export function unsubscribe(input: unknown) {
  const { userId, kind } = readUnsubscribeLink(input);
  writeUnseenByVisitors(() => {
    getDb().insert(emailOptOuts).values({ userId, kind, createdAt: now() }).onConflictDoNothing().run();
  });
  return { kind };
}

/**
 * The mail job: claims a batch of unsent emails (so no other sender takes them), sends them after
 * the claim commits, and records each outcome. A failed email is retried on later runs.
 */
export async function sendPendingEmails(at = now(), batchSize = 50) {
  const db = getDb();
  const batch = writeUnseenByVisitors(() => {
    const rows = db
      .select()
      .from(emailOutbox)
      .where(
        and(
          isNull(emailOutbox.sentAt),
          lt(emailOutbox.attempts, MAX_ATTEMPTS),
          or(isNull(emailOutbox.claimedAt), lt(emailOutbox.claimedAt, new Date(at.getTime() - CLAIM_TIMEOUT_MS))),
        ),
      )
      .orderBy(asc(emailOutbox.id))
      .limit(batchSize)
      .all();
    for (const row of rows)
      db.update(emailOutbox)
        .set({ claimedAt: at, attempts: row.attempts + 1 })
        .where(eq(emailOutbox.id, row.id))
        .run();
    return rows;
  });
  let sent = 0;
  let failed = 0;
  for (const email of batch) {
    const unsubscribe = unsubscribeUrl(email.userId, email.kind);
    try {
      await deliverEmail({
        to: email.toAddress,
        subject: email.subject,
        text: email.text,
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      writeUnseenByVisitors(() => {
        db.update(emailOutbox).set({ sentAt: now(), lastError: null }).where(eq(emailOutbox.id, email.id)).run();
      });
      sent += 1;
    } catch (error) {
      failed += 1;
      log.error("email not sent", { emailId: email.id, kind: email.kind, error });
      writeUnseenByVisitors(() => {
        db.update(emailOutbox)
          .set({ claimedAt: null, lastError: String(error) })
          .where(eq(emailOutbox.id, email.id))
          .run();
      });
    }
  }
  return { sent, failed };
}
