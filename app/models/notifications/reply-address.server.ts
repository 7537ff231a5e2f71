/**
 * Reply addresses: `reply+<token>@<REPLY_TO_DOMAIN>`, one per recipient and thread (or follow-up),
 * so a reply by email says who wrote it and where it goes without any state kept per email.
 * Invariants:
 * - the token is `<t|f><subject id>-<user id>-<mac>`: ids in base 36, the MAC the first 100 bits of
 *   HMAC-SHA256 over (user, subject) with the installation's "reply-key", in lowercase base 32; all
 *   lowercase, because many mail servers lower-case the local part (so any case reads back);
 * - the local part stays within 64 characters (RFC 5321) for any ids up to 2^53;
 * - a MAC is compared in constant time; an address with a non-canonical id, another domain, or a
 *   bad MAC is not ours (null), whatever else it looks like.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { replyDomain } from "~/lib/env.server";
import { siteSecret } from "./site-secrets.server";

export type ReplySubject = { kind: "thread"; threadId: number } | { kind: "follow-up"; followUpId: number };

const LOCAL_PREFIX = "reply+";
const MAC_CHARACTERS = 20; // 20 × 5 bits = 100 bits
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";
const TOKEN = /^([tf])([0-9a-z]{1,11})-([0-9a-z]{1,11})-([a-z2-7]{20})$/;

function base32(bytes: Buffer, characters: number) {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < characters) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
    if (out.length === characters) break;
  }
  return out;
}

const subjectKey = (subject: ReplySubject) =>
  subject.kind === "thread" ? `t${subject.threadId.toString(36)}` : `f${subject.followUpId.toString(36)}`;

async function macFor(userId: number, subject: ReplySubject) {
  const digest = createHmac("sha256", await siteSecret("reply-key"))
    .update(`hearth-reply:v1:${userId}:${subjectKey(subject)}`)
    .digest();
  return base32(digest, MAC_CHARACTERS);
}

/** The Reply-To address for `userId` about `subject`: reply+<token>@<domain>. */
export async function replyAddressFor(userId: number, subject: ReplySubject): Promise<string> {
  return `${LOCAL_PREFIX}${subjectKey(subject)}-${userId.toString(36)}-${await macFor(userId, subject)}@${replyDomain()}`;
}

/** The bare address inside `"Name" <address>` (or the whole string), lower-cased and trimmed. */
export function bareAddress(address: string): string {
  const angle = /<([^<>]*)>\s*$/.exec(address);
  return (angle ? angle[1] : address).trim().toLowerCase();
}

/** True for an address at our reply domain that has the form of a reply address (signed or not). */
export function looksLikeReplyAddress(address: string): boolean {
  const bare = bareAddress(address);
  return bare.startsWith(LOCAL_PREFIX) && bare.endsWith(`@${replyDomain()}`);
}

function positiveId(text: string): number | null {
  const id = parseInt(text, 36);
  // Canonical form only (no leading zeros), so one subject has exactly one token.
  return Number.isSafeInteger(id) && id > 0 && id.toString(36) === text ? id : null;
}

/** Reads a reply address (any case, with or without display name); null when it is not one of ours or its signature fails. */
export async function readReplyAddress(address: string): Promise<{ userId: number; subject: ReplySubject } | null> {
  const bare = bareAddress(address);
  const at = bare.lastIndexOf("@");
  if (at === -1 || bare.slice(at + 1) !== replyDomain()) return null;
  const local = bare.slice(0, at);
  if (!local.startsWith(LOCAL_PREFIX) || local.length > 64) return null;
  const match = TOKEN.exec(local.slice(LOCAL_PREFIX.length));
  if (!match) return null;
  const [, kind, subjectText, userText, mac] = match;
  const subjectId = positiveId(subjectText);
  const userId = positiveId(userText);
  if (subjectId === null || userId === null) return null;
  const subject: ReplySubject =
    kind === "t" ? { kind: "thread", threadId: subjectId } : { kind: "follow-up", followUpId: subjectId };
  const expected = Buffer.from(await macFor(userId, subject));
  return timingSafeEqual(expected, Buffer.from(mac)) ? { userId, subject } : null;
}
