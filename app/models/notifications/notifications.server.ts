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
import { firstRow, inWrite, preparedPerConnection, read, writeUnseenByVisitors } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { log } from "~/lib/log.server";
import { deliverEmail } from "~/lib/mail.server";
import { ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { SITE_NAME } from "~/lib/site";

const SURVEY_EMAIL_GAP_MS = 7 * 24 * 3600_000;
const CLAIM_TIMEOUT_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

async function signingKey() {
  const key = () => read((db) => db.select().from(siteSecrets).where(eq(siteSecrets.name, "unsubscribe-key")));
  const existing = firstRow(await key());
  if (existing) return existing.value;
  // Made once, by whichever process needs it first (a second one's insert does nothing).
  await writeUnseenByVisitors((db) =>
    db
      .insert(siteSecrets)
      .values({ name: "unsubscribe-key", value: randomBytes(32).toString("hex") })
      .onConflictDoNothing(),
  );
  return firstRow(await key())!.value;
}

const tokenFor = async (userId: number, kind: NotificationKind) =>
  createHmac("sha256", await signingKey())
    .update(`${userId}:${kind}`)
    .digest("base64url");

export async function unsubscribeUrl(userId: number, kind: NotificationKind) {
  return `${publicUrl()}/unsubscribe?u=${userId}&k=${kind}&t=${await tokenFor(userId, kind)}`;
}

type Message = { title: string; path: string; emailText: string };

/**
 * Tells `userId` about something: always in the app; by email too unless they opted out of this
 * kind. Runs in the caller's transaction.
 */
export async function notify(userId: number, kind: NotificationKind, message: Message, at = now()) {
  return inWrite(async (db) => {
    await db.insert(notifications).values({ userId, kind, title: message.title, url: message.path, createdAt: at });
    const optedOut = firstRow(
      await db
        .select()
        .from(emailOptOuts)
        .where(and(eq(emailOptOuts.userId, userId), eq(emailOptOuts.kind, kind))),
    );
    if (optedOut) return false;
    const user = firstRow(
      await db.select({ email: users.email, username: users.username }).from(users).where(eq(users.id, userId)),
    );
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
      `Stop these emails (one click): ${await unsubscribeUrl(userId, kind)}`,
    ].join("\n");
    await db
      .insert(emailOutbox)
      .values({ userId, kind, toAddress: user.email, subject: message.title, text, createdAt: at });
    return true;
  });
}

/**
 * The resolution email: the satisfaction question when the customer has had none in the last
 * 7 days, else a plain "resolved" notice. Either way the in-app notification asks for the rating.
 */
export async function notifyResolved(followUpId: number, customerId: number, threadTitle: string, at = now()) {
  return inWrite(async (db) => {
    const since = new Date(at.getTime() - SURVEY_EMAIL_GAP_MS);
    const recentSurveyEmail = firstRow(
      await db
        .select({ id: followUpSurveys.followUpId })
        .from(followUpSurveys)
        .where(
          and(eq(followUpSurveys.customerId, customerId), sql`${followUpSurveys.emailedAt} >= ${since.getTime()}`),
        ),
    );
    const path = `/support/${followUpId}#survey`;
    if (!recentSurveyEmail) {
      const emailed = await notify(
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
        await db.update(followUpSurveys).set({ emailedAt: at }).where(eq(followUpSurveys.followUpId, followUpId));
      return;
    }
    await notify(
      customerId,
      "follow-up-resolved",
      {
        title: `Resolved: ${threadTitle}`,
        path,
        emailText: `We have resolved your follow-up about "${threadTitle}". If it is not solved after all, the page has a "still not solved" button that reopens it.`,
      },
      at,
    );
  });
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

export async function unreadNotificationCount(actor: Actor) {
  if (actor.kind !== "user") return 0;
  return firstRow(await unreadCount().execute({ userId: actor.id }))!.n;
}

export async function listNotifications(actor: Actor) {
  ensureSignedIn(actor);
  return await read((db) =>
    db
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
      .limit(50),
  );
}

/** Marks one notification read and returns where it points. */
export async function openNotification(actor: Actor, notificationId: number) {
  ensureSignedIn(actor);
  return writeUnseenByVisitors(async (db) => {
    const row = firstRow(
      await db
        .select()
        .from(notifications)
        .where(and(eq(notifications.id, notificationId), eq(notifications.userId, actor.id))),
    );
    if (!row) throw new NotFoundError("That notification does not exist.");
    if (!row.readAt) await db.update(notifications).set({ readAt: now() }).where(eq(notifications.id, notificationId));
    return row.url;
  });
}

export async function markAllNotificationsRead(actor: Actor) {
  ensureSignedIn(actor);
  await writeUnseenByVisitors(async (db) => {
    await db
      .update(notifications)
      .set({ readAt: now() })
      .where(and(eq(notifications.userId, actor.id), isNull(notifications.readAt)));
  });
}

/** Which kinds of email the actor gets. */
export async function emailPreferences(actor: Actor) {
  ensureSignedIn(actor);
  const off = new Set(
    (
      await read((db) =>
        db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, actor.id)),
      )
    ).map((row) => row.kind),
  );
  return NOTIFICATION_KINDS.map((kind) => ({ kind, email: !off.has(kind) }));
}

