/** Reading follow-ups: the staff queue, the follow-up page, the customer's own list, and what the thread page shows. */
import { and, asc, count, desc, eq, inArray, isNull, ne, or, sql, type SQL } from "drizzle-orm";
import type { SQLiteSelect } from "drizzle-orm/sqlite-core";
import {
  categories,
  followUpEvents,
  followUpNotes,
  followUpSurveys,
  followUps,
  privateMessages,
  threads,
  users,
  FOLLOW_UP_PRIORITIES,
  type ModerationState,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { firstRow, read } from "~/lib/db.server";
import { containsIgnoringCase } from "~/lib/portable-sql.server";
import { MAX_ROW_ID } from "~/lib/row-ids";
import {
  canRateFollowUp,
  canRequestFollowUp,
  canViewFollowUp,
  canWorkFollowUps,
  canWriteOnFollowUp,
  ensure,
  ensureSignedIn,
  isStaff,
  staffRoleCondition,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { activeFollowUpFor, timeLeftMs } from "~/models/shared/follow-up-state.server";
import { NEARLY_BREACHED_MS, QUEUE_PAGE_SIZE, supportQueueQuerySchema, type SupportQueueQuery } from "./rules";
import { getThreadPage } from "~/models/community/thread-page.server";
import { findFollowUp } from "./access.server";
import { calendarOf, policiesFor, type SupportPolicy } from "./policies.server";
import { isOnShift } from "./round-robin.server";
import { staffTools } from "./staff-tools.server";
import { describeTimeline } from "./timeline";

const queueColumns = {
  id: followUps.id,
  status: followUps.status,
  priority: followUps.priority,
  origin: followUps.origin,
  openedAt: followUps.openedAt,
  firstResponseDueAt: followUps.firstResponseDueAt,
  firstRespondedAt: followUps.firstRespondedAt,
  resolutionDueAt: followUps.resolutionDueAt,
  resolvedAt: followUps.resolvedAt,
  pausedAt: followUps.pausedAt,
  threadId: threads.id,
  threadTitle: threads.title,
  threadSlug: threads.slug,
  categoryId: threads.categoryId,
  categoryName: categories.name,
  customer: users.username,
  assigneeId: followUps.assigneeId,
};

type Timeable = Parameters<typeof timeLeftMs>[0] & { categoryId: number };

/** A follow-up's timing on its category's clock: time left, which target, breached or nearly, and when it is due. */
function withTiming<T extends Timeable>(row: T, at: Date, policy: SupportPolicy, viewerTimeZone: string | null) {
  const calendar = calendarOf(policy);
  const left = timeLeftMs(row, at, calendar);
  return {
    ...row,
    timeLeftMs: left,
    target: row.firstRespondedAt ? ("resolution" as const) : ("first response" as const),
    breached: left !== null && left < 0,
    nearlyBreached: left !== null && left >= 0 && left < NEARLY_BREACHED_MS,
    clock: policy.clock,
    // Due times read in the reader's own time zone when they set one, else the desk's.
    clockTimeZone: viewerTimeZone ?? policy.timeZone,
    dueAt: row.status === "resolved" ? null : row.firstRespondedAt ? row.resolutionDueAt : row.firstResponseDueAt,
  };
}

/** Follow-up rows as pages show them: with their timing and the assignee's name (a fixed number of queries for all). */
async function presentFollowUps<T extends Timeable & { assigneeId: number | null }>(
  rows: T[],
  at: Date,
  viewerTimeZone: string | null = null,
) {
  const wanted = [...new Set(rows.map((row) => row.assigneeId).filter((id): id is number => id !== null))];
  const names = new Map(
    wanted.length === 0
      ? []
      : (
          await read((db) =>
            db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, wanted)),
          )
        ).map((u) => [u.id, u.username]),
  );
  const policies = await policiesFor(rows.map((row) => row.categoryId));
  return rows.map((row) => ({
    ...withTiming(row, at, policies.get(row.categoryId)!, viewerTimeZone),
    assignee: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
  }));
}

