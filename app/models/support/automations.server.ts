/**
 * What happens by itself to a follow-up that waits on the customer (status "waiting", `paused_at`
 * set): after the category's `remind_after_minutes` the customer is reminded, once per wait
 * (`reminder_sent_at`, cleared when the wait ends); after `auto_resolve_after_minutes` it resolves
 * itself ("no-reply", no satisfaction question) and the customer hears why and how to reopen it.
 * Both count calendar time from the start of the wait; null in the policy turns either off, and a
 * category without a policy row has DEFAULT_POLICY's. The job finds its candidates in one query
 * and makes each change in a short write of its own that checks again, under the write lock, that
 * the wait it read is still the one in the row: two runners racing change and tell once.
 */
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import { followUps, supportPolicies, threads } from "../../../db/schema";
import { firstRow, read, write } from "~/lib/db.server";
import { millis } from "~/lib/portable-sql.server";
import { changeFollowUpStatus, writeFollowUpEvent } from "~/models/shared/follow-up-state.server";
import { notify } from "~/models/notifications/notifications.server";
import { DEFAULT_POLICY } from "./rules";

const MINUTE = 60_000;
/** Follow-ups handled per run; the next run (a minute later) takes the rest. */
const BATCH = 200;

// A category's setting, or the default when the category has no policy row (null: off).
const policyMinutes = (column: SQLiteColumn, fallback: number | null) =>
  sql<number | null>`CASE WHEN ${supportPolicies.categoryId} IS NULL THEN ${fallback} ELSE ${column} END`;
const remindAfter = policyMinutes(supportPolicies.remindAfterMinutes, DEFAULT_POLICY.remindAfterMinutes);
const resolveAfter = policyMinutes(supportPolicies.autoResolveAfterMinutes, DEFAULT_POLICY.autoResolveAfterMinutes);
const passed = (minutes: typeof remindAfter, at: Date) =>
  sql`${followUps.pausedAt} + ${minutes} * ${millis(MINUTE)} <= ${at.getTime()}`;

/** "3 days", "1 day", "5 hours": a policy's length as the customer reads it. */
function describeWait(minutes: number) {
  const [count, unit] = minutes % 1440 === 0 ? [minutes / 1440, "day"] : [Math.round(minutes / 60), "hour"];
  return `${count} ${unit}${count === 1 ? "" : "s"}`;
}

type Candidate = {
  id: number;
  threadId: number;
  customerId: number;
  pausedAt: Date;
  title: string;
  remindAfter: number | null;
  resolveAfter: number | null;
};

/** The job: reminds the customers due a reminder and resolves the follow-ups whose wait ran out. */
export async function remindOrResolveWaitingFollowUps(at: Date) {
  const due: Candidate[] = (
    await read((db) =>
      db
        .select({
          id: followUps.id,
          threadId: followUps.threadId,
          customerId: followUps.customerId,
          pausedAt: followUps.pausedAt,
          title: threads.title,
          remindAfter: remindAfter.mapWith((value) => (value === null ? null : Number(value))),
          resolveAfter: resolveAfter.mapWith((value) => (value === null ? null : Number(value))),
        })
        .from(followUps)
        .innerJoin(threads, eq(threads.id, followUps.threadId))
        .leftJoin(supportPolicies, eq(supportPolicies.categoryId, threads.categoryId))
        .where(
          and(
            eq(followUps.status, "waiting"),
            sql`${followUps.pausedAt} IS NOT NULL`,
            sql`(${passed(resolveAfter, at)} OR (${followUps.reminderSentAt} IS NULL AND ${passed(remindAfter, at)}))`,
          ),
        )
        .orderBy(asc(followUps.pausedAt))
        .limit(BATCH),
    )
  ).map((row) => ({ ...row, pausedAt: row.pausedAt! }));
  let reminded = 0;
  let autoResolved = 0;
  for (const followUp of due) {
    const resolveDue =
      followUp.resolveAfter !== null && followUp.pausedAt.getTime() + followUp.resolveAfter * MINUTE <= at.getTime();
    if (resolveDue) autoResolved += (await resolveSilentFollowUp(followUp, at)) ? 1 : 0;
    else reminded += (await remindWaitingCustomer(followUp, at)) ? 1 : 0;
  }
  return { reminded, autoResolved };
}

// The wait the job read is still under way: same follow-up, still waiting, paused at the same instant.
const sameWait = (followUp: Candidate) =>
  and(eq(followUps.id, followUp.id), eq(followUps.status, "waiting"), eq(followUps.pausedAt, followUp.pausedAt));

async function remindWaitingCustomer(followUp: Candidate, at: Date) {
  return write(async (db, changed) => {
    changed.thread(followUp.threadId);
    const claimed = await db
      .update(followUps)
      .set({ reminderSentAt: at })
      .where(and(sameWait(followUp), isNull(followUps.reminderSentAt)))
      .returning({ id: followUps.id });
    if (claimed.length === 0) return false;
    await writeFollowUpEvent(followUp.id, null, "reminded", describeWait(followUp.remindAfter!), at);
    const closing =
      followUp.resolveAfter === null
        ? ""
        : ` Without a reply we will close it ${describeWait(followUp.resolveAfter)} after we asked; you can reopen it then too.`;
    await notify(
      {
        userId: followUp.customerId,
        kind: "follow-up-status",
        title: `We are waiting for your reply: ${followUp.title}`,
        path: `/support/${followUp.id}#conversation`,
        emailText: `Support asked you something about "${followUp.title}" ${describeWait(followUp.remindAfter!)} ago and is waiting for your reply: answer on the follow-up page.${closing}`,
        reason: "You asked us to follow up this question.",
        actorId: null,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
    return true;
  });
}

async function resolveSilentFollowUp(followUp: Candidate, at: Date) {
  return write(async (db, changed) => {
    changed.thread(followUp.threadId);
    const row = firstRow(await db.select().from(followUps).where(sameWait(followUp)));
    if (!row) return false;
    await changeFollowUpStatus(row, "resolved", null, at, { resolution: "no-reply" });
    const waited = describeWait(followUp.resolveAfter!);
    await writeFollowUpEvent(followUp.id, null, "auto-resolved", waited, at);
    await notify(
      {
        userId: followUp.customerId,
        kind: "follow-up-resolved",
        title: `Closed after ${waited} without your reply: ${followUp.title}`,
        path: `/support/${followUp.id}#survey`,
        emailText: `We closed your follow-up about "${followUp.title}" because we had not heard from you for ${waited} after we asked you something. If it is not solved, open the follow-up and press "It is still not solved": it goes back to our support team.`,
        reason: "You asked us to follow up this question.",
        actorId: null,
        about: { kind: "follow-up", followUpId: followUp.id },
      },
      at,
    );
    return true;
  });
}
