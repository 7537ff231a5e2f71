/**
 * The email outbox. A notification's email is queued in the write that made the news; the mail job
 * sends it after commit. Emails about one thread or follow-up gather: a notification joins the
 * person's email about the same subject while that email is still waiting, and a new email about a
 * subject emailed in the last 10 minutes waits until those 10 minutes are over, so a burst becomes
 * one or two emails (news someone is waiting on, `goesAtOnce`, does not wait). Notification emails
 * are written when they are sent, from the notifications they gather, and each post in them is
 * checked again then: a post hidden meanwhile is left out, and an email left with nothing is not
 * sent.
 */
import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, or, sql } from "drizzle-orm";
import { emailOptOuts, emailOutbox, followUps, notifications, users, type NotificationKind } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { composeEmail, htmlToText, type EmailItem } from "~/lib/email-layout.server";
import { afterCommit, firstRow, inWrite, oneRow, read, writeUnseenByVisitors } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { NotFoundError } from "~/lib/errors.server";
import { log } from "~/lib/log.server";
import { runSoon } from "~/lib/run-soon.server";
import { SITE_NAME } from "~/lib/site";
import { deliverEmail, withSmtpConnections } from "~/lib/mail.server";
import { canViewFollowUp, isStaff, type Member } from "~/lib/permissions.server";
import { findPostInThread } from "~/models/shared/posts.server";
import { unsubscribeUrl } from "./email-preferences.server";
import { replyAddressFor, type ReplySubject } from "./reply-address.server";
import { REPLY_ABOVE_THIS_LINE } from "./reply-text.server";
import { NOTIFICATION_KIND_LABELS } from "./rules";
import { memberColumns } from "~/models/accounts/member-columns.server";

export const COALESCE_WINDOW_MS = 10 * 60_000;
/**
 * News that someone is waiting on goes at once, gathered only while unsent: staff work the follow-up
 * queue to a promise, and support's reply is what the customer waits for. Staff usually take a
 * follow-up and then write seconds later: held behind the "taken" email, their question reached the
 * customer ten minutes late while the follow-up already showed "waiting on customer".
 */
const goesAtOnce = (kind: NotificationKind) => kind.startsWith("staff-") || kind === "follow-up-reply";
const CLAIM_TIMEOUT_MS = 5 * 60_000;
const MAX_ATTEMPTS = 5;

const keyOf = (about: ReplySubject) =>
  about.kind === "thread" ? `thread:${about.threadId}` : `follow-up:${about.followUpId}`;

/** One email to queue: to `user`, for a notification of `kind` titled `title`, about `about`. */
export type EmailToQueue = {
  user: { id: number; email: string };
  kind: NotificationKind;
  title: string;
  about: ReplySubject | null;
};

/**
 * Queues the email of each of `items` and returns the outbox id of each, by position: the waiting
 * email to the same person about the same subject (several items of one person and subject share
 * one), or a new one. Inside the caller's write, in a few statements however many items there are:
 * a fan-out to thousands holds the write lock for one batch's few round trips, not a dozen per reader.
 */