/** The time zone `actor` chose, if any. */
async function timeZoneOf(actor: Actor) {
  if (actor.kind !== "user") return null;
  return (
    firstRow(await read((db) => db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, actor.id))))
      ?.timeZone ?? null
  );
}

/** Usernames of everyone a follow-up can be assigned to. */
async function staffUsernames() {
  return (
    await read((db) =>
      db
        .select({ username: users.username })
        .from(users)
        .where(staffRoleCondition(users.role))
        .orderBy(asc(users.username)),
    )
  ).map((u) => u.username);
}

const currentDueAt = sql`CASE WHEN ${followUps.firstRespondedAt} IS NULL THEN ${followUps.firstResponseDueAt} ELSE ${followUps.resolutionDueAt} END`;
/** The moment the clock reads: now, or when the follow-up started waiting on the customer (its clock is stopped). */
const clockAt = (at: Date) => sql`coalesce(${followUps.pausedAt}, ${at.getTime()})`;
/** `withTiming`'s "breached" in SQL: not resolved, and the current target was due before the clock's moment. */
const breachedCondition = (at: Date) => and(ne(followUps.status, "resolved"), sql`${currentDueAt} < ${clockAt(at)}`)!;
const PRIORITIES_MOST_URGENT_FIRST = [...FOLLOW_UP_PRIORITIES].reverse();
const priorityRank = sql`CASE ${followUps.priority} ${sql.join(
  PRIORITIES_MOST_URGENT_FIRST.map((priority, rank) => sql`WHEN ${priority} THEN ${rank}`),
  sql` `,
)} END`;
/** Active follow-ups: breached first, then the most urgent priority, then the least time left, then the oldest. */
const queueOrder = (at: Date) => [
  sql`CASE WHEN ${breachedCondition(at)} THEN 0 ELSE 1 END`,
  priorityRank,
  sql`${currentDueAt} - ${clockAt(at)}`,
  asc(followUps.id),
];
const MAX_SEARCH_WORDS = 8;

/**
 * `q`: a follow-up number ("#123", "123"), else every word in the title, the customer's username or
 * their email (a number larger than any id is searched as a word).
 */
function searchCondition(q: string): SQL | undefined {
  const number = /^#?(\d{1,10})$/.exec(q);
  if (number && Number(number[1]) <= MAX_ROW_ID) return eq(followUps.id, Number(number[1]));
  const words = q.split(/\s+/).filter(Boolean).slice(0, MAX_SEARCH_WORDS);
  return and(
    ...words.map((word) =>
      or(
        containsIgnoringCase(threads.title, word),
        containsIgnoringCase(users.username, word),
        containsIgnoringCase(users.email, word),
      ),
    ),
  );
}

/** Every filter of the queue but its status tab, so the tab counts follow the same filters. */
function queueFilters(actor: Member, query: SupportQueueQuery, at: Date): SQL[] {
  const filters: (SQL | undefined)[] = [];
  if (query.priority) filters.push(eq(followUps.priority, query.priority));
  if (query.category) filters.push(eq(categories.slug, query.category));
  if (query.assignee === "me") filters.push(eq(followUps.assigneeId, actor.id));
  else if (query.assignee === "nobody") filters.push(isNull(followUps.assigneeId));
  else if (query.assignee)
    filters.push(sql`${followUps.assigneeId} = (SELECT id FROM users WHERE username = ${query.assignee})`);
  if (query.q) filters.push(searchCondition(query.q));
  if (query.view === "mine") filters.push(eq(followUps.assigneeId, actor.id));
  else if (query.view === "unassigned") filters.push(isNull(followUps.assigneeId));
  else if (query.view === "breached") filters.push(breachedCondition(at));
  else if (query.view === "waiting") filters.push(eq(followUps.status, "waiting"));
  return filters.filter((filter): filter is SQL => filter !== undefined);
}

