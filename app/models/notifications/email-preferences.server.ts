/**
 * Which kinds of email a person gets: per-kind opt-outs, set on the settings page or by the signed
 * one-click unsubscribe link every email carries (RFC 8058; the link is the authority, no sign-in).
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { emailOptOuts, NOTIFICATION_KINDS, type NotificationKind } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { read, writeUnseenByVisitors } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import { ensureSignedIn, isStaff, type Actor } from "~/lib/permissions.server";
import { siteSecret } from "./site-secrets.server";

const tokenFor = async (userId: number, kind: NotificationKind) =>
  createHmac("sha256", await siteSecret("unsubscribe-key"))
    .update(`${userId}:${kind}`)
    .digest("base64url");

export async function unsubscribeUrl(userId: number, kind: NotificationKind) {
  return `${publicUrl()}/unsubscribe?u=${userId}&k=${kind}&t=${await tokenFor(userId, kind)}`;
}

/** The kinds chosen with a checkbox; the digest has its own setting (daily, weekly, never); badges are never emailed. */
const CHECKBOX_KINDS = NOTIFICATION_KINDS.filter((kind) => kind !== "digest" && kind !== "badge");
/** What only staff hear of (the follow-up queue). */
const isStaffKind = (kind: NotificationKind) => kind.startsWith("staff-");

/** The kinds `actor` chooses among: staff also choose what they hear of the follow-up queue. */
const kindsFor = (actor: Actor) => CHECKBOX_KINDS.filter((kind) => isStaff(actor) || !isStaffKind(kind));

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
  return kindsFor(actor).map((kind) => ({ kind, email: !off.has(kind) }));
}

const checkbox = z.literal("on", { error: "Tick the box or leave it empty." }).optional();

/** Saves the email checkboxes: a kind the form offers and leaves unchecked is opted out. */
export async function saveEmailPreferences(actor: Actor, input: unknown) {
  ensureSignedIn(actor);
  const kinds = kindsFor(actor);
  const values: Partial<Record<NotificationKind, "on">> = parseInput(
    z.object(Object.fromEntries(kinds.map((kind) => [kind, checkbox]))),
    input,
  );
  const at = now();
  await writeUnseenByVisitors(async (db) => {
    for (const kind of kinds) {
      if (values[kind] === "on")
        await db.delete(emailOptOuts).where(and(eq(emailOptOuts.userId, actor.id), eq(emailOptOuts.kind, kind)));
      else await db.insert(emailOptOuts).values({ userId: actor.id, kind, createdAt: at }).onConflictDoNothing();
    }
  });
}

const unsubscribeSchema = z.object({
  u: rowIdField("This unsubscribe link names no account."),
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
