/**
 * Replies by email: a message to a reply address becomes an answer in the thread, or a private
 * message on the follow-up, through the same model functions as the page (so the same permissions,
 * moderation holds, suspension, locks and rate limits). Invariants:
 * - one row in inbound_emails per Message-ID, inserted first in the write that posts: a message
 *   delivered twice, even at once, posts once; every refusal is recorded too;
 * - only the account's own address may reply with its token (a forwarded email cannot post);
 * - a refusal is answered by a bounce that says why, sent after commit, only to the sender when the
 *   token was valid or the sender is an account's address, at most `LIMITS.inboundBounce` an hour
 *   per address; machines' messages (auto-replies, bounces) are recorded and never answered;
 * - anything but a refusal (the database busy, a bug) throws, so the mail server tries again.
 */
import { eq } from "drizzle-orm";
import { inboundEmails, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read, writeUnseenByVisitors } from "~/lib/db.server";
import {
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  RateLimitError,
  ValidationError,
} from "~/lib/errors.server";
import { publicUrl } from "~/lib/env.server";
import { log } from "~/lib/log.server";
import { isStaff, isSuspended, type Member } from "~/lib/permissions.server";
import { countAttempt, LIMITS } from "~/lib/rate-limit.server";
import { SITE_NAME } from "~/lib/site";
import { postAnswer } from "~/models/community/posts.server";
import { replyOnFollowUp } from "~/models/support/messages.server";
import { sendBounce } from "./inbound-bounce.server";
import { readMessage, type Delivery, type InboundMessage } from "./inbound-message.server";
import { looksLikeReplyAddress, readReplyAddress, type ReplySubject } from "./reply-address.server";

export type { Delivery } from "./inbound-message.server";

/** The largest message taken (attachments included: they are dropped, but a photo is common). */
export const MAX_INBOUND_BYTES = 5 * 1024 * 1024;

/** Appended to a reply that came with attachments, so readers know something was left out. */
export const ATTACHMENTS_NOTE = "_(Attachments sent by email are not shown.)_";

export type InboundResult =
  | { outcome: "posted"; messageId: string; resultId: number; held: boolean }
  | { outcome: "refused"; messageId: string; reason: string; bounced: boolean }
  | { outcome: "ignored"; messageId: string; reason: string }
  | { outcome: "duplicate"; messageId: string }
  | { outcome: "unparseable"; reason: string };

const siteLink = () => publicUrl();

const REASONS = {
  oversize: () =>
    `Your email is larger than ${MAX_INBOUND_BYTES / 1024 / 1024} MB, the most ${SITE_NAME} takes by email. Send a shorter reply without attachments, or post it on the site: ${siteLink()}`,
  noToken: () =>
    `We could not tell which question or request your reply was for: the address you wrote to is not one we gave out, or it was changed. Reply to one of our notification emails without changing the address, or post on the site: ${siteLink()}`,
  wrongSender: (from: string) =>
    `A reply to a notification sent to you came from ${from}, which is not your account's address, so it was not posted: replies are taken only from the address a notification went to, so that nobody can post in your name. If you forwarded the notification, whoever has it can try to reply; nothing they send is posted. To answer, reply from this address or post on the site: ${siteLink()}`,
  suspended: (until: Date) =>
    `Your account is suspended until ${until.toISOString().slice(0, 10)}, so it cannot post. You can still read the site.`,
  empty: () =>
    "Your reply had no text of its own once the quoted email and your signature were taken out. Write your reply above the quoted email.",
};

/** A model's refusal in the words of an email: the model's own message, made for a page, fits mostly. */
function reasonFor(error: DomainError, subject: ReplySubject): string {
  const place = subject.kind === "thread" ? "question" : "support request";
  if (error instanceof NotFoundError)
    return `The ${place} you replied to no longer exists, or you can no longer see it.`;
  if (error instanceof ValidationError) return Object.values(error.fieldErrors)[0] ?? error.message;
  if (error instanceof ConflictError && subject.kind === "follow-up")
    return "This support request is resolved. To reply, reopen it on the site first.";
  if (error instanceof ForbiddenError || error instanceof ConflictError || error instanceof RateLimitError)
    return error.message;
  return "It could not be posted.";
}

async function accountOf(where: { id: number } | { email: string }) {
  const condition = "id" in where ? eq(users.id, where.id) : eq(users.email, where.email);
  return firstRow(await read((db) => db.select().from(users).where(condition)));
}

/** The actor the session would make for this account. */
const memberOf = (user: typeof users.$inferSelect): Member => ({
  kind: "user",
  id: user.id,
  username: user.username,
  role: user.role,
  suspendedUntil: user.suspendedUntil,
  trustLevel: user.trustLevel,
});

async function post(actor: Member, subject: ReplySubject, body: string) {
  if (subject.kind === "thread") {
    const { postId, held } = await postAnswer(actor, subject.threadId, { body });
    return { resultId: postId, held };
  }
  // Only what the page lets this person send: a private message (staff's form also asks what then).
  const input = isStaff(actor) ? { body, visibility: "private", then: "waiting" } : { body, visibility: "private" };
  const { messageId } = await replyOnFollowUp(actor, subject.followUpId, input);
  return { resultId: messageId!, held: false };
}

