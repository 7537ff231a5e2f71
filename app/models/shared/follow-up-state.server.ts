/**
 * How a follow-up's status and clocks move. Shared by the support model and by the writes elsewhere
 * that affect a follow-up (an answer in its thread), so the rules live in one place:
 * - waiting on the customer stops the clock (`paused_at`); leaving that state moves every unmet due
 *   time later by the time spent waiting;
 * - the first reply by staff (in the thread or privately) is the first response;
 * - the customer replying to a follow-up that waits on them puts it back to open;
 * - resolving a follow-up records how (`resolution`) and, the first time there is something to ask
 *   about, creates its one satisfaction question: "support" when staff replied, "community" when a
 *   peer's answer solved it without a staff reply (surveyKindFor);
 * - `reminder_sent_at` belongs to the current wait on the customer and is cleared when it ends.
 * Callers run these inside their write transaction.
 */
import { and, eq, ne, sql, type Placeholder, type SQLWrapper } from "drizzle-orm";
import {
  followUpEvents,
  followUpSurveys,
  followUps,
  threads,
  type FollowUpResolution,
  type FollowUpStatus,
  type SurveyKind,
} from "../../../db/schema";
import { firstRow, inWrite, oneRow, preparedPerConnection, read } from "~/lib/db.server";
import { isStaff, type Member } from "~/lib/permissions.server";
import { notify, notifyResolved, quoting, type Writing } from "~/models/notifications/notifications.server";
import { addOpenTime, openTimeBetween, type SupportCalendar } from "~/models/support/open-hours";
import { calendarOf, dueTimes, policyOfThread } from "~/models/support/policies.server";

/** A status as the customer hears it in a notification. */
const STATUS_FOR_CUSTOMERS: Record<Exclude<FollowUpStatus, "resolved">, string> = {
  new: "Back in the support queue",
  open: "Support is working on it",
  waiting: "Support is waiting for your reply",
};

export type FollowUpRow = typeof followUps.$inferSelect;

// Asked by every signed-in thread page and most follow-up writes: prepared once.
const activeFollowUp = preparedPerConnection((db) =>
  db
    .select()
    .from(followUps)
    .where(and(eq(followUps.threadId, sql.placeholder("threadId")), ne(followUps.status, "resolved")))
    .prepare(),
);

export async function activeFollowUpFor(threadId: number): Promise<FollowUpRow | undefined> {
  return firstRow(await activeFollowUp().execute({ threadId }));
}

export async function writeFollowUpEvent(
  followUpId: number,
  actorId: number | null,
  kind: string,
  detail: string,
  at: Date,
) {
  await inWrite((db) => db.insert(followUpEvents).values({ followUpId, actorId, kind, detail, createdAt: at }));
}

const threadTitle = async (threadId: number) =>
  firstRow(await read((db) => db.select({ title: threads.title }).from(threads).where(eq(threads.id, threadId))))
    ?.title ?? "your question";

/**
 * The satisfaction question a resolution asks, if any (DECISIONS.md "Satisfaction that tells the
 * truth"): how well staff helped once staff replied (`first_responded_at`: an answer in the thread
 * or a private message); whether the community's answer solved it when a peer's answer was accepted
 * or verified with no staff reply; nothing otherwise (closed without a reply, or for want of the
 * customer's), so a later resolution may still ask.
 */
export function surveyKindFor(
  followUp: Pick<FollowUpRow, "firstRespondedAt">,
  resolution: FollowUpResolution,
): SurveyKind | null {
  if (resolution === "no-reply") return null;
  if (followUp.firstRespondedAt) return "support";
  return resolution === "accepted-answer" || resolution === "verified-solution" ? "community" : null;
}

/**
 * Moves `followUp` to `status` with its clock rules and tells the customer (unless they made the
 * change, or `quiet` because the caller sends its own notification); returns the row as it now is.
 * A resolution is "staff" unless the caller says how (or the customer made it: "customer").
 */
