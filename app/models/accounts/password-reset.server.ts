/**
 * Forgotten passwords: a reset link emailed to the account's address (valid 1 hour, once; a newer
 * link ends the older ones) sets a new password and ends every session of the account.
 * Invariants: asking answers the same whether or not an account uses the address (same status,
 * same page, the same write), and both rate limits count unknown addresses too; the token exists
 * only in the email (the database holds its SHA-256, see account-tokens.server.ts); the link works
 * only while the account still has the address it went to. Opening the link changes nothing (mail
 * scanners fetch links): its form does. The new password follows the same rules as a change, is
 * hashed before the write, and the password, the token's use and the end of the sessions commit
 * together. Resetting does not sign anyone in (DECISIONS.md #44). The email goes straight after
 * commit, like the confirmation email: it is not a notification one may opt out of.
 */
import { eq } from "drizzle-orm";
import { z } from "zod";
import { users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read, write, writeUnseenByVisitors } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import type { Actor } from "~/lib/permissions.server";
import { consume, LIMITS, resetLimit } from "~/lib/rate-limit.server";
import { SITE_NAME } from "~/lib/site";
import {
  findLiveAccountToken,
  issueAccountToken,
  markAccountTokenUsed,
  type TokenProblems,
} from "./account-tokens.server";
import { sendAccountEmail } from "./account-email.server";
import { endAllSessions, hashPassword } from "./auth.server";
import { newPassword } from "./users.server";

const ASK_AGAIN = "Ask for a new link on the “Forgot your password?” page.";
const PROBLEMS: TokenProblems = {
  invalid: `This password reset link is not valid: check that you copied all of it. ${ASK_AGAIN}`,
  used: `This password reset link has already been used. ${ASK_AGAIN}`,
  expired: `This password reset link has expired (links work for 1 hour, and a newer link replaces older ones). ${ASK_AGAIN}`,
};
const ADDRESS_CHANGED = `This link was sent to an address the account no longer uses. ${ASK_AGAIN}`;
/** What asking answers, whether or not an account uses the address. */
export const RESET_REQUESTED =
  "If an account uses that address, we have sent it a link to choose a new password. The link works once, within 1 hour. " +
  "If nothing arrives, check the address and your spam folder.";
const NOT_YOU = `If you did not ask to reset your password on ${SITE_NAME}, ignore this email: your password stays as it is.`;

const requestSchema = z.object({
  email: z
    .string()
    .trim()
    .toLowerCase()
    .min(1, "Enter your email address.")
    .max(254, "That email address is too long.")
    .pipe(z.email("Enter a valid email address, like name@example.com.")),
});

const resetSchema = z.object({ newPassword });

type ResetEmail = { userId: number; to: string; username: string; token: string };

export function sendResetEmail({ userId, to, username, token }: ResetEmail) {
  sendAccountEmail(
    {
      to,
      username,
      subject: `Reset your password for ${SITE_NAME}`,
      paragraphs: [
        "Someone (we hope you) asked to reset your password. Open this link to choose a new one. The link works once, within 1 hour, and signs you out everywhere.",
      ],
      button: { label: "Choose a new password", link: `${publicUrl()}/reset-password?token=${token}` },
      closing: NOT_YOU,
    },
    { userId, kind: "password reset" },
  );
}

/**
 * Emails a reset link to the account that uses `email`, if one does; answers RESET_REQUESTED either
 * way. Rate limited per address and per client network (`clientAddress`), unknown addresses counted
 * alike. The actor does not matter: someone signed in may ask for any address, as anyone may.
 */
export async function requestPasswordReset(_actor: Actor, input: unknown, clientAddress: string) {
  const { email } = parseInput(requestSchema, input);
  await consume(`password-reset:client:${clientAddress}`, LIMITS.passwordResetPerClient);
  await consume(`password-reset:address:${email}`, LIMITS.passwordResetPerAddress);
  const message = await writeUnseenByVisitors(async (db) => {
    const user = firstRow(
      await db
        .select({ id: users.id, email: users.email, username: users.username })
        .from(users)
        .where(eq(users.email, email)),
    );
    return user ? await issuePasswordReset(user, now()) : null;
  });
  // Sent without waiting, so the answer leaves as soon for a known address as for an unknown one.
  if (message) sendResetEmail(message);
  return { message: RESET_REQUESTED };
}

/** A reset link for `user`'s current address, inside the caller's write; send it with `sendResetEmail` after commit. */
export async function issuePasswordReset(user: { id: number; email: string; username: string }, at: Date) {
  const token = await issueAccountToken(user.id, "reset_password", user.email, at);
  return { userId: user.id, to: user.email, username: user.username, token };
}

async function liveReset(token: unknown, at: Date) {
  const row = await findLiveAccountToken("reset_password", token, at, PROBLEMS);
  const user = firstRow(
    await read((db) =>
      db
        .select({ id: users.id, email: users.email, username: users.username })
        .from(users)
        .where(eq(users.id, row.userId)),
    ),
  );
  if (!user || user.email !== row.email) throw new ValidationError({}, ADDRESS_CHANGED);
  return { row, user };
}

/** What a reset link's page shows before its form is sent: the link's token, or a ValidationError saying what is wrong with it. Changes nothing. */
export async function getResetPage(token: unknown) {
  const { row } = await liveReset(token, now());
  return { token: token as string, email: row.email };
}

/**
 * The reset link's form: sets the new password of the token's account (whoever is signed in),
 * uses up the token and ends every session of the account, in one transaction. Returns the account.
 */
export async function resetPassword(input: unknown) {
  const token = typeof input === "object" && input !== null ? (input as Record<string, unknown>).token : undefined;
  // A dead link is said before the password is looked at: no new password can help it.
  await liveReset(token, now());
  const values = parseInput(resetSchema, input);
  const passwordHash = await hashPassword(values.newPassword);
  // `write`, not writeUnseenByVisitors: the link's page (a visitor's, so cached for seconds) must
  // stop offering the form once the link is used.
  return write(async (db) => {
    const at = now();
    // Checked again inside the write: two forms sent at once cannot both use the link.
    const { row, user } = await liveReset(token, at);
    await db.update(users).set({ passwordHash }).where(eq(users.id, user.id));
    await markAccountTokenUsed(row.id, at);
    await endAllSessions(user.id);
    // Whoever reset the password may sign in with it now, however many wrong guesses came before.
    await resetLimit(`signin:account:${user.email}`);
    return { userId: user.id };
  });
}