export async function queueNotificationEmails(items: EmailToQueue[], at: Date): Promise<number[]> {
  if (items.length === 0) return [];
  return inWrite(async (db) => {
    const emailIds = new Array<number>(items.length);
    // Items gathered per person and subject; items with no subject each get an email of their own.
    const groups = new Map<string, { userId: number; subjectKey: string; positions: number[] }>();
    const unkeyed: number[] = [];
    items.forEach((item, position) => {
      if (!item.about) return unkeyed.push(position);
      const subjectKey = keyOf(item.about);
      const key = `${item.user.id} ${subjectKey}`;
      const group = groups.get(key) ?? { userId: item.user.id, subjectKey, positions: [] };
      group.positions.push(position);
      groups.set(key, group);
    });
    const userIds = [...new Set([...groups.values()].map((group) => group.userId))];
    const subjectKeys = [...new Set([...groups.values()].map((group) => group.subjectKey))];
    // Newest first, so the first row seen per person and subject is the one to use.
    const waiting = new Map<string, { id: number; sendAfter: Date }>();
    const recent = new Map<string, Date>();
    if (groups.size > 0) {
      const sameSubject = and(inArray(emailOutbox.userId, userIds), inArray(emailOutbox.subjectKey, subjectKeys));
      for (const row of await db
        .select({
          id: emailOutbox.id,
          userId: emailOutbox.userId,
          subjectKey: emailOutbox.subjectKey,
          sendAfter: emailOutbox.sendAfter,
        })
        .from(emailOutbox)
        .where(
          and(
            sameSubject,
            isNull(emailOutbox.sentAt),
            isNull(emailOutbox.claimedAt),
            // One that failed for good takes no more news.
            lt(emailOutbox.attempts, MAX_ATTEMPTS),
          ),
        )
        .orderBy(desc(emailOutbox.id))) {
        const key = `${row.userId} ${row.subjectKey}`;
        if (!waiting.has(key)) waiting.set(key, row);
      }
      for (const row of await db
        .select({ userId: emailOutbox.userId, subjectKey: emailOutbox.subjectKey, createdAt: emailOutbox.createdAt })
        .from(emailOutbox)
        .where(and(sameSubject, gt(emailOutbox.createdAt, new Date(at.getTime() - COALESCE_WINDOW_MS))))
        .orderBy(desc(emailOutbox.createdAt))) {
        const key = `${row.userId} ${row.subjectKey}`;
        if (!recent.has(key)) recent.set(key, row.createdAt);
      }
    }
    let dueNow = false;
    const sendNow: number[] = [];
    const newEmails: (typeof emailOutbox.$inferInsert)[] = [];
    for (const [key, group] of groups) {
      const urgent = group.positions.some((position) => goesAtOnce(items[position].kind));
      const joined = waiting.get(key);
      if (joined) {
        for (const position of group.positions) emailIds[position] = joined.id;
        if (urgent && joined.sendAfter > at) sendNow.push(joined.id);
        continue;
      }
      // A subject emailed in the last 10 minutes waits out those minutes, unless news that goes at
      // once is in it.
      const emailedAt = recent.get(key);
      const first = items[group.positions[0]];
      newEmails.push(
        await newEmail(
          first,
          group.subjectKey,
          urgent || !emailedAt ? at : new Date(emailedAt.getTime() + COALESCE_WINDOW_MS),
          at,
        ),
      );
    }
    if (sendNow.length > 0) {
      await db.update(emailOutbox).set({ sendAfter: at }).where(inArray(emailOutbox.id, sendNow));
      dueNow = true;
    }
    if (newEmails.length > 0) {
      const inserted = await db.insert(emailOutbox).values(newEmails).returning({
        id: emailOutbox.id,
        userId: emailOutbox.userId,
        subjectKey: emailOutbox.subjectKey,
        sendAfter: emailOutbox.sendAfter,
      });
      // Matched by person and subject, one new email each: RETURNING promises no order.
      for (const email of inserted) {
        for (const position of groups.get(`${email.userId} ${email.subjectKey}`)!.positions)
          emailIds[position] = email.id;
        if (email.sendAfter <= at) dueNow = true;
      }
    }
    for (const position of unkeyed) {
      emailIds[position] = oneRow(
        await db
          .insert(emailOutbox)
          .values(await newEmail(items[position], null, at, at))
          .returning({ id: emailOutbox.id }),
      ).id;
      dueNow = true;
    }
    if (dueNow) afterCommit(() => sendEmailsSoon.request());
    return emailIds;
  });
}

async function newEmail(item: EmailToQueue, subjectKey: string | null, sendAfter: Date, at: Date) {
  return {
    userId: item.user.id,
    kind: item.kind,
    toAddress: item.user.email,
    subject: item.title,
    text: "",
    subjectKey,
    // A reply to it is posted where it points: an answer in the thread, a private message on the follow-up.
    replyTo: item.about ? await replyAddressFor(item.user.id, item.about) : null,
    sendAfter,
    createdAt: at,
  } satisfies typeof emailOutbox.$inferInsert;
}

/** In a process running background jobs, an email due now is sent straight after commit (`enable`). */
// One batch each time: after a fan-out to thousands, the rest go with the job every minute.
export const sendEmailsSoon = runSoon("send-emails", (stopping) => sendPendingEmails(now(), 50, stopping));

/** Batches per run of the mail job: 2,000 emails, about ten seconds at the measured rate. */
const BATCHES_PER_RUN = 40;

/** The mail job's run: batch after batch until none is due (or 40 batches, the rest next time), or `stopping`. */
export async function sendDueEmails(at = now(), stopping?: AbortSignal) {
  const total = { sent: 0, failed: 0, skipped: 0 };
  for (let batch = 0; batch < BATCHES_PER_RUN && !stopping?.aborted; batch += 1) {
    const result = await sendPendingEmails(at, 50, stopping);
    total.sent += result.sent;
    total.failed += result.failed;
    total.skipped += result.skipped;
    if (result.sent + result.failed + result.skipped === 0) break;
  }
  return total;
}

type OutboxRow = typeof emailOutbox.$inferSelect;
type Composed = { to: string; subject: string; text: string; html: string | null };

