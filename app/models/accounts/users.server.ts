/**
 * Accounts: sign-in, password changes and public profiles (sign-up is in sign-up.server.ts).
 * Sign-in answers the same way, and takes the same time, whether or not the email is known:
 * an unknown email is checked against a dummy hash, and counts toward the same throttles.
 */
import { and, count, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { posts, solutions, threads, users, type Role } from "../../../db/schema";
import { endAllSessions, hashPassword, standInPasswordHash, verifyPassword } from "~/models/accounts/auth.server";
import { now } from "~/lib/clock.server";
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH, USERNAME_PATTERN } from "~/lib/mentions";
import { isCommonPassword } from "~/models/accounts/common-passwords.server";
import { writeUnseenByVisitors, oneRow, firstRow, write, read } from "~/lib/db.server";
import { NotFoundError, RateLimitError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import {
  canChangeOwnPassword,
  canChangeUserRole,
  canDisciplineUser,
  canViewUserProfile,
  ensure,
  ensureSignedIn,
  isSignedIn,
  isStaff,
  profilePostsCondition,
  profileThreadsCondition,
  VISITOR,
  type Actor,
} from "~/lib/permissions.server";
import { plainTextSummary } from "~/lib/markdown.server";
import { startingTrustLevel } from "~/models/trust/levels.server";
import {
  consume,
  countAttempt,
  LIMITS,
  resetLimit,
  retryAfter,
  signInDelayMs,
  uncountAttempt,
} from "~/lib/rate-limit.server";
import { waitOutsideRequestSlot } from "~/lib/request-slot.server";
import { memberColumns } from "~/models/accounts/member-columns.server";

/** An email address as typed: trimmed and lower-cased. */
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, "Enter your email address.")
  .max(254, "That email address is too long.")
  .pipe(z.email("Enter a valid email address, like name@example.com."));

/** What a new password must be: at sign-up, on a change, on a reset. */
export const newPassword = z
  .string()
  .min(8, "Use at least 8 characters.")
  .max(128, "Use at most 128 characters.")
  .refine((value) => !isCommonPassword(value), "That password is one of the most common ones. Choose another.");

export const signUpSchema = z.object({
  email: emailSchema,
  username: z
    .string()
    .trim()
    .toLowerCase()
    .min(USERNAME_MIN_LENGTH, `Use at least ${USERNAME_MIN_LENGTH} characters.`)
    .max(USERNAME_MAX_LENGTH, `Use at most ${USERNAME_MAX_LENGTH} characters.`)
    .regex(USERNAME_PATTERN, "Use letters, digits, '-' and '_' only, starting with a letter or digit."),
  password: newPassword,
});

const signInSchema = z.object({
  email: emailSchema,
  password: z.string().min(1, "Enter your password.").max(1024, "That password is too long."),
});

/** Creates an account with a given role, for the seed script and test fixtures. */
export async function createUserWithRole(values: { email: string; username: string; password: string; role: Role }) {
  const passwordHash = await hashPassword(values.password);
  return oneRow(
    await write(async (db) =>
      db
        .insert(users)
        .values({
          email: values.email.toLowerCase(),
          username: values.username,
          passwordHash,
          role: values.role,
          createdAt: now(),
          emailConfirmedAt: now(),
          trustLevel: await startingTrustLevel(),
        })
        .returning(memberColumns),
    ),
  );
}

/**
 * Throttled so that guessing is slow but nobody can lock someone else out (OWASP's advice): the only
 * hard limit is per address and account pair; past a few failures per account or per address, every
 * attempt (whatever its password) waits before its answer. Attempts are counted before the password
 * is checked, so a burst of parallel guesses meets the limits too; a success clears the pair's and
 * the account's counts and takes back its own attempt from the address's.
 */
