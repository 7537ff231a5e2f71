/**
 * Opening follow-ups: by the customer ("I still need help"), by staff (escalating a thread), and by
 * themselves when a customer's question passes its first-response target unanswered (openDueFollowUps).
 */
import { and, asc, eq, inArray, max, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/sqlite-core";
import { followUps, posts, supportPolicies, threads, users, type FollowUpOrigin } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, inWrite, oneRow, read, write, type Db } from "~/lib/db.server";
import { millis } from "~/lib/portable-sql.server";
import { NotFoundError } from "~/lib/errors.server";
import { log } from "~/lib/log.server";
import {
  canRequestFollowUp,
  canSeeThread,
  canWorkFollowUps,
  ensure,
  ensureSignedIn,
  reachedOthersThreadsCondition,
  staffRoleCondition,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import { activeFollowUpFor, writeFollowUpEvent } from "~/models/shared/follow-up-state.server";
import { notify } from "~/models/notifications/notifications.server";
import { dueTimes, policyFor } from "./policies.server";
import { DEFAULT_POLICY } from "./rules";
import { tellFollowUpOpened } from "./staff-notices.server";
import { assignInTurn } from "./round-robin.server";

const MINUTE = 60_000;
/**
 * Questions whose grace period ended longer ago than this are never auto-opened, so turning
 * follow-ups on does not flood the queue with old questions.
 */
const AUTO_OPEN_HORIZON_DAYS = 14;

/**
 * When the customer asked, as a new follow-up counts it: a customer asking for help is writing now;
 * otherwise their last post in the thread (for a follow-up opened by the grace period, the question).
 */
async function askedAtFor(thread: { id: number; authorId: number; createdAt: Date }, origin: FollowUpOrigin, at: Date) {
  if (origin === "customer") return at;
  if (origin === "target") return thread.createdAt;
  const last = firstRow(
    await read((db) =>
      db
        .select({ at: max(posts.createdAt) })
        .from(posts)
        .where(and(eq(posts.threadId, thread.id), eq(posts.authorId, thread.authorId))),
    ),
  );
  return last?.at ?? thread.createdAt;
}

/** Inserts a follow-up for `threadId` unless one is active; returns it, or null when there already was one. */
async function openFollowUp(threadId: number, origin: FollowUpOrigin, openedBy: Member | null, at: Date) {
  return inWrite(async (db) => {
    const thread = firstRow(
      await db
        .select({
          id: threads.id,
          title: threads.title,
          authorId: threads.authorId,
          categoryId: threads.categoryId,
          createdAt: threads.createdAt,
        })
        .from(threads)
        .where(eq(threads.id, threadId)),
    );
    if (!thread) throw new NotFoundError("That question does not exist.");
    if (await activeFollowUpFor(threadId)) return null;
    const askedAt = await askedAtFor(thread, origin, at);
    const due = dueTimes(await policyFor(thread.categoryId), "normal", askedAt);
    // A staff reply before the follow-up opened already was the first response.
    const staffReply = firstRow(
      await db
        .select({ at: posts.createdAt })
        .from(posts)
        .innerJoin(users, eq(users.id, posts.authorId))
        .where(and(eq(posts.threadId, threadId), eq(posts.kind, "answer"), staffRoleCondition(users.role)))
        .orderBy(asc(posts.createdAt))
        .limit(1),
    );
    const followUp = oneRow(
      await db
        .insert(followUps)
        .values({
          threadId,
          customerId: thread.authorId,
          origin,
          openedById: openedBy?.id ?? null,
          openedAt: at,
          askedAt,
          firstAskedAt: askedAt,
          status: "new",
          ...due,
          firstRespondedAt: staffReply?.at ?? null,
          updatedAt: at,
        })
        .returning(),
    );
    await writeFollowUpEvent(followUp.id, openedBy?.id ?? null, "opened", origin, at);
    await tellFollowUpOpened(followUp, openedBy?.id ?? null, at);
    await notify(
      {
        userId: thread.authorId,
        kind: "follow-up-opened",
        title: `Support is following up: ${thread.title}`,
        path: `/support/${followUp.id}`,
        emailText: `Our support team is following up your question "${thread.title}". You can see who has it and when to expect a reply here:`,
        reason: "You asked this question, and it is waiting for an answer.",
        actorId: openedBy?.id ?? null,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
    await assignInTurn(followUp, thread.categoryId, at);
    return followUp;
  });
}

/** "I still need help": the asker (a customer) asks for a follow-up on their own thread. */
export async function requestFollowUp(actor: Actor, threadId: number) {
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    changed.thread(threadId);
    const thread = firstRow(
      await db
        .select({ authorId: threads.authorId, visibility: threads.visibility })
        .from(threads)
        .where(eq(threads.id, threadId)),
    );
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    ensure(canRequestFollowUp(actor, thread), "Only the customer who asked can ask for a follow-up.");
    await consume(`follow-up:user:${actor.id}`, LIMITS.followUpRequest);
    const existing = await activeFollowUpFor(threadId);
    if (existing) return { followUpId: existing.id, opened: false };
    return { followUpId: (await openFollowUp(threadId, "customer", actor, now()))!.id, opened: true };
  });
}

/** Staff turn any thread into a follow-up (or get the one already open). */
export async function escalateThread(actor: Actor, threadId: number) {
  ensure(canWorkFollowUps(actor), "Only staff can escalate a thread.");
  ensureSignedIn(actor);
  return write(async (db, changed) => {
    changed.thread(threadId);
    const thread = firstRow(
      await db
        .select({ authorId: threads.authorId, visibility: threads.visibility })
        .from(threads)
        .where(eq(threads.id, threadId)),
    );
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    const existing = await activeFollowUpFor(threadId);
    if (existing) return { followUpId: existing.id, opened: false };
    const followUp = (await openFollowUp(threadId, "staff", actor, now()))!;
    await recordAudit(actor, {
      action: "follow-up.escalate",
      subject: { type: "follow-up", id: followUp.id, label: `Follow-up #${followUp.id}` },
      after: { threadId },
    });
    return { followUpId: followUp.id, opened: true };
  });
}

/**
 * The job: opens a follow-up for every customer question whose category's grace period has passed
 * with no staff reply and no accepted or verified answer, and that never had a follow-up. Its
 * targets still count from when the question was asked, so the grace period is time peers have,
 * taken from the target, never added to it.
 * Candidates are found outside the write lock; each is re-checked and opened in its own short
 * write transaction, where the one-active-per-thread index makes two runners at once open each
 * follow-up exactly once. `onlyThreadId` checks one thread (a question just asked, for categories
 * whose grace period is zero).
 */
export async function openDueFollowUps(at: Date, onlyThreadId?: number): Promise<number> {
  return read(async (db) => {
    const grace = sql`coalesce(${supportPolicies.graceMinutes}, ${DEFAULT_POLICY.graceMinutes}) * ${millis(MINUTE)}`;
    const horizonMs = AUTO_OPEN_HORIZON_DAYS * 24 * 60 * MINUTE;
    // Bounds the scan by the index on created_at: no grace period is longer than the longest one.
    const longestGrace = firstRow(
      await db.select({ minutes: max(supportPolicies.graceMinutes) }).from(supportPolicies),
    );
    const oldest =
      at.getTime() - horizonMs - Math.max(longestGrace?.minutes ?? 0, DEFAULT_POLICY.graceMinutes) * MINUTE;
    const neverFollowedUp = sql`NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.thread_id = ${threads.id})`;
    const noStaffAnswer = sql`NOT EXISTS (SELECT 1 FROM posts p JOIN users u ON u.id = p.author_id
    WHERE p.thread_id = ${threads.id} AND p.kind = 'answer' AND ${staffRoleCondition(alias(users, "u").role)})`;
    // Run on the reading handle to find candidates, then on each write's own, under its lock.
    const isDue = (on: Db, threadId?: number) =>
      on
        .select({ id: threads.id })
        .from(threads)
        .innerJoin(users, eq(users.id, threads.authorId))
        .leftJoin(supportPolicies, eq(supportPolicies.categoryId, threads.categoryId))
        .where(
          and(
            threadId === undefined ? undefined : eq(threads.id, threadId),
            sql`${threads.createdAt} >= ${oldest}`,
            sql`${threads.createdAt} + ${grace} >= ${at.getTime() - horizonMs}`,
            sql`${threads.createdAt} + ${grace} <= ${at.getTime()}`,
            eq(users.role, "customer"),
            // A waiting question has reached nobody yet; its grace period counts from when it was asked.
            reachedOthersThreadsCondition(),
            inArray(threads.status, ["open", "answered"]),
            neverFollowedUp,
            noStaffAnswer,
          ),
        );
    let opened = 0;
    for (const { id } of await isDue(db, onlyThreadId)) {
      // One question that cannot be opened (its policy changed under it, say) must not stop the rest.
      try {
        const didOpen = await write(async (db, changed) => {
          changed.thread(id);
          return firstRow(await isDue(db, id)) ? (await openFollowUp(id, "target", null, at)) !== null : false;
        });
        if (didOpen) opened += 1;
      } catch (error) {
        log.error("could not open a follow-up for a question past its grace period", { threadId: id, error });
      }
    }
    return opened;
  });
}
