/**
 * Reading one received email: its Message-ID (or a stable stand-in), whether a machine sent it
 * (auto-replies and bounces are dropped without an answer, or two robots write to each other
 * forever), the addresses it was sent to, its sender, and the text of the reply. Parsing is
 * mailparser's; an oversize message is read for its headers only.
 */
import { createHash } from "node:crypto";
import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { replyText } from "./reply-text.server";
import { cutToLength } from "~/lib/text";

/** What the mail server knew about the delivery (SMTP's envelope, or the pipe transport's). */
export type Delivery = {
  /** The envelope recipients (RCPT TO), when known: they win over the headers. */
  recipients?: string[];
  /** The envelope sender (MAIL FROM / Return-Path); an empty one ("<>") marks a bounce. */
  returnPath?: string | null;
  /** The message's whole size when `raw` holds only its beginning. */
  sizeBytes?: number;
};

export type InboundMessage = {
  messageId: string;
  subject: string;
  /** The sender's bare address, lower-cased; null when the message names none. */
  from: string | null;
  /** Every address it was delivered to, the envelope's first. */
  recipients: string[];
  /** Why it is a machine's message (auto-reply, bounce, list mail), or null for a person's. */
  automatic: string | null;
  /** The new text of the reply: quoted email and signature taken out. */
  text: string;
  hasAttachments: boolean;
};

const MAX_MESSAGE_ID_LENGTH = 250;
// The subjects out-of-office replies carry when their headers say nothing (Outlook, Gmail, Exchange).
const AUTO_REPLY_SUBJECT =
  /^\s*(auto:|automatic reply|autoreply|auto-reply|out of (the )?office|réponse automatique|automatische antwort|abwesenheitsnotiz|respuesta automática)/i;

/** The header section of a raw message (up to its first empty line), for reading an oversize one. */
function headerSection(raw: Buffer): Buffer {
  const end = raw.indexOf("\r\n\r\n") !== -1 ? raw.indexOf("\r\n\r\n") : raw.indexOf("\n\n");
  return Buffer.concat([end === -1 ? raw.subarray(0, 64 * 1024) : raw.subarray(0, end), Buffer.from("\r\n\r\n")]);
}

const addressesOf = (field: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(field) ? field : field ? [field] : []).flatMap((group) =>
    group.value.flatMap((entry) => [entry.address ?? "", ...(entry.group ?? []).map((member) => member.address ?? "")]),
  );

function headerText(parsed: ParsedMail, name: string): string[] {
  const values = parsed.headerLines.filter((line) => line.key === name).map((line) => line.line);
  return values.map((line) => line.slice(line.indexOf(":") + 1).trim());
}

/** Why `parsed` was sent by a machine (RFC 3834 and the headers auto-responders use in practice), or null. */
function automaticBecause(parsed: ParsedMail, delivery: Delivery, from: string | null): string | null {
  const header = (name: string) => headerText(parsed, name).join(" ").toLowerCase();
  const autoSubmitted = header("auto-submitted");
  if (autoSubmitted && autoSubmitted !== "no") return `Auto-Submitted: ${autoSubmitted}`;
  if (/\b(bulk|junk|list|auto_reply)\b/.test(header("precedence"))) return `Precedence: ${header("precedence")}`;
  for (const name of ["x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply"]) {
    if (headerText(parsed, name).length > 0) return `${name} header`;
  }
  if (/\b(all|oof|autoreply)\b/.test(header("x-auto-response-suppress"))) return "X-Auto-Response-Suppress";
  if (delivery.returnPath !== undefined && delivery.returnPath !== null && /^<?>?$/.test(delivery.returnPath.trim()))
    return "empty return path";
  if (headerText(parsed, "return-path").some((value) => /^<\s*>$/.test(value))) return "empty return path";
  if (from && /^(mailer-daemon|postmaster)@/.test(from)) return `sent by ${from}`;
  if (/multipart\/report/i.test(header("content-type"))) return "delivery report";
  if (AUTO_REPLY_SUBJECT.test(parsed.subject ?? "")) return `subject "${parsed.subject}"`;
  return null;
}

/** The message's own Message-ID, or a hash of the whole message when it has none (or an absurd one). */
function messageIdOf(parsed: ParsedMail, raw: Buffer): string {
  const id = parsed.messageId?.trim();
  if (id && id.length <= MAX_MESSAGE_ID_LENGTH) return id;
  return `<sha256-${createHash("sha256").update(raw).digest("hex")}@hearth.invalid>`;
}

/** Parses `raw` (only its headers when `oversize`); throws when mailparser cannot read it at all. */
export async function readMessage(raw: Buffer, delivery: Delivery, oversize: boolean): Promise<InboundMessage> {
  const parsed = await simpleParser(oversize ? headerSection(raw) : raw, {
    skipTextToHtml: true,
    skipTextLinks: true,
    skipImageLinks: true,
  });
  const from = parsed.from?.value.find((entry) => entry.address)?.address?.toLowerCase() ?? null;
  const recipients = [
    ...(delivery.recipients ?? []),
    ...headerText(parsed, "delivered-to"),
    ...headerText(parsed, "x-original-to"),
    ...addressesOf(parsed.to),
    ...addressesOf(parsed.cc),
  ].filter((address) => address !== "");
  return {
    messageId: messageIdOf(parsed, raw),
    subject: cutToLength((parsed.subject ?? "").replace(/[\r\n]+/g, " "), 200),
    from,
    recipients,
    automatic: automaticBecause(parsed, delivery, from),
    // mailparser gives the text/plain part, or the HTML part converted to text when there is none.
    text: oversize ? "" : replyText(parsed.text ?? ""),
    // Inline images of an HTML body (a signature's logo) are part of it, not attachments.
    hasAttachments: parsed.attachments.some((attachment) => !attachment.related),
  };
}