export async function signIn(input: unknown, { address }: { address: string }) {
  const values = parseInput(signInSchema, input);
  const keys = {
    pair: `signin:pair:${address}:${values.email}`,
    account: `signin:account:${values.email}`,
    address: `signin:address:${address}`,
  };
  // Rate-limit counters only.
  const failures = await writeUnseenByVisitors(async () => {
    const blockedFor = await retryAfter(keys.pair, LIMITS.signInPerPair);
    if (blockedFor > 0) return { blockedFor, account: 0, address: 0 };
    await countAttempt(keys.pair, LIMITS.signInPerPair);
    return {
      blockedFor: 0,
      account: await countAttempt(keys.account, LIMITS.signInPerAccount),
      address: await countAttempt(keys.address, LIMITS.signInPerAddress),
    };
  });
  if (failures.blockedFor > 0) throw new RateLimitError(failures.blockedFor);
  const delay = signInDelayMs(failures);
  // The wait gives its request slot back, so a flood of slowed sign-ins cannot queue out everyone else.
  if (delay > 0) await waitOutsideRequestSlot(delay);

  const user = firstRow(await read((db) => db.select().from(users).where(eq(users.email, values.email))));
  const valid = await verifyPassword(user?.passwordHash ?? (await standInPasswordHash()), values.password);
  if (!user || !valid) throw new ValidationError({}, "Email or password is incorrect.");
  await writeUnseenByVisitors(async () => {
    await resetLimit(keys.pair);
    await resetLimit(keys.account);
    await uncountAttempt(keys.address);
  });
  return { userId: user.id };
}

const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "Enter your current password.").max(1024),
  newPassword,
});

/** Changes the actor's own password and ends every session they have, the current one included. */
export async function changePassword(actor: Actor, input: unknown) {
  ensure(canChangeOwnPassword(actor), "Sign in to change your password.");
  ensureSignedIn(actor);
  const values = parseInput(changePasswordSchema, input);
  await consume(`password:user:${actor.id}`, LIMITS.passwordChange);
  const user = firstRow(await read((db) => db.select().from(users).where(eq(users.id, actor.id))));
  if (!user || !(await verifyPassword(user.passwordHash, values.currentPassword))) {
    throw new ValidationError({ currentPassword: "That is not your current password." });
  }
  const passwordHash = await hashPassword(values.newPassword);
  await write((db) => db.update(users).set({ passwordHash }).where(eq(users.id, actor.id)));
  await endAllSessions(actor.id);
}

const PROFILE_LIST_SIZE = 20;

export async function getUserProfile(actor: Actor, username: string) {
  ensure(canViewUserProfile(actor));
  // Counts and lists hold what the viewer may see, post and thread, but nothing deleted
  // (`canSeePostOnProfile`): held and hidden posts for their author and staff, as on thread pages.
  return read(async (db) => {
    const user = firstRow(
      await db
        .select({
          id: users.id,
          username: users.username,
          role: users.role,
          createdAt: users.createdAt,
          suspendedUntil: users.suspendedUntil,
          suspensionReason: users.suspensionReason,
          reputation: users.reputation,
        })
        .from(users)
        .where(eq(users.username, username.toLowerCase())),
    );
    if (!user) throw new NotFoundError("There is no member with that name.");
    const seesAll = isStaff(actor) || (isSignedIn(actor) && actor.id === user.id);
    const listedPosts = and(eq(posts.authorId, user.id), profilePostsCondition(actor));
    const [postCounts, solutionCounts] = [
      await db.select({ kind: posts.kind, total: count() }).from(posts).where(listedPosts).groupBy(posts.kind),
      await db
        .select({ kind: solutions.kind, total: count() })
        .from(solutions)
        .innerJoin(posts, eq(posts.id, solutions.postId))
        .where(listedPosts)
        .groupBy(solutions.kind),
    ];
    const totalOf = (rows: { kind: string; total: number }[], kind: string) =>
      rows.find((row) => row.kind === kind)?.total ?? 0;
    const questions = await db
      .select({
        id: threads.id,
        title: threads.title,
        slug: threads.slug,
        status: threads.status,
        score: threads.score,
        answerCount: threads.answerCount,
        createdAt: threads.createdAt,
        moderationState: threads.visibility,
      })
      .from(threads)
      .where(and(eq(threads.authorId, user.id), profileThreadsCondition(actor)))
      .orderBy(sql`${threads.createdAt} DESC`)
      .limit(PROFILE_LIST_SIZE);
    const answers = await db
      .select({
        postId: posts.id,
        score: posts.score,
        createdAt: posts.createdAt,
        threadId: threads.id,
        title: threads.title,
        slug: threads.slug,
        status: threads.status,
        moderationState: posts.moderationState,
      })
      .from(posts)
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(and(listedPosts, eq(posts.kind, "answer")))
      .orderBy(sql`${posts.createdAt} DESC`)
      .limit(PROFILE_LIST_SIZE);
    const suspended = user.suspendedUntil !== null && user.suspendedUntil > now();
    return {
      user: {
        id: user.id,
        username: user.username,
        role: user.role,
        createdAt: user.createdAt,
        reputation: Number(user.reputation),
      },
      // The suspension is between the person and staff.
      suspension: suspended && seesAll ? { until: user.suspendedUntil!, reason: user.suspensionReason } : null,
      canChangeRole: canChangeUserRole(actor, user),
      canDiscipline: canDisciplineUser(actor, user),
      counts: {
        questions: totalOf(postCounts, "question"),
        answers: totalOf(postCounts, "answer"),
        accepted: totalOf(solutionCounts, "accepted"),
        verified: totalOf(solutionCounts, "verified"),
      },
      questions,
      answers,
    };
  });
}

