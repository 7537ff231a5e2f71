/**
 * Notifications: the in-app bell, and the email each one may bring (through the outbox, see
 * outbox.server.ts). `notify` runs inside the caller's write: a notification exists exactly when
 * the change it reports was committed. Nobody is told of their own actions.
 */
import { and, count, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import {
  emailOptOuts,
  followUpSurveys,
  notifications,
  posts,
  threads,
  users,
  type NotificationKind,
  type SurveyKind,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, preparedPerConnection, read, writeUnseenByVisitors } from "~/lib/db.server";
import { NotFoundError } from "~/lib/errors.server";
import { escapeXml } from "~/lib/xml.server";
import { ensureSignedIn, visiblePostsCondition, visibleThreadsCondition, type Actor } from "~/lib/permissions.server";
import { queueNotificationEmails } from "./outbox.server";
import type { ReplySubject } from "./reply-address.server";

const SURVEY_EMAIL_GAP_MS = 7 * 24 * 3600_000;

/** Something written in Markdown on the site (a private message, a note), with its sanitized HTML. */
export type Writing = { markdown: string; html: string };

/**
 * A notification's email text that quotes `writing` after the line `intro` ("alex wrote:"): the
 * Markdown as written in the text part, its rendered HTML in the HTML part.
 */
export const quoting = (intro: string, writing: Writing) => ({
  emailText: `${intro}\n\n${writing.markdown}`,
  emailHtml: `<p>${escapeXml(intro)}</p>\n${writing.html}`,
});

export type Notification = {
  userId: number;
  kind: NotificationKind;
  title: string;
  /** Where it points, a path on the site. */
  path: string;
  /** Why this person is told, as they read it. */
  reason: string;
  /** Who did it (never told themselves); null when nobody did (a job, a rule). */
  actorId: number | null;
  /** The post it is about: its text is the email's body, checked again for the reader when sent. */
  postId?: number | null;
  threadId?: number | null;
  /** The email's text when it is not about a post. */
  emailText?: string;
  /** The same as sanitized HTML, when it quotes something written in Markdown (`quoting`). */
  emailHtml?: string;
  /** What it is about: emails about one subject gather, and a reply goes there. */
  about?: ReplySubject | null;
  /** In the app only (a tracked thread). */
  bellOnly?: boolean;
};

/**
 * Tells a person about something: always in the app (unless they did it themselves); by email too
 * unless it is bell-only or they opted out of this kind. Returns whether an email was queued.
 */
export async function notify(notification: Notification, at = now()) {
  return (await notifyAll([notification], at))[0];
}

/**
 * `notify` for many at once, in one write of a few statements whatever their number (a fan-out
 * tells its readers 50 at a time). Returns, by position, whether each one's email was queued.
 */
export async function notifyAll(list: Notification[], at = now()): Promise<boolean[]> {
  // By position in `list`: the same notification may be passed twice, and is then told twice.
  const told = list.flatMap((notification, position) =>
    notification.actorId === notification.userId ? [] : [{ notification, position }],
  );
  if (told.length === 0) return list.map(() => false);
  return inWrite(async (db) => {
    const mayEmail = [
      ...new Set(
        told.filter(({ notification }) => !notification.bellOnly).map(({ notification }) => notification.userId),
      ),
    ];
    const recipients = new Map(
      mayEmail.length === 0
        ? []
        : (
            await db
              .select({ id: users.id, email: users.email, confirmedAt: users.emailConfirmedAt })
              .from(users)
              .where(inArray(users.id, mayEmail))
          ).map((user) => [user.id, user]),
    );
    const optedOut = new Set(
      mayEmail.length === 0
        ? []
        : (
            await db
              .select({ userId: emailOptOuts.userId, kind: emailOptOuts.kind })
              .from(emailOptOuts)
              .where(inArray(emailOptOuts.userId, mayEmail))
          ).map((row) => `${row.userId} ${row.kind}`),
    );
    const emailed = told.filter(({ notification }) => {
      const recipient = recipients.get(notification.userId);
      // An address nobody has confirmed gets nothing: whoever signed up with it may not own it.
      return (
        !notification.bellOnly && recipient?.confirmedAt && !optedOut.has(`${notification.userId} ${notification.kind}`)
      );
    });
    const emailIds = await queueNotificationEmails(
      emailed.map(({ notification }) => ({
        user: recipients.get(notification.userId)!,
        kind: notification.kind,
        title: notification.title,
        about: notification.about ?? null,
      })),
      at,
    );
    const emailIdAt = new Map(emailed.map(({ position }, i) => [position, emailIds[i]]));
    await db.insert(notifications).values(
      told.map(({ notification, position }) => ({
        userId: notification.userId,
        kind: notification.kind,
        title: notification.title,
        url: notification.path,
        reason: notification.reason,
        actorId: notification.actorId,
        postId: notification.postId ?? null,
        threadId: notification.threadId ?? null,
        emailText: notification.emailText ?? null,
        emailHtml: notification.emailHtml ?? null,
        emailId: emailIdAt.get(position) ?? null,
        createdAt: at,
      })),
    );
    return list.map((_, position) => emailIdAt.has(position));
  });
}

/**
 * The resolution email: the satisfaction question when the customer has had none in the last
 * 7 days, else a plain "resolved" notice. Either way the in-app notification asks for the rating.
 */
export async function notifyResolved(
  followUpId: number,
  customerId: number,
  threadTitle: string,
  kind: SurveyKind,
  at = now(),
) {
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
        {
          userId: customerId,
          kind: "survey",
          title: `${kind === "support" ? "How did we do?" : "Did it work?"} Resolved: ${threadTitle}`,
          path,
          reason: "You asked us to follow up this question.",
          actorId: null,
          emailText:
            kind === "support"
              ? `We have resolved your follow-up about "${threadTitle}". One question, from 1 to 5: how well did we help? And if it is not solved after all, the same page has an "It is still not solved" button that reopens it.`
              : `Your follow-up about "${threadTitle}" is resolved: an answer from the community was marked as the solution. One question, yes or no: did the community's answer solve it? If it did not, the same page has an "It is still not solved" button that reopens it for our support team.`,
          about: { kind: "follow-up", followUpId },
        },
        at,
      );
      if (emailed)
        await db.update(followUpSurveys).set({ emailedAt: at }).where(eq(followUpSurveys.followUpId, followUpId));
      return;
    }
    await notify(
      {
        userId: customerId,
        kind: "follow-up-resolved",
        title: `Resolved: ${threadTitle}`,
        path,
        reason: "You asked us to follow up this question.",
        actorId: null,
        emailText: `We have resolved your follow-up about "${threadTitle}". If it is not solved after all, the page has an "It is still not solved" button that reopens it.`,
        about: { kind: "follow-up", followUpId },
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

/** A notification whose post or thread the reader may no longer see keeps its place, not its words. */
const GONE = "A post you were told about is no longer available.";

export async function listNotifications(actor: Actor) {
  ensureSignedIn(actor);
  // Conditions joined with and(), which leaves out an absent one, rather than `?? sql\`1\``: PostgreSQL
  // takes no integer for a truth value.
  const threadSeen = and(eq(threads.id, notifications.threadId), visibleThreadsCondition(actor));
  const postSeen = and(eq(posts.id, notifications.postId), visiblePostsCondition(actor));
  const rows = await read((db) =>
    db
      .select({
        id: notifications.id,
        title: notifications.title,
        kind: notifications.kind,
        reason: notifications.reason,
        createdAt: notifications.createdAt,
        readAt: notifications.readAt,
        // Titles are written when the news is: checked again on every read, in this one query.
        gone: sql<number>`(${notifications.threadId} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${threads} WHERE ${threadSeen}))
          OR (${notifications.postId} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${posts} WHERE ${postSeen}))`,
      })
      .from(notifications)
      .where(eq(notifications.userId, actor.id))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(50),
  );
  return rows.map(({ gone, ...row }) => (gone ? { ...row, title: GONE, reason: null } : row));
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
