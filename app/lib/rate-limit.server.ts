/**
 * Fixed-window rate limits kept in the database, so every process sharing the file counts the
 * same attempts. `consume` counts one attempt and throws RateLimitError once the window is full.
 * Sign-in is throttled differently (see `signInDelayMs`): a hard limit only per address and account
 * pair, and otherwise a growing delay, so nobody can lock someone else out.
 */
import { isIPv6 } from "node:net";
import { and, eq, sql } from "drizzle-orm";
import { rateLimitBuckets } from "../../db/schema";
import { now } from "./clock.server";
import {
  firstRow,
  inWrite,
  oneRow,
  preparedPerConnection,
  read,
  writeUnseenByVisitors,
  writeUnseenByVisitorsOrJoin,
} from "./db.server";
import { env } from "./env.server";
import { RateLimitError } from "./errors.server";
import { isStaff, type Member } from "./permissions/actors.server";

export type Limit = { max: number; windowMs: number };

const MINUTE = 60_000;

/** Limits per actor (or per address, or per account) for every kind of write. */
export const LIMITS = {
  // Sign-in: only the pair is a hard limit; for an account or an address, `max` is how many failures
  // pass before each further attempt is slowed down (never refused), so an attacker cannot lock the
  // owner out, nor one person everyone behind a shared address.
  signInPerPair: { max: 5, windowMs: 15 * MINUTE },
  signInPerAccount: { max: 5, windowMs: 15 * MINUTE },
  signInPerAddress: { max: 30, windowMs: 15 * MINUTE },
  confirmationEmail: { max: 3, windowMs: 60 * MINUTE },
  // Reset links: per address so nobody can fill a mailbox, per client network so nobody can
  // probe many addresses; both count unknown addresses too, so a refusal tells nothing.
  passwordResetPerAddress: { max: 3, windowMs: 60 * MINUTE },
  passwordResetPerClient: { max: 20, windowMs: 60 * MINUTE },
  signUpPerAddress: { max: 10, windowMs: 60 * MINUTE },
  // "You already have an account" emails for one address; past this, a sign-up sends nothing.
  signUpNoticePerEmail: { max: 3, windowMs: 60 * MINUTE },
  emailChange: { max: 3, windowMs: 60 * MINUTE },
  question: { max: 10, windowMs: 10 * MINUTE },
  answer: { max: 30, windowMs: 10 * MINUTE },
  edit: { max: 60, windowMs: 10 * MINUTE },
  vote: { max: 120, windowMs: 10 * MINUTE },
  solution: { max: 60, windowMs: 10 * MINUTE },
  passwordChange: { max: 5, windowMs: 60 * MINUTE },
  kbFeedback: { max: 30, windowMs: 10 * MINUTE },
  kbFeedbackPerAddress: { max: 120, windowMs: 60 * MINUTE },
  followUpRequest: { max: 10, windowMs: 60 * MINUTE },
  supportAction: { max: 300, windowMs: 10 * MINUTE },
  // Staff answer for a living: a busy agent sends 100 replies an hour; a runaway script stops at 600.
  staffReply: { max: 600, windowMs: 60 * MINUTE },
  flag: { max: 20, windowMs: 60 * MINUTE },
  // Redeeming rewards, refusals included (each one is a write under the write lock).
  redeem: { max: 10, windowMs: 10 * MINUTE },
  moderation: { max: 600, windowMs: 10 * MINUTE },
  preview: { max: 300, windowMs: 10 * MINUTE },
  watch: { max: 120, windowMs: 10 * MINUTE },
  // Refusals of replies by email, per address they go to: a loop or a forged sender cannot fill a mailbox.
  inboundBounce: { max: 5, windowMs: 60 * MINUTE },
  // Searches that found nothing, recorded for staff's report per client network; past this, not counted.
  failedSearchPerClient: { max: 30, windowMs: 60 * MINUTE },
  // One lookup per pause in typing after an `@`: a few per mention.
  usernameSuggestions: { max: 120, windowMs: 10 * MINUTE },
} satisfies Record<string, Limit>;

/**
 * The counter a reply by `actor` counts against: staff replies (answers in a thread and private
 * messages alike) share the staff limit; anyone else's count against the members' answer limit, per `kind`.
 */
export function replyLimit(actor: Member, kind: "answer" | "private-message") {
  return isStaff(actor)
    ? { key: `staff-reply:user:${actor.id}`, limit: LIMITS.staffReply }
    : { key: `${kind}:user:${actor.id}`, limit: LIMITS.answer };
}

/** How many seconds until `key` may be tried again, or 0 when it may be tried now. */
export async function retryAfter(key: string, limit: Limit): Promise<number> {
  const bucket = firstRow(await read((db) => db.select().from(rateLimitBuckets).where(eq(rateLimitBuckets.key, key))));
  if (!bucket) return 0;
  const resetsAt = bucket.windowStartedAt.getTime() + limit.windowMs;
  const remainingMs = resetsAt - now().getTime();
  if (remainingMs <= 0 || bucket.count < limit.max) return 0;
  return Math.ceil(remainingMs / 1000);
}

