/**
 * Sign-up, which tells nobody whether an address has an account (DECISIONS.md #45): it never signs
 * in, and answers the same way (same page, status, headers, a password hashed either way) for a new
 * address and a known one. A new address gets an account (a member, unconfirmed) and a confirmation
 * link, whose page signs in once the account's password is typed there; a known address's owner gets
 * an email saying someone tried, with ways to sign in or reset the password (at most 3 an hour per
 * address, then silently none, so nobody fills a mailbox). A taken username is said as before:
 * usernames are public.
 */
import { sql } from "drizzle-orm";
import { users } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { startingTrustLevel } from "~/models/trust/levels.server";
import { oneRow, write } from "~/lib/db.server";
import { publicUrl } from "~/lib/env.server";
import { ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { consume, countAttempt, LIMITS, retryAfter } from "~/lib/rate-limit.server";
import { SITE_NAME } from "~/lib/site";
import { hashPassword } from "./auth.server";
import { sendAccountEmail } from "./account-email.server";
import { issueEmailConfirmation, sendConfirmationEmail, type ConfirmationEmail } from "./email-confirmation.server";
import { signUpSchema } from "./users.server";

type Outcome = { confirmation: ConfirmationEmail } | { knownAddress: { to: string; username: string } | null };

export async function signUp(input: unknown, { address }: { address: string }) {
  const values = parseInput(signUpSchema, input);
  await consume(`signup:address:${address}`, LIMITS.signUpPerAddress);
  if (values.password.toLowerCase().includes(values.username)) {
    throw new ValidationError({ password: "Your password must not contain your username." });
  }
  // Hashed whether or not the address is known, so both answers take the same time.
  const passwordHash = await hashPassword(values.password);
  // Check and insert under one write lock, so two simultaneous sign-ups cannot both pass the check.
  const outcome: Outcome = await write(async (db) => {
    const taken = await db
      .select({ email: users.email, username: users.username })
      .from(users)
      .where(sql`${users.email} = ${values.email} OR ${users.username} = ${values.username}`);
    if (taken.some((row) => row.username === values.username)) {
      throw new ValidationError({ username: "That username is taken. Try another." });
    }
    const known = taken.find((row) => row.email === values.email);
    if (known) {
      const key = `signup-notice:email:${values.email}`;
      if ((await retryAfter(key, LIMITS.signUpNoticePerEmail)) > 0) return { knownAddress: null };
      await countAttempt(key, LIMITS.signUpNoticePerEmail);
      return { knownAddress: { to: known.email, username: known.username } };
    }
    // A member until the address is confirmed, whatever its domain (see email-confirmation.server.ts).
    const user = oneRow(
      await db
        .insert(users)
        .values({
          email: values.email,
          username: values.username,
          passwordHash,
          role: "member",
          createdAt: now(),
          emailConfirmedAt: null,
          trustLevel: await startingTrustLevel(),
        })
        .returning({ id: users.id, email: users.email, username: users.username }),
    );
    return { confirmation: await issueEmailConfirmation(user) };
  });
  if ("confirmation" in outcome) sendConfirmationEmail(outcome.confirmation);
  else if (outcome.knownAddress) sendKnownAddressEmail(outcome.knownAddress);
}

function sendKnownAddressEmail({ to, username }: { to: string; username: string }) {
  sendAccountEmail(
    {
      to,
      username,
      subject: `You already have an account on ${SITE_NAME}`,
      paragraphs: [
        `Someone (maybe you) tried to create an account on ${SITE_NAME} with ${to}. You already have one with this address, so no new account was made: your account is as it was.`,
        `To get in, sign in with this address: ${publicUrl()}/login`,
        `Forgotten your password? Choose a new one here: ${publicUrl()}/forgot-password`,
      ],
      closing: "If it wasn't you, ignore this email: nothing has changed, and nobody can use this address without you.",
    },
    { kind: "sign-up on a known address" },
  );
}
