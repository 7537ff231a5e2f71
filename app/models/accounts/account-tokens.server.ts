/**
 * One-time tokens sent to an account's email address (a confirmation link, a password reset link),
 * one purpose each. Invariants: the token itself (256 random bits, base64url) exists only in
 * the email; the table holds its SHA-256, so a copy of the database opens nothing. A token is
 * bound to the address it went to, used at most once and never after it expires; issuing a new
 * token of a purpose ends the account's older unused ones of that purpose. Issuing and using run
 * inside the caller's write transaction.
 */
import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, isNull } from "drizzle-orm";
import { z } from "zod";
import { accountTokens, type AccountTokenPurpose } from "../../../db/schema";
import { firstRow, inWrite, read } from "~/lib/db.server";
import { ValidationError } from "~/lib/errors.server";

const HOUR_MS = 3_600_000;

/** How long a token of each purpose stays valid. */
export const TOKEN_LIFETIMES_MS: Record<AccountTokenPurpose, number> = {
  confirm_email: 24 * HOUR_MS,
  reset_password: HOUR_MS,
  change_email: 24 * HOUR_MS,
  // Sent to the old address when it is replaced: its owner may be away for days.
  undo_email_change: 7 * 24 * HOUR_MS,
};

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** What a token looks like: 32 bytes in base64url. Anything else names no token. */
export const tokenSchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/);

/** Creates a token for `email` and ends the older unused ones of the same purpose; returns the token to send. */
export async function issueAccountToken(userId: number, purpose: AccountTokenPurpose, email: string, at: Date) {
  return inWrite(async (db) => {
    await db
      .update(accountTokens)
      .set({ expiresAt: at })
      .where(
        and(
          eq(accountTokens.userId, userId),
          eq(accountTokens.purpose, purpose),
          isNull(accountTokens.usedAt),
          gt(accountTokens.expiresAt, at),
        ),
      );
    const token = randomBytes(32).toString("base64url");
    await db.insert(accountTokens).values({
      userId,
      purpose,
      tokenHash: hashToken(token),
      email,
      createdAt: at,
      expiresAt: new Date(at.getTime() + TOKEN_LIFETIMES_MS[purpose]),
    });
    return token;
  });
}

export type TokenProblems = { invalid: string; used: string; expired: string };

/**
 * The live token `token` of `purpose`, or a ValidationError with the message for what is wrong with
 * it (malformed or unknown, used, expired or replaced by a newer one).
 */
export async function findLiveAccountToken(
  purpose: AccountTokenPurpose,
  token: unknown,
  at: Date,
  problems: TokenProblems,
) {
  const parsed = tokenSchema.safeParse(token);
  if (!parsed.success) throw new ValidationError({}, problems.invalid);
  const row = firstRow(
    await read((db) =>
      db
        .select()
        .from(accountTokens)
        .where(and(eq(accountTokens.tokenHash, hashToken(parsed.data)), eq(accountTokens.purpose, purpose))),
    ),
  );
  if (!row) throw new ValidationError({}, problems.invalid);
  if (row.usedAt) throw new ValidationError({}, problems.used);
  if (row.expiresAt.getTime() <= at.getTime()) throw new ValidationError({}, problems.expired);
  return row;
}

/** Marks a token found by `findLiveAccountToken` (in the same write transaction) used. */
export async function markAccountTokenUsed(tokenId: number, at: Date) {
  await inWrite((db) => db.update(accountTokens).set({ usedAt: at }).where(eq(accountTokens.id, tokenId)));
}
