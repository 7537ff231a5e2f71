/**
 * What staff hear about the follow-up queue: a follow-up assigned to them, a customer's "still not
 * solved", a follow-up of theirs one hour from its target, and a new follow-up in a category they
 * watch (or track: bell only). A customer's reply reaches the assignee from follow-up-state.server.ts.
 * Inside the caller's write, like every notification.
 */
import { and, eq, gt, inArray, isNotNull, isNull, lte, ne, or, sql } from "drizzle-orm";
import { followUps, threads, users } from "../../../db/schema";
import { firstRow, read, writeUnseenByVisitors } from "~/lib/db.server";
import { canViewFollowUp, canWorkFollowUps, type Member } from "~/lib/permissions.server";
import { mentionedUsers } from "~/models/community/mentions.server";
import { notify, quoting, type Writing } from "~/models/notifications/notifications.server";
import { staffWatchingCategory } from "~/models/notifications/watching.server";
import { memberColumns } from "~/models/accounts/member-columns.server";

const HOUR_MS = 3_600_000;

type FollowUpRef = { id: number; threadId: number; assigneeId: number | null };

const threadTitleOf = async (threadId: number) =>
  firstRow(await read((db) => db.select({ title: threads.title }).from(threads).where(eq(threads.id, threadId))))
    ?.title ?? "";

const followUpPath = (followUpId: number) => `/support/${followUpId}`;

export async function tellAssigned(followUp: FollowUpRef, assigneeId: number, actorId: number | null, at: Date) {
  await notify(
    {
      userId: assigneeId,
      kind: "staff-follow-up-assigned",
      title: `Assigned to you: ${await threadTitleOf(followUp.threadId)}`,
      path: followUpPath(followUp.id),
      emailText: "A follow-up was assigned to you.",
      reason: "A follow-up was assigned to you.",
      actorId,
      about: { kind: "follow-up", followUpId: followUp.id },
    },
    at,
  );
}

/** "Still not solved": the assignee hears; with nobody assigned, the staff watching its category. */
export async function tellStillNotSolved(followUp: FollowUpRef, customer: { id: number; username: string }, at: Date) {
  const title = await threadTitleOf(followUp.threadId);
  const recipients =
    followUp.assigneeId !== null
      ? [{ userId: followUp.assigneeId, bellOnly: false, reason: "This follow-up is assigned to you." }]
      : await categoryStaff(followUp.threadId);
  for (const recipient of recipients)
    await notify(
      {
        ...recipient,
        kind: "staff-follow-up-unsolved",
        title: `Still not solved: ${title}`,
        path: followUpPath(followUp.id),
        emailText: `${customer.username} says their question is still not solved, so the follow-up is open again.`,
        actorId: customer.id,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
}

async function categoryStaff(threadId: number) {
  const thread = firstRow(
    await read((db) => db.select({ categoryId: threads.categoryId }).from(threads).where(eq(threads.id, threadId))),
  );
  if (!thread) return [];
  return (await staffWatchingCategory(thread.categoryId)).map((row) => ({
    userId: row.userId,
    bellOnly: row.level === "tracking",
    reason: `You are ${row.level} the category ${row.category}.`,
  }));
}

/**
 * The people a private message or an internal note on a follow-up mentions, among those who may
 * read it (a note: staff; a message: staff and the customer), hear of it with its text; nobody else.
 */
export async function tellMentionedOnFollowUp(
  followUp: FollowUpRef & { customerId: number },
  author: Member,
  writing: Writing & { kind: "note" | "message" },
  at: Date,
) {
  const mentioned = (await mentionedUsers(writing.markdown)).filter(({ id }) => id !== author.id);
  if (mentioned.length === 0) return;
  const people = await read((db) =>
    db
      .select(memberColumns)
      .from(users)
      .where(
        inArray(
          users.id,
          mentioned.map(({ id }) => id),
        ),
      ),
  );
  const title = await threadTitleOf(followUp.threadId);
  for (const person of people) {
    const reader: Member = { kind: "user", ...person };
    const mayRead = writing.kind === "note" ? canWorkFollowUps(reader) : canViewFollowUp(reader, followUp);
    if (!mayRead) continue;
    await notify(
      {
        userId: person.id,
        kind: "mention",
        title: `${author.username} mentioned you ${writing.kind === "note" ? "in a staff note" : "on a follow-up"}: ${title}`,
        path: followUpPath(followUp.id),
        ...quoting(`${author.username} wrote:`, writing),
        reason: `${author.username} mentioned you.`,
        actorId: author.id,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
  }
}

/** A follow-up opened: the staff watching its category hear of it. */
export async function tellFollowUpOpened(followUp: FollowUpRef, openedById: number | null, at: Date) {
  const title = await threadTitleOf(followUp.threadId);
  for (const recipient of await categoryStaff(followUp.threadId))
    await notify(
      {
        ...recipient,
        kind: "staff-follow-up-new",
        title: `New follow-up: ${title}`,
        path: followUpPath(followUp.id),
        emailText: `A follow-up opened for "${title}".`,
        actorId: openedById,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
}

/**
 * The due-soon job: the assignee of every follow-up whose current target (first response, or
 * resolution once answered) is less than an hour away hears of it once per target. Paused
 * follow-ups (waiting on the customer) are not running late.
 */
export async function warnFollowUpsNearlyDue(at: Date) {
  const soon = new Date(at.getTime() + HOUR_MS);
  const currentDue = sql`CASE WHEN ${followUps.firstRespondedAt} IS NULL THEN ${followUps.firstResponseDueAt} ELSE ${followUps.resolutionDueAt} END`;
  return writeUnseenByVisitors(async (db) => {
    const due = await db
      .select({
        id: followUps.id,
        threadId: followUps.threadId,
        assigneeId: followUps.assigneeId,
        firstRespondedAt: followUps.firstRespondedAt,
        title: threads.title,
        dueAt: sql<number>`${currentDue}`.mapWith(Number),
      })
      .from(followUps)
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .where(
        and(
          isNotNull(followUps.assigneeId),
          ne(followUps.status, "resolved"),
          isNull(followUps.pausedAt),
          gt(currentDue, at.getTime()),
          lte(currentDue, soon.getTime()),
          // Once per target: not warned since this target's last hour began.
          or(isNull(followUps.dueWarningSentAt), sql`${followUps.dueWarningSentAt} < ${currentDue} - ${HOUR_MS}`),
        ),
      )
      .limit(200);
    for (const followUp of due) {
      const minutes = Math.max(1, Math.round((followUp.dueAt - at.getTime()) / 60_000));
      const target = followUp.firstRespondedAt ? "resolution" : "first response";
      await notify(
        {
          userId: followUp.assigneeId!,
          kind: "staff-follow-up-due",
          title: `Due in ${minutes} min (${target}): ${followUp.title}`,
          path: followUpPath(followUp.id),
          emailText: `The ${target} target of this follow-up is ${minutes} minutes away.`,
          reason: "This follow-up is assigned to you.",
          actorId: null,
          about: { kind: "follow-up", followUpId: followUp.id },
        },
        at,
      );
      await db.update(followUps).set({ dueWarningSentAt: at }).where(eq(followUps.id, followUp.id));
    }
    return { warned: due.length };
  });
}
