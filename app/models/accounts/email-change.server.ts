/**
 * Changing one's email address (DECISIONS.md #46). The request needs the current password and
 * sends a link (24 hours, once, bound to the new address) to the NEW address; the account keeps its
 * old address until the link is used, by the same account, signed in. Using it re-checks that the
 * new address is still free, switches to it, marks it confirmed (releasing any waiting posts),
 * re-applies the customer-by-domain rule in both directions, ends every session (the route starts a
 * fresh one for this browser) and tells the OLD address, masked, so a stolen session cannot move an
 * account away silently. A new address that another account already uses gets the same answer and
 * no email at all, so the form tells nobody which addresses have accounts.
 */
import { and, eq, ne } from "drizzle-orm";
import { z } from "zod";
import { auditLog, users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, read, write } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ConflictError, NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canChangeOwnEmail,
  canUseEmailChangeLink,
  ensure,
  ensureSignedIn,
  isSignedIn,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { SITE_NAME } from "~/lib/site";
import { recordAudit } from "~/models/shared/audit.server";
import { releaseWaitingPosts } from "~/models/moderation/post-state.server";
import { customerDomainOf } from "~/models/moderation/users.server";
import { findLiveAccountToken, issueAccountToken, markAccountTokenUsed } from "./account-tokens.server";
import { maskedAddress, sendAccountEmail } from "./account-email.server";
import { endAllSessions, verifyPassword } from "./auth.server";
import { issuePasswordReset, sendResetEmail } from "./password-reset.server";
import { emailSchema } from "./users.server";

const ASK_AGAIN = "Ask for a new link at Settings › Email address.";
const PROBLEMS = {
  invalid: `This link is not valid: check that you copied all of it. ${ASK_AGAIN}`,
  used: `This link has already been used. ${ASK_AGAIN}`,
  expired: `This link has expired (links work for 24 hours, and a newer link replaces older ones). ${ASK_AGAIN}`,
};
const OTHER_ACCOUNT =
  "This link is for another account, so nothing was changed. Sign in to the account that asked for the change and open the link again.";
const NOT_YOURS = `If you did not ask to use this address on ${SITE_NAME}, ignore this email: nothing changes without this link.`;

const requestSchema = z.object({
  newEmail: emailSchema,
  currentPassword: z.string().min(1, "Enter your current password.").max(1024, "That password is too long."),
});

/** The settings page: the actor's address and whether it is confirmed. */
export async function getEmailSettings(actor: Actor) {
  ensure(canChangeOwnEmail(actor), "Sign in to change your email address.");
  ensureSignedIn(actor);
  const user = firstRow(
    await read((db) =>
      db.select({ email: users.email, confirmedAt: users.emailConfirmedAt }).from(users).where(eq(users.id, actor.id)),
    ),
  );
  if (!user) throw new NotFoundError("This account no longer exists.");
  return { email: user.email, confirmed: user.confirmedAt !== null };
}

/**
 * Sends a link to the new address, unless another account uses it (then nothing is sent, and the
 * answer is the same). 3 requests an hour per account, counted before the password is checked.
 */
export async function requestEmailChange(actor: Actor, input: unknown) {
  ensure(canChangeOwnEmail(actor), "Sign in to change your email address.");
  ensureSignedIn(actor);
  const { newEmail, currentPassword } = parseInput(requestSchema, input);
  await consume(`email-change:user:${actor.id}`, LIMITS.emailChange);
  const user = firstRow(await read((db) => db.select().from(users).where(eq(users.id, actor.id))));
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new ValidationError({ currentPassword: "That is not your current password." });
  }
  if (newEmail === user.email) throw new ValidationError({ newEmail: "That is already your address." });
  const token = await write(async (db) => {
    const taken = firstRow(await db.select({ id: users.id }).from(users).where(eq(users.email, newEmail)));
    return taken ? null : issueAccountToken(user.id, "change_email", newEmail, now());
  });
  if (token) {
    sendAccountEmail(
      {
        to: newEmail,
        username: user.username,
        subject: `Confirm your new email address for ${SITE_NAME}`,
        paragraphs: [
          `You asked to use ${newEmail} for your account ${user.username}. Open this link within 24 hours and press “Use this address”. Until then your account keeps its old address.`,
        ],
        button: { label: "Use this address", link: `${publicUrl()}/settings/email?token=${token}` },
        closing: NOT_YOURS,
      },
      { userId: user.id, kind: "email change link" },
    );
  }
  return { newEmail, email: user.email };
}

async function liveChange(token: unknown, at: Date) {
  return findLiveAccountToken("change_email", token, at, PROBLEMS);
}

/** What the link's page shows before its button is pressed; changes nothing (mail scanners open links). */
export async function readEmailChangeLink(actor: Actor, token: unknown) {
  const row = await liveChange(token, now());
  if (!isSignedIn(actor)) return { newEmail: row.email, signInFirst: true };
  ensure(canUseEmailChangeLink(actor, row), OTHER_ACCOUNT);
  return { newEmail: row.email, signInFirst: false };
}

/** Whether the account's customer role came from its address's domain alone (no admin granted it). */
async function roleCameFromDomain(user: { id: number; email: string; role: string }) {
  if (user.role !== "customer" || !(await customerDomainOf(user.email))) return false;
  const grants = await read((db) =>
    db
      .select({ after: auditLog.after })
      .from(auditLog)
      .where(and(eq(auditLog.action, "user.role"), eq(auditLog.subjectType, "user"), eq(auditLog.subjectId, user.id))),
  );
  return !grants.some((grant) => (grant.after as { role?: string } | null)?.role === "customer");
}