/**
 * Counts one attempt on `key` (a new window once the last one ended) and returns the window's count.
 * Part of a caller's write (the counters are checked and counted in one transaction).
 */
export async function countAttempt(key: string, limit: Limit): Promise<number> {
  const at = now();
  const windowStart = new Date(at.getTime() - limit.windowMs);
  return oneRow(
    await inWrite((db) =>
      db
        .insert(rateLimitBuckets)
        .values({ key, windowStartedAt: at, count: 1 })
        .onConflictDoUpdate({
          target: rateLimitBuckets.key,
          set: {
            count: sql`CASE WHEN ${rateLimitBuckets.windowStartedAt} <= ${windowStart.getTime()} THEN 1 ELSE ${rateLimitBuckets.count} + 1 END`,
            windowStartedAt: sql`CASE WHEN ${rateLimitBuckets.windowStartedAt} <= ${windowStart.getTime()} THEN ${at.getTime()} ELSE ${rateLimitBuckets.windowStartedAt} END`,
          },
        })
        .returning({ count: rateLimitBuckets.count }),
    ),
  ).count;
}

/**
 * Counts one attempt on `key`, or throws RateLimitError when its window is full (then nothing is
 * counted). One statement, part of the caller's write when there is one: on PostgreSQL each
 * statement of a write is a round trip made while holding the write lock. The upsert checks and
 * counts at once, so the total holds across servers even apart from that lock (DECISIONS.md #63).
 */
export async function consume(key: string, limit: Limit) {
  const at = now();
  const atMs = at.getTime();
  const counted = await writeUnseenByVisitorsOrJoin(() =>
    countIfRoom().execute({ key, at, atMs, windowEndedBefore: atMs - limit.windowMs, max: limit.max }),
  );
  if (counted.length === 0) throw new RateLimitError(Math.max(1, await retryAfter(key, limit)));
}

// Prepared once per connection: every write of a person's counts an attempt first.
const countIfRoom = preparedPerConnection((db) => {
  // `at` goes through the column's mapping (a Date); `atMs`, in an expression, does not.
  const windowEnded = sql`${rateLimitBuckets.windowStartedAt} <= ${sql.placeholder("windowEndedBefore")}`;
  return db
    .insert(rateLimitBuckets)
    .values({ key: sql.placeholder("key"), windowStartedAt: sql.placeholder("at"), count: 1 })
    .onConflictDoUpdate({
      target: rateLimitBuckets.key,
      set: {
        count: sql`CASE WHEN ${windowEnded} THEN 1 ELSE ${rateLimitBuckets.count} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${windowEnded} THEN ${sql.placeholder("atMs")} ELSE ${rateLimitBuckets.windowStartedAt} END`,
      },
      // A full window that has not ended is left as it is: no row comes back.
      setWhere: sql`${windowEnded} OR ${rateLimitBuckets.count} < ${sql.placeholder("max")}`,
    })
    .returning({ count: rateLimitBuckets.count })
    .prepare();
});

/** Forgets `key`'s counter; part of a caller's write. */
export async function resetLimit(key: string) {
  await inWrite((db) => db.delete(rateLimitBuckets).where(eq(rateLimitBuckets.key, key)));
}

/** Takes back one counted attempt (one that turned out not to be a failure); part of a caller's write. */
export async function uncountAttempt(key: string) {
  await inWrite((db) =>
    db
      .update(rateLimitBuckets)
      .set({ count: sql`${rateLimitBuckets.count} - 1` })
      .where(and(eq(rateLimitBuckets.key, key), sql`${rateLimitBuckets.count} > 0`)),
  );
}

/**
 * How long to hold a sign-in attempt's answer, given the failures counted so far for its account and
 * for its address (this attempt included): nothing up to each limit's `max`, then one step, doubling
 * with every further failure, up to ten steps. A step is one second (`SIGN_IN_DELAY_STEP_MS` changes
 * it, so tests need not wait).
 */
export function signInDelayMs(failures: { account: number; address: number }, stepMs = env("SIGN_IN_DELAY_STEP_MS")) {
  const delayFor = (count: number, limit: Limit) => {
    const over = count - 1 - limit.max; // failures before this attempt, beyond the free ones
    return over < 0 ? 0 : Math.min(2 ** over, MAX_DELAY_STEPS) * stepMs;
  };
  return Math.max(
    delayFor(failures.account, LIMITS.signInPerAccount),
    delayFor(failures.address, LIMITS.signInPerAddress),
  );
}

const MAX_DELAY_STEPS = 10;

/** Forgets every counter: for seeding, where a script writes faster than any person could. */
export async function resetAllLimits() {
  await writeUnseenByVisitors((db) => db.delete(rateLimitBuckets));
}

/**
 * The network a client address counts for in per-address limits: an IPv4 address as it is, an
 * IPv6 address by its /64 prefix. One subscriber is handed a whole /64, so counting single IPv6
 * addresses would give each client 2^64 fresh budgets.
 */
export function addressNetwork(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  const [head, tail = ""] = address.toLowerCase().split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = address.includes("::") ? (tail ? tail.split(":") : []) : [];
  const groups = [
    ...headGroups,
    ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"),
    ...tailGroups,
  ];
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