/** A follow-up's thread, category and customer, which the queue's filters and search read. */
const withQueueJoins = <T extends SQLiteSelect>(select: T) =>
  select
    .innerJoin(threads, eq(threads.id, followUps.threadId))
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, followUps.customerId));

/**
 * /support: the queue, filtered and searched, breached first, then by priority, then least time
 * left; the resolved tab newest first. Ordered in SQL, so every page holds the right rows.
 */
export async function listSupportQueue(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can see the support queue.");
  ensureSignedIn(actor);
  const query: SupportQueueQuery = supportQueueQuerySchema.parse(input);
  return read(async (db) => {
    const at = now();
    const filters = queueFilters(actor, query, at);
    const status = query.status === "active" ? ne(followUps.status, "resolved") : eq(followUps.status, query.status);
    const rows = await withQueueJoins(db.select(queueColumns).from(followUps).$dynamic())
      .where(and(status, ...filters))
      .orderBy(...(query.status === "resolved" ? [desc(followUps.resolvedAt), desc(followUps.id)] : queueOrder(at)))
      .limit(QUEUE_PAGE_SIZE + 1)
      .offset((query.page - 1) * QUEUE_PAGE_SIZE);
    const page = rows.slice(0, QUEUE_PAGE_SIZE);
    const counts = await withQueueJoins(db.select({ status: followUps.status, n: count() }).from(followUps).$dynamic())
      .where(and(...filters))
      .groupBy(followUps.status);
    return {
      query,
      items: await presentFollowUps(page, at),
      hasNextPage: rows.length > QUEUE_PAGE_SIZE,
      counts: Object.fromEntries(counts.map((row) => [row.status, row.n])) as Partial<Record<string, number>>,
      staff: await staffUsernames(),
      onShift: await isOnShift(actor),
      categories: await db
        .select({ slug: categories.slug, name: categories.name })
        .from(categories)
        .orderBy(asc(categories.position)),
    };
  });
}