export async function changeFollowUpStatus(
  followUp: FollowUpRow,
  status: FollowUpStatus,
  actorId: number | null,
  at: Date,
  { quiet = false, resolution }: { quiet?: boolean; resolution?: FollowUpResolution } = {},
): Promise<FollowUpRow> {
  if (followUp.status === status) return followUp;
  const changes: Partial<FollowUpRow> = { status, updatedAt: at };
  if (followUp.status === "resolved") {
    // Reopened (the customer's "still not solved", or staff): the targets count afresh from now,
    // as from a customer writing again; a first response already given stays met.
    const due = dueTimes(await policyOfThread(followUp.threadId), followUp.priority, at);
    Object.assign(changes, {
      askedAt: at,
      waitedMs: 0,
      firstResponseDueAt: followUp.firstRespondedAt ? followUp.firstResponseDueAt : due.firstResponseDueAt,
      resolutionDueAt: due.resolutionDueAt,
      dueWarningSentAt: null,
    });
  } else if (followUp.pausedAt && status !== "waiting") {
    // The open time spent waiting moves every unmet target that much later, also when the wait
    // ends in resolving it: a follow-up resolved while waiting was not late for the wait.
    changes.pausedAt = null;
    const calendar = await calendarOfThread(followUp.threadId);
    const waited = openTimeBetween(followUp.pausedAt, at, calendar);
    changes.waitedMs = followUp.waitedMs + waited;
    if (!followUp.firstRespondedAt)
      changes.firstResponseDueAt = addOpenTime(followUp.firstResponseDueAt, waited, calendar);
    changes.resolutionDueAt = addOpenTime(followUp.resolutionDueAt, waited, calendar);
  }
  if (status === "waiting") changes.pausedAt = at;
  changes.resolvedAt = status === "resolved" ? at : null;
  const resolvedHow = resolution ?? (actorId === followUp.customerId ? "customer" : "staff");
  changes.resolution = status === "resolved" ? resolvedHow : null;
  if (status !== "waiting") changes.reminderSentAt = null;
  const updated = oneRow(
    await inWrite((db) => db.update(followUps).set(changes).where(eq(followUps.id, followUp.id)).returning()),
  );
  await writeFollowUpEvent(followUp.id, actorId, "status", `${followUp.status} → ${status}`, at);
  // The satisfaction question, once per follow-up: resolving again after a reopen asks nothing new.
  if (status === "resolved") {
    const kind = surveyKindFor(updated, resolvedHow);
    const surveyed = kind
      ? await inWrite((db) =>
          db
            .insert(followUpSurveys)
            .values({ followUpId: followUp.id, customerId: followUp.customerId, kind, createdAt: at })
            .onConflictDoNothing()
            .returning({ followUpId: followUpSurveys.followUpId }),
        )
      : [];
    if (kind && surveyed.length > 0)
      await notifyResolved(followUp.id, followUp.customerId, await threadTitle(followUp.threadId), kind, at);
    // A follow-up closed for want of the customer's reply: the automation that closed it says why.
    else if (resolvedHow !== "no-reply")
      await notify(
        {
          userId: followUp.customerId,
          kind: "follow-up-resolved",
          title: `${kind ? "Resolved again" : "Resolved"}: ${await threadTitle(followUp.threadId)}`,
          path: `/support/${followUp.id}`,
          emailText: `We have resolved your follow-up${kind ? " again" : ""}. If it is not solved after all, the page has an "It is still not solved" button that reopens it.`,
          reason: "You asked us to follow up this question.",
          actorId,
          about: { kind: "follow-up", followUpId: followUp.id },
        },
        at,
      );
  } else if (!quiet && actorId !== followUp.customerId) {
    const title = await threadTitle(followUp.threadId);
    await notify(
      {
        userId: followUp.customerId,
        kind: "follow-up-status",
        title: `${STATUS_FOR_CUSTOMERS[status]}: ${title}`,
        path: `/support/${followUp.id}`,
        emailText: `Your follow-up about "${title}": ${STATUS_FOR_CUSTOMERS[status].toLowerCase()}.`,
        reason: "You asked us to follow up this question.",
        actorId,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
  }
  return updated;
}

const isActiveFollowUpOf = (threadId: SQLWrapper | Placeholder) =>
  and(eq(followUps.threadId, threadId), ne(followUps.status, "resolved"));

const activeFollowUpExists = preparedPerConnection((db) =>
  db
    .select({ id: followUps.id })
    .from(followUps)
    .where(isActiveFollowUpOf(sql.placeholder("threadId")))
    .limit(1)
    .prepare(),
);

/**
 * 1 when thread `threadId` (a column or placeholder of the caller's statement) has a follow-up not
 * yet resolved, else 0: a column the answer's thread check carries under the write lock, so
 * `recordReplyOnFollowUp` is told (`followUpActive`) instead of asking in a round trip of its own.
 */
export function activeFollowUpColumn(threadId: SQLWrapper | Placeholder) {
  return sql<number>`CASE WHEN EXISTS (SELECT 1 FROM ${followUps} WHERE ${isActiveFollowUpOf(threadId)}) THEN 1 ELSE 0 END`;
}

/** A reply on a follow-up: an answer in its thread, or a private message (whose text the email carries). */
export type FollowUpReply = { postId: number } | { privateMessage: Writing };

/**
 * A reply was posted in the thread (or privately on its follow-up) by `author`. This runs for every
 * answer posted anywhere, inside its write lock, so the common case (no follow-up) is one prepared
 * statement: building the full drizzle query cost ~0.3 ms, a tenth of posting an answer.
 * A staff member's private message is news for the customer (an answer in the thread reaches them
 * as a new answer on their question); the customer's reply is news for the assignee.
 */
export async function recordReplyOnFollowUp(
  threadId: number,
  author: Member,
  at: Date,
  reply: FollowUpReply,
  followUpActive?: boolean,
) {
  if (followUpActive === false) return;
  if (followUpActive === undefined && !firstRow(await activeFollowUpExists().execute({ threadId }))) return;
  const followUp = await activeFollowUpFor(threadId);
  if (!followUp) return;
  const about = { kind: "follow-up", followUpId: followUp.id } as const;
  const path = `/support/${followUp.id}#conversation`;
  const postId = "postId" in reply ? reply.postId : null;
  const message = "privateMessage" in reply ? reply.privateMessage : undefined;
  if (isStaff(author)) {
    if (message) {
      const title = await threadTitle(threadId);
      await notify(
        {
          userId: followUp.customerId,
          kind: "follow-up-reply",
          title: `Support replied: ${title}`,
          path,
          ...quoting(`${author.username} from support wrote:`, message),
          reason: "You asked us to follow up this question.",
          actorId: author.id,
          about,
        },
        at,
      );
    }
    if (!followUp.firstRespondedAt) {
      await inWrite((db) =>
        db.update(followUps).set({ firstRespondedAt: at, updatedAt: at }).where(eq(followUps.id, followUp.id)),
      );
      await writeFollowUpEvent(followUp.id, author.id, "first-response", "", at);
    }
    if (followUp.status === "new")
      await changeFollowUpStatus(
        { ...followUp, firstRespondedAt: followUp.firstRespondedAt ?? at },
        "open",
        author.id,
        at,
        {
          quiet: true,
        },
      );
  } else if (author.id === followUp.customerId) {
    if (followUp.assigneeId !== null) {
      await notify(
        {
          userId: followUp.assigneeId,
          kind: "staff-follow-up-reply",
          title: `${author.username} replied: ${await threadTitle(threadId)}`,
          path,
          postId,
          threadId,
          ...(message && quoting(`${author.username} wrote:`, message)),
          reason: "This follow-up is assigned to you.",
          actorId: author.id,
          about,
        },
        at,
      );
    }
    if (followUp.status === "waiting") await changeFollowUpStatus(followUp, "open", author.id, at);
  }
}

/**
 * Time until the follow-up's current target (first response, then resolution); frozen while
 * waiting. On a business clock only open hours count toward it. Once overdue it is negative by the
 * real time since the due time: a customer waiting through the night is kept waiting all the same.
 */
export function timeLeftMs(
  followUp: Pick<FollowUpRow, "status" | "firstRespondedAt" | "firstResponseDueAt" | "resolutionDueAt" | "pausedAt">,
  at: Date,
  calendar: SupportCalendar,
) {
  if (followUp.status === "resolved") return null;
  const due = followUp.firstRespondedAt ? followUp.resolutionDueAt : followUp.firstResponseDueAt;
  const from = followUp.pausedAt ?? at;
  return due <= from ? due.getTime() - from.getTime() : openTimeBetween(from, due, calendar);
}

/** The clock of the category a thread is in. */
async function calendarOfThread(threadId: number) {
  return calendarOf(await policyOfThread(threadId));
}