const ACTIVITY_FEED_SIZE = 50;

/**
 * A person's latest questions and answers for their feed, newest first, always as a visitor sees
 * their profile (`canSeePostOnProfile` for the visitor): a feed reader has no session, and a shared
 * cache may keep what one reader got for the next. Three queries.
 */
export async function publicActivityFeed(username: string) {
  ensure(canViewUserProfile(VISITOR));
  return read(async (db) => {
    const user = firstRow(
      await db
        .select({ id: users.id, username: users.username })
        .from(users)
        .where(eq(users.username, username.toLowerCase())),
    );
    if (!user) throw new NotFoundError("There is no member with that name.");
    const entry = {
      postId: posts.id,
      kind: posts.kind,
      body: posts.bodyHtml,
      createdAt: posts.createdAt,
      editedAt: posts.editedAt,
      threadId: threads.id,
      title: threads.title,
      slug: threads.slug,
    };
    const [questions, answers] = [
      await db
        .select(entry)
        .from(threads)
        .innerJoin(posts, and(eq(posts.threadId, threads.id), eq(posts.kind, "question")))
        .where(and(eq(threads.authorId, user.id), profileThreadsCondition(VISITOR), profilePostsCondition(VISITOR)))
        .orderBy(desc(threads.createdAt), desc(threads.id))
        .limit(ACTIVITY_FEED_SIZE),
      await db
        .select(entry)
        .from(posts)
        .innerJoin(threads, eq(threads.id, posts.threadId))
        .where(and(eq(posts.authorId, user.id), eq(posts.kind, "answer"), profilePostsCondition(VISITOR)))
        .orderBy(desc(posts.createdAt), desc(posts.id))
        .limit(ACTIVITY_FEED_SIZE),
    ];
    const entries = [...questions, ...answers]
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || b.postId - a.postId)
      .slice(0, ACTIVITY_FEED_SIZE)
      .map(({ body, ...row }) => ({
        ...row,
        updated: row.editedAt ?? row.createdAt,
        summary: plainTextSummary(body),
      }));
    return { user, entries };
  });
}

/** Inserts many accounts sharing one precomputed hash: for synthetic benchmark communities only. */
export async function insertUsersWithHash(
  rows: { email: string; username: string; role: Role }[],
  passwordHash: string,
) {
  return await write(async (db) => {
    const trustLevel = await startingTrustLevel();
    return db
      .insert(users)
      .values(rows.map((row) => ({ ...row, passwordHash, createdAt: now(), emailConfirmedAt: now(), trustLevel })))
      .returning(memberColumns);
  });
}