/**
 * The follow-up an email is about, as it is now: null when the reader may no longer see it (a staff
 * member who left); `undefined` when the email is not about a follow-up.
 */
async function followUpOf(reader: Member, subjectKey: string | null) {
  if (!subjectKey?.startsWith("follow-up:")) return undefined;
  const followUpId = Number(subjectKey.slice("follow-up:".length));
  const followUp = firstRow(
    await read((db) =>
      db
        .select({ customerId: followUps.customerId, status: followUps.status })
        .from(followUps)
        .where(eq(followUps.id, followUpId)),
    ),
  );
  return followUp && canViewFollowUp(reader, followUp) ? followUp : null;
}

/** Links in written text are paths on this site (a mention's profile): in an email they need the site's address. */
const withSiteLinks = (html: string) => html.replace(/href="\//g, `href="${publicUrl()}/`);

/** News that a follow-up was resolved is stale once it was reopened before the email went. */
const RESOLUTION_KINDS: ReadonlySet<NotificationKind> = new Set(["survey", "follow-up-resolved"]);

/**
 * The email as it is sent, to the address the person has now: the notifications it gathers that
 * they still want by email, each post checked again for them, and nothing about a follow-up they may
 * no longer see; null when nothing is left to tell. An email that gathers no notification (a
 * digest) is sent as it was written.
 */
async function composeOutboxEmail(email: OutboxRow): Promise<Composed | null> {
  const recipient = firstRow(
    await read((db) =>
      db
        .select({
          ...memberColumns,
          email: users.email,
        })
        .from(users)
        .where(eq(users.id, email.userId)),
    ),
  );
  if (!recipient) return null;
  const { email: to, ...member } = recipient;
  const gathered = await read((db) =>
    db.select().from(notifications).where(eq(notifications.emailId, email.id)).orderBy(asc(notifications.id)),
  );
  if (gathered.length === 0) return { to, subject: email.subject, text: email.text, html: email.html };
  const reader: Member = { kind: "user", ...member };
  const followUp = await followUpOf(reader, email.subjectKey);
  if (followUp === null) return null;
  const optedOut = new Set(
    (
      await read((db) =>
        db.select({ kind: emailOptOuts.kind }).from(emailOptOuts).where(eq(emailOptOuts.userId, email.userId)),
      )
    ).map((row) => row.kind),
  );
  const items: EmailItem[] = [];
  const reasons = new Set<string>();
  for (const notification of gathered) {
    if (optedOut.has(notification.kind)) continue;
    if (RESOLUTION_KINDS.has(notification.kind) && followUp && followUp.status !== "resolved") continue;
    const link = { url: `${publicUrl()}${notification.url}`, label: "Open it on the site" };
    if (notification.postId === null) {
      items.push({
        heading: notification.title,
        bodyHtml: notification.emailHtml === null ? undefined : withSiteLinks(notification.emailHtml),
        bodyText: notification.emailText ?? notification.title,
        link,
      });
    } else {
      try {
        const post = await findPostInThread(reader, notification.postId);
        const bodyHtml = withSiteLinks(post.bodyHtml);
        items.push({ heading: notification.title, bodyHtml, bodyText: htmlToText(bodyHtml), link });
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        continue;
      }
    }
    if (notification.reason) reasons.add(notification.reason);
  }
  if (items.length === 0) return null;
  const content = composeEmail({
    username: recipient.username,
    intro: items.length === 1 ? "There is news for you:" : `There are ${items.length} new things for you:`,
    items,
    reason: [...reasons].join(" ") || `You get this email because you have an account on ${SITE_NAME}.`,
    unsubscribe: {
      url: await unsubscribeUrl(email.userId, email.kind),
      label: `Stop emails for “${NOTIFICATION_KIND_LABELS[email.kind]}” (one click)`,
    },
    replyHint: email.replyTo ? replyHintFor(email.subjectKey, reader) : undefined,
  });
  const subject = items.length === 1 ? items[0].heading : `${items[0].heading} (and ${items.length - 1} more)`;
  return { to, subject, ...content };
}

function replyHintFor(subjectKey: string | null, reader: Member) {
  const where = !subjectKey?.startsWith("follow-up:")
    ? "Reply to this email to post an answer in the thread, as if you wrote it on the site."
    : isStaff(reader)
      ? "Reply to this email to write to the customer privately on the follow-up."
      : "Reply to this email to write to support privately.";
  return `${REPLY_ABOVE_THIS_LINE}\n${where}`;
}

// Emails of a batch in flight at once, each over its own SMTP connection. One: four at once showed
// no gain this machine could measure (120-174 -> 143-196 emails/s, alternated, load 8-10), and on
// SQLite a locked database blocks the event loop once per email in flight (CI saw a request reset
// beside it). The senders take turns from one claim either way.
export const SENT_AT_ONCE = 1;

/**
 * The mail job: claims a batch of due emails (so no other sender takes them), writes and sends
 * them after the claim commits, a few at a time, and records each outcome as soon as it is known.
 * A failed email is retried on later runs. When `stopping` is aborted (the process is stopping), it
 * ends after the emails being sent and gives the rest of its claim back, so another process sends
 * them at once rather than after the claim times out. Several processes run this at once: the claim
 * reads then marks the rows, which holds only because every write takes the database's one write
 * lock (DECISIONS.md #63, #65).
 */
export async function sendPendingEmails(at = now(), batchSize = 50, stopping?: AbortSignal) {
  const claimable = and(
    isNull(emailOutbox.sentAt),
    lt(emailOutbox.attempts, MAX_ATTEMPTS),
    lte(emailOutbox.sendAfter, at),
    or(isNull(emailOutbox.claimedAt), lt(emailOutbox.claimedAt, new Date(at.getTime() - CLAIM_TIMEOUT_MS))),
  );
  const batch = await writeUnseenByVisitors(async (db) => {
    const rows = await db.select().from(emailOutbox).where(claimable).orderBy(asc(emailOutbox.id)).limit(batchSize);
    if (rows.length > 0)
      await db
        .update(emailOutbox)
        .set({ claimedAt: at, attempts: sql`${emailOutbox.attempts} + 1` })
        .where(
          and(
            claimable,
            inArray(
              emailOutbox.id,
              rows.map((row) => row.id),
            ),
          ),
        );
    return rows;
  });
  const outcome = { sent: 0, failed: 0, skipped: 0 };
  if (batch.length === 0) return outcome;
  let started = 0;
  // A sender that cannot even record an outcome (the database gone) stops the others after the
  // emails they have in hand; the rest of the claim is given back, then the error is thrown.
  let broken = null as { error: unknown } | null;
  await withSmtpConnections(SENT_AT_ONCE, async () => {
    const sender = async () => {
      while (started < batch.length && !stopping?.aborted && !broken) {
        try {
          outcome[await sendOutboxEmail(batch[started++])] += 1;
        } catch (error) {
          broken ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(SENT_AT_ONCE, batch.length) }, sender));
  });
  if (started < batch.length) {
    try {
      await releaseClaims(batch.slice(started));
    } catch (error) {
      // With the database gone the claims wait out their timeout; the error that broke the batch is the one to report.
      if (!broken) throw error;
      log.error("claimed emails not given back: they are sent after the claim times out", { error });
    }
  }
  if (broken) throw broken.error;
  return outcome;
}

/** Writes and sends one claimed email and records what happened. */
async function sendOutboxEmail(email: OutboxRow): Promise<"sent" | "failed" | "skipped"> {
  try {
    const composed = await composeOutboxEmail(email);
    if (!composed) {
      await markOutboxEmail(email.id, {
        sentAt: now(),
        lastError: "nothing left to send: what it told of is gone",
      });
      return "skipped";
    }
    const unsubscribe = await unsubscribeUrl(email.userId, email.kind);
    await deliverEmail({
      to: composed.to,
      subject: composed.subject,
      text: composed.text,
      html: composed.html ?? undefined,
      replyTo: email.replyTo ?? undefined,
      headers: { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    const { to: toAddress, ...written } = composed;
    await markOutboxEmail(email.id, { ...written, toAddress, sentAt: now(), lastError: null });
    return "sent";
  } catch (error) {
    log.error("email not sent", { emailId: email.id, kind: email.kind, error });
    // Tried again later, later each time (1, 4, 9, 16 minutes): a mail server down for a minute
    // must not use up every attempt at once.
    await markOutboxEmail(email.id, {
      claimedAt: null,
      lastError: String(error),
      sendAfter: new Date(now().getTime() + (email.attempts + 1) ** 2 * 60_000),
    });
    return "failed";
  }
}

/** Gives back claimed emails that were not tried: unclaimed, their attempt not counted. */
async function releaseClaims(emails: OutboxRow[]) {
  await writeUnseenByVisitors(async (db) => {
    for (const email of emails)
      await db
        .update(emailOutbox)
        .set({ claimedAt: null, attempts: email.attempts })
        .where(and(eq(emailOutbox.id, email.id), isNull(emailOutbox.sentAt)));
  });
}

async function markOutboxEmail(id: number, changes: Partial<OutboxRow>) {
  await writeUnseenByVisitors(async (db) => {
    await db.update(emailOutbox).set(changes).where(eq(emailOutbox.id, id));
  });
}