/** The follow-up page: for staff everything; for the customer it is for, all but internal notes. */
export async function getFollowUpPage(actor: Actor, followUpId: number) {
  return read(async (db) => {
    const followUp = await findFollowUp(actor, followUpId);
    const at = now();
    const staffView = isStaff(actor);
    const thread = await getThreadPage(actor, followUp.threadId);
    const customer = firstRow(
      await db
        .select({ id: users.id, username: users.username, role: users.role, createdAt: users.createdAt })
        .from(users)
        .where(eq(users.id, followUp.customerId)),
    )!;
    const authorColumns = { username: users.username, role: users.role };
    const messages = await db
      .select({
        id: privateMessages.id,
        bodyHtml: privateMessages.bodyHtml,
        createdAt: privateMessages.createdAt,
        ...authorColumns,
      })
      .from(privateMessages)
      .innerJoin(users, eq(users.id, privateMessages.authorId))
      .where(eq(privateMessages.followUpId, followUpId))
      .orderBy(asc(privateMessages.createdAt), asc(privateMessages.id));
    const events = await db
      .select({
        id: followUpEvents.id,
        kind: followUpEvents.kind,
        detail: followUpEvents.detail,
        createdAt: followUpEvents.createdAt,
        actorId: followUpEvents.actorId,
        actor: users.username,
      })
      .from(followUpEvents)
      .leftJoin(users, eq(users.id, followUpEvents.actorId))
      // Customers do not learn that an internal note was written.
      .where(and(eq(followUpEvents.followUpId, followUpId), staffView ? undefined : ne(followUpEvents.kind, "note")))
      .orderBy(asc(followUpEvents.createdAt), asc(followUpEvents.id));
    const notes = staffView
      ? await db
          .select({
            id: followUpNotes.id,
            bodyHtml: followUpNotes.bodyHtml,
            createdAt: followUpNotes.createdAt,
            ...authorColumns,
          })
          .from(followUpNotes)
          .innerJoin(users, eq(users.id, followUpNotes.authorId))
          .where(eq(followUpNotes.followUpId, followUpId))
          .orderBy(asc(followUpNotes.createdAt), asc(followUpNotes.id))
      : null;
    const history = staffView
      ? {
          threads: await db
            .select({
              id: threads.id,
              title: threads.title,
              slug: threads.slug,
              status: threads.status,
              createdAt: threads.createdAt,
            })
            .from(threads)
            .where(and(eq(threads.authorId, customer.id), ne(threads.id, followUp.threadId)))
            .orderBy(desc(threads.createdAt))
            .limit(10),
          followUps: await db
            .select({
              id: followUps.id,
              status: followUps.status,
              openedAt: followUps.openedAt,
              threadTitle: threads.title,
              rating: followUpSurveys.rating,
              surveyKind: followUpSurveys.kind,
            })
            .from(followUps)
            .innerJoin(threads, eq(threads.id, followUps.threadId))
            .leftJoin(followUpSurveys, eq(followUpSurveys.followUpId, followUps.id))
            .where(and(eq(followUps.customerId, customer.id), ne(followUps.id, followUpId)))
            .orderBy(desc(followUps.openedAt))
            .limit(10),
        }
      : null;
    const survey = firstRow(
      await db
        .select({
          kind: followUpSurveys.kind,
          rating: followUpSurveys.rating,
          comment: followUpSurveys.comment,
          answeredAt: followUpSurveys.answeredAt,
        })
        .from(followUpSurveys)
        .where(eq(followUpSurveys.followUpId, followUpId)),
    );
    return {
      followUp: (
        await presentFollowUps(
          [{ ...followUp, categoryId: thread.thread.categoryId }],
          at,
          staffView ? null : await timeZoneOf(actor),
        )
      )[0],
      survey: survey ? { ...survey, canAnswer: !survey.answeredAt && canRateFollowUp(actor, followUp) } : null,
      thread,
      customer,
      messages,
      // In the customer's words for the customer, precise for staff (timeline.ts).
      events: describeTimeline(events, staffView ? "staff" : "customer", followUp)
        .map((text, index) => ({ id: events[index].id, createdAt: events[index].createdAt, text }))
        .filter((event) => event.text !== ""),
      notes,
      history,
      staffView,
      canWrite: canWriteOnFollowUp(actor, followUp),
      staff: staffView ? await staffUsernames() : [],
      ...(await staffTools(actor, followUp, at)),
    };
  });
}

/** /my/support: the signed-in customer's follow-ups, newest first. */
export async function listMyFollowUps(actor: Actor) {
  ensureSignedIn(actor);
  const at = now();
  const rows = await read((db) =>
    db
      .select(queueColumns)
      .from(followUps)
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .innerJoin(users, eq(users.id, followUps.customerId))
      .where(eq(followUps.customerId, actor.id))
      .orderBy(desc(followUps.openedAt))
      .limit(50),
  );
  return presentFollowUps(rows, at, await timeZoneOf(actor));
}

/** What the thread page shows about support: the active follow-up (to staff and its customer) and what may be done. */
export async function threadSupportState(
  actor: Actor,
  thread: { id: number; authorId: number; status: string; visibility: ModerationState },
) {
  // Visitors can neither see follow-ups nor ask for one: no query on the most-read page.
  if (actor.kind !== "user") return { followUp: null, canRequest: false, canEscalate: false };
  const followUp = await activeFollowUpFor(thread.id);
  const visible = followUp && canViewFollowUp(actor, followUp) ? { id: followUp.id, status: followUp.status } : null;
  return {
    followUp: visible,
    canRequest: !followUp && thread.status !== "solved" && canRequestFollowUp(actor, thread),
    canEscalate: !followUp && canWorkFollowUps(actor),
  };
}
