/**
 * Confirming that an account's owner reads mail at its address. Every new account starts
 * unconfirmed and a member; the link in the confirmation email (valid 24 hours, once) confirms the
 * address it was sent to, and only while the account still has that address, and only for the
 * account it was issued to, signed in: the link alone proves that someone reads the mailbox, not
 * that they own the account (someone who signs up with another person's address must not get that
 * person to confirm it for them). A role that comes from the address (a customer email domain) is
 * granted at confirmation, in the same transaction, with an automatic audit entry that names the
 * account, never the address; so are the posts written while unconfirmed released (`releaseWaitingPosts`) (the audit log cannot be changed, so it holds no personal data).
 * A suspension does not stop a confirmation nor the role it brings: suspension limits writing, and a
 * suspended customer keeps the role too. Opening the link changes nothing (mail scanners fetch
 * links): its page's button does. The email is sent straight after commit, not through the
 * notification outbox: it is not a notification one may opt out of; a lost one is replaced from the
 * banner's "send a new link".
 */
import { eq, sql } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { preparedPerConnection, firstRow, write, read } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ConflictError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { canConfirmEmailAddress, ensure, ensureSignedIn, isSignedIn, type Actor } from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { SITE_NAME } from "~/lib/site";
import {
  findLiveAccountToken,
  issueAccountToken,
  markAccountTokenUsed,
  type TokenProblems,
} from "./account-tokens.server";
import { recordAudit } from "~/models/shared/audit.server";
import { customerDomainOf } from "~/models/moderation/users.server";
import { releaseWaitingPosts } from "~/models/moderation/post-state.server";
import { signIn } from "./users.server";
import { sendAccountEmail } from "./account-email.server";

const ASK_AGAIN = "Sign in and press “Send a new link” in the notice at the top of the page.";
const PROBLEMS: TokenProblems = {
  invalid: `This confirmation link is not valid: check that you copied all of it, or ask for a new one. ${ASK_AGAIN}`,
  used:
    "This confirmation link has already been used. If your address is not confirmed yet, ask for a new link: " +
    ASK_AGAIN,
  expired: `This confirmation link has expired (links work for 24 hours, and a newer link replaces older ones). ${ASK_AGAIN}`,
};
const ADDRESS_CHANGED = `This link was sent to an address your account no longer uses. ${ASK_AGAIN}`;
/** Said in the email and on the link's page to anyone not signed in as the account: the person whose address was used by someone else. */
export const NOT_YOUR_ACCOUNT = `If you did not create an account on ${SITE_NAME} with this address, ignore this email.`;
const OTHER_ACCOUNT = `This confirmation link is for another account, so nothing was changed. If the link is yours, sign out and sign in to the account you created with that address. ${NOT_YOUR_ACCOUNT}`;

export type ConfirmationEmail = { userId: number; to: string; username: string; token: string };

/** Starts a confirmation for the account's current address, inside the caller's write transaction. */
export async function issueEmailConfirmation(
  user: { id: number; email: string; username: string },
  at = now(),
): Promise<ConfirmationEmail> {
  return {
    userId: user.id,
    to: user.email,
    username: user.username,
    token: await issueAccountToken(user.id, "confirm_email", user.email, at),
  };
}

/** Sends the email after the commit that issued its token; a failure is logged (the person can ask again). */
export function sendConfirmationEmail({ userId, to, username, token }: ConfirmationEmail) {
  sendAccountEmail(
    {
      to,
      username,
      subject: `Confirm your email address for ${SITE_NAME}`,
      paragraphs: [
        `Please confirm that ${to} is your address: open this link and press “Confirm my address”. The link works once, within 24 hours. Until then you can read everything, and what you post waits.`,
      ],
      button: { label: "Confirm my address", link: `${publicUrl()}/confirm-email?token=${token}` },
      closing: `The link's page asks for your password (or that you are signed in): it only works for the account that was created with this address. ${NOT_YOUR_ACCOUNT}`,
    },
    { userId, kind: "confirmation" },
  );
}

/** The address the signed-in actor still has to confirm, or null. */
// Asked on every signed-in page (the banner): prepared once.
const addressOfUser = preparedPerConnection((db) =>
  db
    .select({ email: users.email, confirmedAt: users.emailConfirmedAt })
    .from(users)
    .where(eq(users.id, sql.placeholder("userId")))
    .prepare(),
);

export async function pendingEmailConfirmation(actor: Actor) {
  if (actor.kind !== "user") return null;
  const user = firstRow(await addressOfUser().execute({ userId: actor.id }));
  return user && !user.confirmedAt ? { email: user.email } : null;
}