/** Saves the email checkboxes: a kind left unchecked is opted out. */
export async function saveEmailPreferences(actor: Actor, input: Record<string, string>) {
  ensureSignedIn(actor);
  const at = now();
  await writeUnseenByVisitors(async (db) => {
    for (const kind of NOTIFICATION_KINDS) {
      if (input[kind] === "on")
        await db.delete(emailOptOuts).where(and(eq(emailOptOuts.userId, actor.id), eq(emailOptOuts.kind, kind)));
      else await db.insert(emailOptOuts).values({ userId: actor.id, kind, createdAt: at }).onConflictDoNothing();
    }
  });
}

const unsubscribeSchema = z.object({
  u: z.coerce.number().int().positive(),
  k: z.enum(NOTIFICATION_KINDS),
  t: z.string().min(10).max(100),
});

/** Checks an unsubscribe link; returns who and what it is for, or throws a 400 for a bad link. */
export async function readUnsubscribeLink(input: unknown) {
  const parsed = unsubscribeSchema.safeParse(input);
  if (!parsed.success) throw new ValidationError({}, "This unsubscribe link is not valid.");
  const expected = Buffer.from(await tokenFor(parsed.data.u, parsed.data.k));
  const given = Buffer.from(parsed.data.t);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    throw new ValidationError({}, "This unsubscribe link is not valid.");
  return { userId: parsed.data.u, kind: parsed.data.k };
}

/** One-click unsubscribe: the signed link is the authority, no sign-in needed. */
export async function unsubscribe(input: unknown) {
  const { userId, kind } = await readUnsubscribeLink(input);
  await writeUnseenByVisitors(async (db) => {
    await db.insert(emailOptOuts).values({ userId, kind, createdAt: now() }).onConflictDoNothing();
  });
  return { kind };
}

/**
 * The mail job: claims a batch of unsent emails (so no other sender takes them), sends them after
 * the claim commits, and records each outcome. A failed email is retried on later runs.
 */
export async function sendPendingEmails(at = now(), batchSize = 50) {
  const batch = await writeUnseenByVisitors(async (db) => {
    const rows = await db
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
      .limit(batchSize);
    for (const row of rows)
      await db
        .update(emailOutbox)
        .set({ claimedAt: at, attempts: row.attempts + 1 })
        .where(eq(emailOutbox.id, row.id));
    return rows;
  });
  let sent = 0;
  let failed = 0;
  for (const email of batch) {
    const unsubscribe = await unsubscribeUrl(email.userId, email.kind);
    try {
      await deliverEmail({
        to: email.toAddress,
        subject: email.subject,
        text: email.text,
        headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
      });
      await writeUnseenByVisitors(async (db) => {
        await db.update(emailOutbox).set({ sentAt: now(), lastError: null }).where(eq(emailOutbox.id, email.id));
      });
      sent += 1;
    } catch (error) {
      failed += 1;
      log.error("email not sent", { emailId: email.id, kind: email.kind, error });
      await writeUnseenByVisitors(async (db) => {
        await db
          .update(emailOutbox)
          .set({ claimedAt: null, lastError: String(error) })
          .where(eq(emailOutbox.id, email.id));
      });
    }
  }
  return { sent, failed };
}