/**
 * The account a token would move to the token's address, inside the caller's write: a 404 when the
 * account is gone, a 409 (`taken` says it) when another account uses that address now.
 */
async function accountMovingTo(row: { userId: number; email: string }, taken: (user: { email: string }) => string) {
  return inWrite(async (db) => {
    const user = firstRow(await db.select().from(users).where(eq(users.id, row.userId)));
    if (!user) throw new NotFoundError("This account no longer exists.");
    const other = firstRow(
      await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.email, row.email), ne(users.id, user.id))),
    );
    if (other) throw new ConflictError(taken(user));
    return user;
  });
}

/**
 * The link's button, pressed by the account that asked: switches to the new address (still free,
 * else a 409 that says so), marks it confirmed, re-applies the customer domain rule, and ends every
 * session of the account; then tells the old address.
 */
export async function confirmEmailChange(actor: Actor, token: unknown) {
  ensureSignedIn(actor);
  const changed = await write(async (db) => {
    const at = now();
    const row = await liveChange(token, at);
    ensure(canUseEmailChangeLink(actor, row), OTHER_ACCOUNT);
    const user = await accountMovingTo(
      row,
      (current) =>
        `Another account now uses ${row.email}, so your address stays ${current.email}. Choose another address.`,
    );
    await markAccountTokenUsed(row.id, at);
    const role = await roleAtNewAddress(user, row.email, at);
    await db.update(users).set({ email: row.email, emailConfirmedAt: at, role }).where(eq(users.id, user.id));
    const member: Member = { ...actor, role };
    const released = user.emailConfirmedAt ? 0 : await releaseWaitingPosts(member, at);
    // The old address's way back, should the change not have been its owner's doing.
    const undo = await issueAccountToken(user.id, "undo_email_change", user.email, at);
    return {
      oldEmail: user.email,
      newEmail: row.email,
      username: user.username,
      userId: user.id,
      role,
      released,
      undo,
    };
  });
  await endAllSessions(changed.userId);
  sendAccountEmail(
    {
      to: changed.oldEmail,
      username: changed.username,
      subject: `Your email address on ${SITE_NAME} was changed`,
      paragraphs: [
        `The email address of your account ${changed.username} was changed to ${maskedAddress(changed.newEmail)}. Emails from ${SITE_NAME} now go there, and this address no longer signs in.`,
        "If this wasn't you, someone else knows your password. The button gives the account back to this address, signs everyone out, and sends this address a link to choose a new password. It works for 7 days.",
      ],
      button: {
        label: "This wasn't me: give my account back",
        link: `${publicUrl()}/undo-email-change?token=${changed.undo}`,
      },
      closing: "If it was you, there is nothing more to do.",
    },
    { userId: changed.userId, kind: "email changed notice" },
  );
  return changed;
}

/**
 * The customer domain rule, applied to the new address as confirmation applies it: a member at a
 * customer domain becomes a customer; a customer whose role came only from the old address's
 * domain becomes a member again when the new one is not at a customer domain (an admin's grant
 * stays). Either change has its automatic audit entry, naming the account, never an address.
 */
async function roleAtNewAddress(user: typeof users.$inferSelect, newEmail: string, at: Date) {
  const newDomain = await customerDomainOf(newEmail);
  const subject = { type: "user" as const, id: user.id, label: user.username };
  if (user.role === "member" && newDomain) {
    await recordAudit(
      null,
      {
        action: "user.domain-customer",
        subject,
        reason: `${user.username} confirmed a new address, at the customer domain ${newDomain}`,
        before: { role: "member" },
        after: { role: "customer" },
      },
      at,
    );
    return "customer" as const;
  }
  if (!newDomain && (await roleCameFromDomain(user))) {
    await recordAudit(
      null,
      {
        action: "user.domain-member",
        subject,
        reason: `${user.username} moved to an address outside the customer domains, and their customer role came from the old one`,
        before: { role: "customer" },
        after: { role: "member" },
      },
      at,
    );
    return "member" as const;
  }
  return user.role;
}

const UNDO_PROBLEMS = {
  invalid: "This link is not valid: check that you copied all of it from the email.",
  used: "This link has already been used: the account has its old address back.",
  expired: "This link has expired (it works for 7 days). Write to the site's support team for help.",
};

/** What the undo link's page shows before its button is pressed: the address it gives back. Changes nothing. */
export async function getUndoEmailChangePage(token: unknown) {
  const row = await findLiveAccountToken("undo_email_change", token, now(), UNDO_PROBLEMS);
  return { token: token as string, email: row.email };
}

/**
 * The undo link's button, pressed by whoever reads the old address (the link is the authority:
 * the account's password may be someone else's now): gives the account its old address back
 * (unless another account took it meanwhile), confirmed, ends every session, and sends the old
 * address a link to choose a new password. The link a later change sent to the new address dies
 * with the address.
 */
export async function undoEmailChange(token: unknown) {
  const restored = await write(async (db) => {
    const at = now();
    const row = await findLiveAccountToken("undo_email_change", token, at, UNDO_PROBLEMS);
    const user = await accountMovingTo(
      row,
      () => "Another account uses that address now. Write to the site's support team for help.",
    );
    await markAccountTokenUsed(row.id, at);
    await db.update(users).set({ email: row.email, emailConfirmedAt: at }).where(eq(users.id, user.id));
    await recordAudit(
      null,
      {
        action: "user.email-restored",
        subject: { type: "user", id: user.id, label: user.username },
        reason: `${user.username}'s old address took the account back`,
      },
      at,
    );
    return issuePasswordReset({ ...user, email: row.email }, at);
  });
  await endAllSessions(restored.userId);
  sendResetEmail(restored);
  return { email: restored.to };
}