type Plan = {
  message: InboundMessage;
  userId: number | null;
  /** Where a bounce may go (null: nowhere). */
  bounceTo: string | null;
  /**
   * Whether the bounce may quote what was sent: only to its own sender, proven by the token and the
   * account's address; a forged From must not make Hearth carry someone's text to a third party.
   */
  quote: boolean;
  /** Refused before trying, or ignored (a machine's message), or posted by `actor` on `subject`. */
  refusal?: string;
  ignored?: string;
  actor?: Member;
  subject?: ReplySubject;
};

async function plan(message: InboundMessage, oversize: boolean): Promise<Plan> {
  if (message.automatic) return { message, userId: null, bounceTo: null, quote: false, ignored: message.automatic };
  const from = message.from!;
  let token: Awaited<ReturnType<typeof readReplyAddress>> = null;
  for (const address of message.recipients) {
    if (looksLikeReplyAddress(address)) token = await readReplyAddress(address);
    if (token) break;
  }
  const account = token ? await accountOf({ id: token.userId }) : undefined;
  if (!token || !account) {
    // Answered only when the sender is someone's account: never to an arbitrary (forged) address.
    const sender = await accountOf({ email: from });
    return {
      message,
      userId: sender?.id ?? null,
      bounceTo: sender ? from : null,
      quote: false,
      refusal: REASONS.noToken(),
    };
  }
  const planned = { message, userId: account.id, bounceTo: from, quote: true };
  // From may be forged: the notice goes to the token's owner, never to the address it names.
  if (account.email.toLowerCase() !== from)
    return { ...planned, bounceTo: account.email, quote: false, refusal: REASONS.wrongSender(from) };
  if (oversize) return { ...planned, refusal: REASONS.oversize() };
  const actor = memberOf(account);
  if (isSuspended(actor)) return { ...planned, refusal: REASONS.suspended(actor.suspendedUntil!) };
  if (message.text === "") return { ...planned, refusal: REASONS.empty() };
  return { ...planned, actor, subject: token.subject };
}

/**
 * Handles one received email (`raw`: the RFC 822 message, or its first bytes when
 * `delivery.sizeBytes` says it is larger). Resolves with what happened; rejects only when it
 * should be tried again later (the database busy or unavailable).
 */
export async function receiveEmail(raw: Buffer, delivery: Delivery = {}): Promise<InboundResult> {
  const oversize = Math.max(raw.length, delivery.sizeBytes ?? 0) > MAX_INBOUND_BYTES;
  let message: InboundMessage;
  try {
    message = await readMessage(raw, delivery, oversize);
  } catch (error) {
    log.warn("inbound email unreadable", { error, bytes: raw.length });
    return { outcome: "unparseable", reason: "mailparser could not read it" };
  }
  if (!message.from) {
    log.warn("inbound email refused", { messageId: message.messageId, reason: "no sender address" });
    return { outcome: "unparseable", reason: "it names no sender (From)" };
  }
  const planned = await plan(message, oversize);
  const body = planned.subject && message.hasAttachments ? `${message.text}\n\n${ATTACHMENTS_NOTE}` : message.text;

  const settled = await writeUnseenByVisitors(async (db) => {
    const claimed = await db
      .insert(inboundEmails)
      .values({ messageId: message.messageId, userId: planned.userId, outcome: "refused", receivedAt: now() })
      .onConflictDoNothing()
      .returning({ messageId: inboundEmails.messageId });
    if (claimed.length === 0) return { outcome: "duplicate" as const };
    let refusal = planned.refusal ?? planned.ignored;
    let posted: { resultId: number; held: boolean } | null = null;
    if (planned.actor && planned.subject) {
      try {
        posted = await post(planned.actor, planned.subject, body);
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        refusal = reasonFor(error, planned.subject);
      }
    }
    await db
      .update(inboundEmails)
      .set(posted ? { outcome: "posted", resultId: posted.resultId } : { outcome: "refused", detail: refusal })
      .where(eq(inboundEmails.messageId, message.messageId));
    if (posted) return { outcome: "posted" as const, ...posted };
    const bounce =
      !planned.ignored &&
      planned.bounceTo !== null &&
      (await countAttempt(`inbound-bounce:${planned.bounceTo}`, LIMITS.inboundBounce)) <= LIMITS.inboundBounce.max;
    return { outcome: "refused" as const, reason: refusal!, bounce };
  });

  const { messageId } = message;
  const context = { messageId, userId: planned.userId, from: message.from, subject: planned.subject };
  if (settled.outcome === "duplicate") {
    log.info("inbound email already handled", { messageId });
    return { outcome: "duplicate", messageId };
  }
  if (settled.outcome === "posted") {
    log.info("inbound email posted", { ...context, resultId: settled.resultId, held: settled.held });
    return { outcome: "posted", messageId, resultId: settled.resultId, held: settled.held };
  }
  if (planned.ignored) {
    log.info("inbound email ignored", { ...context, reason: planned.ignored });
    return { outcome: "ignored", messageId, reason: planned.ignored };
  }
  log.warn("inbound email refused", { ...context, reason: settled.reason, bounced: settled.bounce });
  if (settled.bounce) {
    await sendBounce({
      to: planned.bounceTo!,
      reason: settled.reason,
      subject: message.subject,
      messageId,
      text: planned.quote ? message.text : "",
    });
  }
  return { outcome: "refused", messageId, reason: settled.reason, bounced: settled.bounce };
}