/** A new link for the actor's address (at most 3 an hour); older links stop working. */
export async function requestConfirmationEmail(actor: Actor) {
  ensureSignedIn(actor);
  const email = await write(async (db) => {
    const user = firstRow(
      await db
        .select({ id: users.id, email: users.email, username: users.username, confirmedAt: users.emailConfirmedAt })
        .from(users)
        .where(eq(users.id, actor.id)),
    );
    if (!user) throw new ConflictError("This account no longer exists.");
    if (user.confirmedAt) throw new ConflictError("Your email address is already confirmed.");
    await consume(`confirm-email:user:${user.id}`, LIMITS.confirmationEmail);
    return issueEmailConfirmation(user);
  });
  sendConfirmationEmail(email);
  return { email: email.to };
}

async function liveConfirmation(token: unknown, at: Date) {
  const row = await findLiveAccountToken("confirm_email", token, at, PROBLEMS);
  const user = firstRow(
    await read((db) =>
      db
        .select({
          id: users.id,
          email: users.email,
          username: users.username,
          role: users.role,
          suspendedUntil: users.suspendedUntil,
          trustLevel: users.trustLevel,
          confirmedAt: users.emailConfirmedAt,
        })
        .from(users)
        .where(eq(users.id, row.userId)),
    ),
  );
  if (!user || user.email !== row.email) throw new ValidationError({}, ADDRESS_CHANGED);
  return { row, user };
}

/**
 * What a confirmation link's page shows before its button is pressed; changes nothing. A visitor
 * is asked for the account's password (or to sign in first); someone signed in to another account
 * gets a 403.
 */
export async function readConfirmationLink(actor: Actor, token: unknown) {
  const { row } = await liveConfirmation(token, now());
  if (!isSignedIn(actor)) return { email: row.email, needsPassword: true, notYourAccount: NOT_YOUR_ACCOUNT };
  ensure(canConfirmEmailAddress(actor, row), OTHER_ACCOUNT);
  return { email: row.email, needsPassword: false, notYourAccount: NOT_YOUR_ACCOUNT };
}

const passwordSchema = z.object({
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
});

/**
 * The link's page for someone not signed in: the account's password, checked exactly as sign-in
 * checks it (same throttles and slow-down), proves the account is theirs; then the address is
 * confirmed as by `confirmEmail`, and the caller signs them in. The link alone proves only access to
 * the mailbox (DECISIONS.md #27, #45).
 */
export async function confirmEmailWithPassword(token: unknown, input: unknown, { address }: { address: string }) {
  const { password } = parseInput(passwordSchema, input);
  const { user } = await liveConfirmation(token, now());
  try {
    await signIn({ email: user.email, password }, { address });
  } catch (error) {
    if (error instanceof ValidationError) {
      throw new ValidationError({ password: "That is not the password of the account this link is for." });
    }
    throw error;
  }
  const member = {
    kind: "user" as const,
    id: user.id,
    username: user.username,
    role: user.role,
    suspendedUntil: user.suspendedUntil,
    trustLevel: user.trustLevel,
  };
  return { ...(await confirmEmail(member, token)), userId: user.id };
}

/**
 * The link's button, pressed by the account the link was issued to: confirms the address and, for
 * a member whose address is at a customer domain, grants the customer role, all in one transaction.
 */
export async function confirmEmail(actor: Actor, token: unknown) {
  ensureSignedIn(actor);
  return write(async (db) => {
    const at = now();
    const { row, user } = await liveConfirmation(token, at);
    ensure(canConfirmEmailAddress(actor, row), OTHER_ACCOUNT);
    await markAccountTokenUsed(row.id, at);
    if (!user.confirmedAt) await db.update(users).set({ emailConfirmedAt: at }).where(eq(users.id, user.id));
    const domain = user.role === "member" ? await customerDomainOf(user.email) : null;
    if (domain) {
      await db.update(users).set({ role: "customer" }).where(eq(users.id, user.id));
      await recordAudit(
        null,
        {
          action: "user.domain-customer",
          subject: { type: "user", id: user.id, label: user.username },
          reason: `${user.username} confirmed their address, at the customer domain ${domain}`,
          before: { role: user.role },
          after: { role: "customer" },
        },
        at,
      );
    }
    const role = domain ? ("customer" as const) : user.role;
    const released = user.confirmedAt ? 0 : await releaseWaitingPosts({ ...user, kind: "user", role }, at);
    return { email: row.email, becameCustomer: domain !== null, released };
  });
}
