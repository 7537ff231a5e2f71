/**
 * Support follow-ups: opening them (by target, by the customer, by staff), the staff queue, the
 * follow-up page, replies, internal notes and private messages, and the customer's own list.
 * Status and clock rules are in follow-up-state.server.ts.
 */
import { and, asc, count, desc, eq, inArray, isNull, ne, sql, type SQL } from "drizzle-orm";
import { z } from "zod";
import {
  categories,
  categoryTargets,
  followUpEvents,
  followUpNotes,
  followUpSurveys,
  followUps,
  posts,
  privateMessages,
  threads,
  users,
  FOLLOW_UP_PRIORITIES,
  FOLLOW_UP_STATUSES,
  type FollowUpOrigin,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { getDb, writeTransaction } from "~/lib/db.server";
import { ConflictError, NotFoundError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { renderMarkdown } from "~/lib/markdown.server";
import {
  canRateFollowUp,
  canRequestFollowUp,
  canSeeThread,
  canSetResponseTargets,
  canViewFollowUp,
  canWorkFollowUps,
  canWriteOnFollowUp,
  ensure,
  ensureSignedIn,
  isStaff,
  type Actor,
  type Member,
} from "~/lib/permissions.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { recordAudit } from "~/models/shared/audit.server";
import {
  activeFollowUpFor,
  changeFollowUpStatus,
  recordReplyOnFollowUp,
  timeLeftMs,
  writeFollowUpEvent,
  type FollowUpRow,
} from "~/models/shared/follow-up-state.server";
import { notify } from "~/models/notifications/notifications.server";
import { postAnswer } from "~/models/community/posts.server";
import {
  DEFAULT_TARGETS,
  NEARLY_BREACHED_MS,
  QUEUE_PAGE_SIZE,
  supportQueueQuerySchema,
  type SupportQueueQuery,
} from "./rules";
import { getThreadPage } from "~/models/community/thread-page.server";
import { bodySchema } from "~/models/community/post-input";

const MINUTE = 60_000;
/** Threads older than this are never auto-opened, so turning follow-ups on does not flood the queue with old questions. */
const AUTO_OPEN_HORIZON_DAYS = 14;

function targetsFor(categoryId: number) {
  const row = getDb().select().from(categoryTargets).where(eq(categoryTargets.categoryId, categoryId)).get();
  return row ?? DEFAULT_TARGETS;
}

/** Inserts a follow-up for `threadId` unless one is active; returns it, or null when there already was one. */
function openFollowUp(threadId: number, origin: FollowUpOrigin, openedBy: Member | null, at: Date) {
  const db = getDb();
  const thread = db
    .select({ id: threads.id, title: threads.title, authorId: threads.authorId, categoryId: threads.categoryId })
    .from(threads)
    .where(eq(threads.id, threadId))
    .get();
  if (!thread) throw new NotFoundError("That question does not exist.");
  if (activeFollowUpFor(threadId)) return null;
  const targets = targetsFor(thread.categoryId);
  // A staff reply before the follow-up opened already was the first response.
  const staffReply = db
    .select({ at: posts.createdAt })
    .from(posts)
    .innerJoin(users, eq(users.id, posts.authorId))
    .where(and(eq(posts.threadId, threadId), eq(posts.kind, "answer"), inArray(users.role, ["staff", "admin"])))
    .orderBy(asc(posts.createdAt))
    .limit(1)
    .get();
  const followUp = db
    .insert(followUps)
    .values({
      threadId,
      customerId: thread.authorId,
      origin,
      openedById: openedBy?.id ?? null,
      openedAt: at,
      status: "new",
      firstResponseDueAt: new Date(at.getTime() + targets.firstResponseMinutes * MINUTE),
      firstRespondedAt: staffReply?.at ?? null,
      resolutionDueAt: new Date(at.getTime() + targets.resolutionMinutes * MINUTE),
      updatedAt: at,
    })
    .returning()
    .get();
  writeFollowUpEvent(followUp.id, openedBy?.id ?? null, "opened", origin, at);
  notify(
    thread.authorId,
    "follow-up-opened",
    {
      title: `Support is following up: ${thread.title}`,
      path: `/support/${followUp.id}`,
      emailText: `Our support team is following up your question "${thread.title}". You can see who has it and when to expect a reply here:`,
    },
    at,
  );
  return followUp;
}

/** "I still need help": the asker (a customer) asks for a follow-up on their own thread. */
export function requestFollowUp(actor: Actor, threadId: number) {
  ensureSignedIn(actor);
  return writeTransaction((changed) => {
    changed.thread(threadId);
    const thread = getDb()
      .select({ authorId: threads.authorId, visibility: threads.visibility })
      .from(threads)
      .where(eq(threads.id, threadId))
      .get();
    if (!thread || !canSeeThread(actor, thread)) throw new NotFoundError("That question does not exist.");
    ensure(canRequestFollowUp(actor, thread), "Only the customer who asked can ask for a follow-up.");
    consume(`follow-up:user:${actor.id}`, LIMITS.followUpRequest);
    const existing = activeFollowUpFor(threadId);
    if (existing) return { followUpId: existing.id, opened: false };
    return { followUpId: openFollowUp(threadId, "customer", actor, now())!.id, opened: true };
  });
}

/** Staff turn any thread into a follow-up (or get the one already open). */
export function escalateThread(actor: Actor, threadId: number) {
  ensure(canWorkFollowUps(actor), "Only staff can escalate a thread.");
  ensureSignedIn(actor);
  return writeTransaction((changed) => {
    changed.thread(threadId);
    const existing = activeFollowUpFor(threadId);
    if (existing) return { followUpId: existing.id, opened: false };
    const followUp = openFollowUp(threadId, "staff", actor, now())!;
    recordAudit(actor, {
      action: "follow-up.escalate",
      subject: { type: "follow-up", id: followUp.id, label: `Follow-up #${followUp.id}` },
      after: { threadId },
    });
    return { followUpId: followUp.id, opened: true };
  });
}

/**
 * The job: opens a follow-up for every customer question that has passed its first-response
 * target with no staff reply and no accepted or verified answer, and never had a follow-up.
 * Candidates are found outside the write lock; each is re-checked and opened in its own short
 * write transaction, where the one-active-per-thread index makes two runners at once open each
 * follow-up exactly once.
 */
export function openDueFollowUps(at: Date): number {
  const db = getDb();
  const horizon = new Date(at.getTime() - AUTO_OPEN_HORIZON_DAYS * 24 * 60 * MINUTE);
  const neverFollowedUp = sql`NOT EXISTS (SELECT 1 FROM follow_ups f WHERE f.thread_id = ${threads.id})`;
  const noStaffAnswer = sql`NOT EXISTS (SELECT 1 FROM posts p JOIN users u ON u.id = p.author_id
    WHERE p.thread_id = ${threads.id} AND p.kind = 'answer' AND u.role IN ('staff', 'admin'))`;
  const isDue = (threadId?: number) =>
    db
      .select({ id: threads.id })
      .from(threads)
      .innerJoin(users, eq(users.id, threads.authorId))
      .leftJoin(categoryTargets, eq(categoryTargets.categoryId, threads.categoryId))
      .where(
        and(
          threadId === undefined ? undefined : eq(threads.id, threadId),
          sql`${threads.createdAt} >= ${horizon.getTime()}`,
          eq(users.role, "customer"),
          inArray(threads.status, ["open", "answered"]),
          sql`${threads.createdAt} + coalesce(${categoryTargets.firstResponseMinutes}, ${DEFAULT_TARGETS.firstResponseMinutes}) * ${MINUTE} <= ${at.getTime()}`,
          neverFollowedUp,
          noStaffAnswer,
        ),
      );
  let opened = 0;
  for (const { id } of isDue().all()) {
    const didOpen = writeTransaction((changed) => {
      changed.thread(id);
      return isDue(id).get() ? openFollowUp(id, "target", null, at) !== null : false;
    });
    if (didOpen) opened += 1;
  }
  return opened;
}

const workSchema = z.object({
  intent: z.enum(["take", "assign", "priority", "status"], { error: "Unknown action." }),
  assignee: z.string().trim().max(40).optional(),
  priority: z.enum(FOLLOW_UP_PRIORITIES, { error: "Choose a priority." }).optional(),
  status: z.enum(FOLLOW_UP_STATUSES, { error: "Choose a status." }).optional(),
});

function findFollowUp(actor: Actor, followUpId: number) {
  const row = getDb()
    .select({ followUp: followUps, thread: { authorId: threads.authorId, visibility: threads.visibility } })
    .from(followUps)
    .innerJoin(threads, eq(threads.id, followUps.threadId))
    .where(eq(followUps.id, followUpId))
    .get();
  // Existence is private: a customer asking for someone else's follow-up gets a 404, and so does
  // anyone asking for one whose thread they may no longer see (a deleted question).
  if (!row || !canViewFollowUp(actor, row.followUp) || !canSeeThread(actor, row.thread))
    throw new NotFoundError("That follow-up does not exist.");
  return row.followUp;
}

/** The follow-up `actor` wants to write on: a 404 when they may not see it, a 403 while they may not write. */
function followUpToWriteOn(actor: Actor, followUpId: number) {
  const followUp = findFollowUp(actor, followUpId);
  ensure(canWriteOnFollowUp(actor, followUp), "Your account is suspended: you can read but not write.");
  return followUp;
}

/** Staff take, assign, re-prioritise or move a follow-up. */
export function workOnFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can work on follow-ups.");
  ensureSignedIn(actor);
  const values = parseInput(workSchema, input);
  const db = getDb();
  return writeTransaction((changed) => {
    let followUp: FollowUpRow = findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    const before = workedFields(followUp);
    if (values.intent === "take" || values.intent === "assign") {
      const assignee =
        values.intent === "take"
          ? actor
          : db
              .select({ id: users.id, username: users.username, role: users.role })
              .from(users)
              .where(eq(users.username, values.assignee ?? ""))
              .get();
      if (!assignee || !isStaff({ kind: "user", ...assignee, suspendedUntil: null }))
        throw new ConflictError("Assign it to a member of staff.");
      if (followUp.assigneeId !== assignee.id) {
        followUp = db
          .update(followUps)
          .set({ assigneeId: assignee.id, updatedAt: at })
          .where(eq(followUps.id, followUp.id))
          .returning()
          .get();
        writeFollowUpEvent(followUp.id, actor.id, "assigned", assignee.username, at);
      }
      if (followUp.status === "new") changeFollowUpStatus(followUp, "open", actor.id, at);
    } else if (values.intent === "priority") {
      if (!values.priority) throw new ConflictError("Choose a priority.");
      if (values.priority !== followUp.priority) {
        db.update(followUps)
          .set({ priority: values.priority, updatedAt: at })
          .where(eq(followUps.id, followUp.id))
          .run();
        writeFollowUpEvent(followUp.id, actor.id, "priority", `${followUp.priority} → ${values.priority}`, at);
      }
    } else {
      if (!values.status) throw new ConflictError("Choose a status.");
      if (values.status !== "resolved" && followUp.status === "resolved" && activeFollowUpFor(followUp.threadId)) {
        throw new ConflictError("This thread already has another open follow-up.");
      }
      changeFollowUpStatus(followUp, values.status, actor.id, at);
    }
    const after = workedFields(db.select().from(followUps).where(eq(followUps.id, followUp.id)).get()!);
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      recordAudit(
        actor,
        {
          action: "follow-up.update",
          subject: { type: "follow-up", id: followUp.id, label: `Follow-up #${followUp.id}` },
          before,
          after,
        },
        at,
      );
    }
    return { followUpId: followUp.id };
  });
}

/** What staff change on a follow-up, as the audit log keeps it. */
const workedFields = (followUp: FollowUpRow) => ({
  assignee: followUp.assigneeId
    ? (getDb().select({ username: users.username }).from(users).where(eq(users.id, followUp.assigneeId)).get()
        ?.username ?? null)
    : null,
  priority: followUp.priority,
  status: followUp.status,
});

const replySchema = z.object({
  body: bodySchema,
  visibility: z.enum(["thread", "private"], { error: "Choose where the reply goes." }).default("thread"),
  then: z.enum(["waiting", "open", "resolved"]).default("waiting"),
});

/**
 * A reply on a follow-up: into the thread (an answer everyone sees) or as a private message for
 * the customer and staff. A staff reply is the first response; staff choose the status after it.
 */
export function replyOnFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(replySchema, input);
  const bodyHtml = renderMarkdown(values.body);
  const db = getDb();
  return writeTransaction((changed) => {
    // Whoever may see the follow-up (its customer, staff) may write on it, unless suspended.
    const followUp = followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status === "resolved") throw new ConflictError("This follow-up is resolved. Reopen it to reply.");
    const at = now();
    let postId: number | null = null;
    if (values.visibility === "thread") {
      postId = postAnswer(actor, followUp.threadId, { body: values.body }).postId;
    } else {
      consume(`private-message:user:${actor.id}`, LIMITS.answer);
      db.insert(privateMessages)
        .values({ followUpId, authorId: actor.id, bodyMarkdown: values.body, bodyHtml, createdAt: at })
        .run();
      writeFollowUpEvent(followUpId, actor.id, "private-message", "", at);
      recordReplyOnFollowUp(followUp.threadId, actor, at);
    }
    if (isStaff(actor)) {
      const current = db.select().from(followUps).where(eq(followUps.id, followUpId)).get()!;
      // The reply's own notification already told the customer; only a resolution says more.
      changeFollowUpStatus(current, values.then, actor.id, at, { quiet: true });
    }
    return { followUpId, postId, threadId: followUp.threadId };
  });
}

const noteSchema = z.object({ body: bodySchema });

export function addInternalNote(actor: Actor, followUpId: number, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can write internal notes.");
  ensureSignedIn(actor);
  const { body } = parseInput(noteSchema, input);
  const bodyHtml = renderMarkdown(body);
  return writeTransaction((changed) => {
    const followUp = findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    consume(`support:user:${actor.id}`, LIMITS.supportAction);
    const at = now();
    getDb()
      .insert(followUpNotes)
      .values({ followUpId: followUp.id, authorId: actor.id, bodyMarkdown: body, bodyHtml, createdAt: at })
      .run();
    writeFollowUpEvent(followUp.id, actor.id, "note", "", at);
    return { followUpId };
  });
}

/** The customer says it is still not solved: the follow-up opens again with fresh targets. */
export function reopenFollowUp(actor: Actor, followUpId: number) {
  ensureSignedIn(actor);
  return writeTransaction((changed) => {
    const followUp = followUpToWriteOn(actor, followUpId);
    changed.thread(followUp.threadId);
    if (followUp.status !== "resolved") return { followUpId };
    if (activeFollowUpFor(followUp.threadId)) throw new ConflictError("This thread already has an open follow-up.");
    const at = now();
    const targets = targetsFor(
      getDb().select({ categoryId: threads.categoryId }).from(threads).where(eq(threads.id, followUp.threadId)).get()!
        .categoryId,
    );
    getDb()
      .update(followUps)
      .set({ resolutionDueAt: new Date(at.getTime() + targets.resolutionMinutes * MINUTE), updatedAt: at })
      .where(eq(followUps.id, followUpId))
      .run();
    changeFollowUpStatus({ ...followUp }, "open", actor.id, at);
    return { followUpId };
  });
}

const ratingSchema = z.object({
  rating: z.coerce
    .number({ error: "Choose from 1 to 5." })
    .int("Choose from 1 to 5.")
    .min(1, "Choose from 1 to 5.")
    .max(5, "Choose from 1 to 5."),
  comment: z
    .string()
    .trim()
    .max(2000, "Keep the comment under 2,000 characters.")
    .optional()
    .transform((value) => value || null),
});

/** The customer answers the satisfaction question of their resolved follow-up, once. */
export function rateFollowUp(actor: Actor, followUpId: number, input: unknown) {
  ensureSignedIn(actor);
  const values = parseInput(ratingSchema, input);
  return writeTransaction((changed) => {
    const followUp = findFollowUp(actor, followUpId);
    changed.thread(followUp.threadId);
    ensure(canRateFollowUp(actor, followUp), "Only the customer who asked can rate the help they got.");
    const survey = getDb().select().from(followUpSurveys).where(eq(followUpSurveys.followUpId, followUpId)).get();
    if (!survey) throw new ConflictError("There is nothing to rate until the follow-up is resolved.");
    if (survey.answeredAt) throw new ConflictError("You have already rated this follow-up. Thank you!");
    const at = now();
    getDb()
      .update(followUpSurveys)
      .set({ rating: values.rating, comment: values.comment, answeredAt: at })
      .where(eq(followUpSurveys.followUpId, followUpId))
      .run();
    writeFollowUpEvent(followUpId, actor.id, "rated", `${values.rating} of 5`, at);
    return { followUpId };
  });
}

/** Resolves the thread's active follow-up when the thread gets an accepted or verified answer. */
export function resolveFollowUpOfSolvedThread(threadId: number, actor: Member, at: Date) {
  const followUp = activeFollowUpFor(threadId);
  if (followUp) changeFollowUpStatus(followUp, "resolved", actor.id, at);
}

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
  categoryName: categories.name,
  customer: users.username,
  assigneeId: followUps.assigneeId,
};

function withTiming<T extends Parameters<typeof timeLeftMs>[0]>(row: T, at: Date) {
  const left = timeLeftMs(row, at);
  return {
    ...row,
    timeLeftMs: left,
    target: row.firstRespondedAt ? ("resolution" as const) : ("first response" as const),
    breached: left !== null && left < 0,
    nearlyBreached: left !== null && left >= 0 && left < NEARLY_BREACHED_MS,
  };
}

/** Follow-up rows as pages show them: with their timing and the assignee's name (one query for all). */
function presentFollowUps<T extends Parameters<typeof timeLeftMs>[0] & { assigneeId: number | null }>(
  rows: T[],
  at: Date,
) {
  const wanted = [...new Set(rows.map((row) => row.assigneeId).filter((id): id is number => id !== null))];
  const names = new Map(
    wanted.length === 0
      ? []
      : getDb()
          .select({ id: users.id, username: users.username })
          .from(users)
          .where(inArray(users.id, wanted))
          .all()
          .map((u) => [u.id, u.username]),
  );
  return rows.map((row) => ({
    ...withTiming(row, at),
    assignee: row.assigneeId ? (names.get(row.assigneeId) ?? null) : null,
  }));
}

/** Usernames of everyone a follow-up can be assigned to. */
function staffUsernames() {
  return getDb()
    .select({ username: users.username })
    .from(users)
    .where(inArray(users.role, ["staff", "admin"]))
    .orderBy(asc(users.username))
    .all()
    .map((u) => u.username);
}

/** /support: the queue, filtered, most urgent first (least time left on its current target). */
export function listSupportQueue(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can see the support queue.");
  ensureSignedIn(actor);
  const query: SupportQueueQuery = supportQueueQuerySchema.parse(input);
  const db = getDb();
  const at = now();
  const conditions: SQL[] = [];
  if (query.status === "active") conditions.push(ne(followUps.status, "resolved"));
  else conditions.push(eq(followUps.status, query.status));
  if (query.priority) conditions.push(eq(followUps.priority, query.priority));
  if (query.category) conditions.push(eq(categories.slug, query.category));
  if (query.assignee === "me") conditions.push(eq(followUps.assigneeId, actor.id));
  else if (query.assignee === "nobody") conditions.push(isNull(followUps.assigneeId));
  else if (query.assignee)
    conditions.push(sql`${followUps.assigneeId} = (SELECT id FROM users WHERE username = ${query.assignee})`);
  const dueAt = sql`CASE WHEN ${followUps.firstRespondedAt} IS NULL THEN ${followUps.firstResponseDueAt} ELSE ${followUps.resolutionDueAt} END - coalesce(${followUps.pausedAt}, ${at.getTime()})`;
  const rows = db
    .select(queueColumns)
    .from(followUps)
    .innerJoin(threads, eq(threads.id, followUps.threadId))
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, followUps.customerId))
    .where(and(...conditions))
    .orderBy(...(query.status === "resolved" ? [desc(followUps.resolvedAt)] : [asc(dueAt), asc(followUps.id)]))
    .limit(QUEUE_PAGE_SIZE + 1)
    .offset((query.page - 1) * QUEUE_PAGE_SIZE)
    .all();
  const page = rows.slice(0, QUEUE_PAGE_SIZE);
  const counts = db.select({ status: followUps.status, n: count() }).from(followUps).groupBy(followUps.status).all();
  return {
    query,
    items: presentFollowUps(page, at),
    hasNextPage: rows.length > QUEUE_PAGE_SIZE,
    counts: Object.fromEntries(counts.map((row) => [row.status, row.n])) as Partial<Record<string, number>>,
    staff: staffUsernames(),
    categories: db
      .select({ slug: categories.slug, name: categories.name })
      .from(categories)
      .orderBy(asc(categories.position))
      .all(),
  };
}

/** The follow-up page: for staff everything; for the customer it is for, all but internal notes. */
export function getFollowUpPage(actor: Actor, followUpId: number) {
  const db = getDb();
  const followUp = findFollowUp(actor, followUpId);
  const at = now();
  const staffView = isStaff(actor);
  const thread = getThreadPage(actor, followUp.threadId);
  const customer = db
    .select({ id: users.id, username: users.username, role: users.role, createdAt: users.createdAt })
    .from(users)
    .where(eq(users.id, followUp.customerId))
    .get()!;
  const authorColumns = { username: users.username, role: users.role };
  const messages = db
    .select({
      id: privateMessages.id,
      bodyHtml: privateMessages.bodyHtml,
      createdAt: privateMessages.createdAt,
      ...authorColumns,
    })
    .from(privateMessages)
    .innerJoin(users, eq(users.id, privateMessages.authorId))
    .where(eq(privateMessages.followUpId, followUpId))
    .orderBy(asc(privateMessages.createdAt), asc(privateMessages.id))
    .all();
  const events = db
    .select({
      id: followUpEvents.id,
      kind: followUpEvents.kind,
      detail: followUpEvents.detail,
      createdAt: followUpEvents.createdAt,
      actor: users.username,
    })
    .from(followUpEvents)
    .leftJoin(users, eq(users.id, followUpEvents.actorId))
    // Customers do not learn that an internal note was written.
    .where(and(eq(followUpEvents.followUpId, followUpId), staffView ? undefined : ne(followUpEvents.kind, "note")))
    .orderBy(asc(followUpEvents.createdAt), asc(followUpEvents.id))
    .all();
  const notes = staffView
    ? db
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
        .all()
    : null;
  const history = staffView
    ? {
        threads: db
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
          .limit(10)
          .all(),
        followUps: db
          .select({
            id: followUps.id,
            status: followUps.status,
            openedAt: followUps.openedAt,
            threadTitle: threads.title,
            rating: followUpSurveys.rating,
          })
          .from(followUps)
          .innerJoin(threads, eq(threads.id, followUps.threadId))
          .leftJoin(followUpSurveys, eq(followUpSurveys.followUpId, followUps.id))
          .where(and(eq(followUps.customerId, customer.id), ne(followUps.id, followUpId)))
          .orderBy(desc(followUps.openedAt))
          .limit(10)
          .all(),
      }
    : null;
  const survey = db
    .select({
      rating: followUpSurveys.rating,
      comment: followUpSurveys.comment,
      answeredAt: followUpSurveys.answeredAt,
    })
    .from(followUpSurveys)
    .where(eq(followUpSurveys.followUpId, followUpId))
    .get();
  return {
    followUp: presentFollowUps([followUp], at)[0],
    survey: survey ? { ...survey, canAnswer: !survey.answeredAt && canRateFollowUp(actor, followUp) } : null,
    thread,
    customer,
    messages,
    events,
    notes,
    history,
    staffView,
    canWrite: canWriteOnFollowUp(actor, followUp),
    staff: staffView ? staffUsernames() : [],
  };
}

/** /my/support: the signed-in customer's follow-ups, newest first. */
export function listMyFollowUps(actor: Actor) {
  ensureSignedIn(actor);
  const at = now();
  const rows = getDb()
    .select(queueColumns)
    .from(followUps)
    .innerJoin(threads, eq(threads.id, followUps.threadId))
    .innerJoin(categories, eq(categories.id, threads.categoryId))
    .innerJoin(users, eq(users.id, followUps.customerId))
    .where(eq(followUps.customerId, actor.id))
    .orderBy(desc(followUps.openedAt))
    .limit(50)
    .all();
  return presentFollowUps(rows, at);
}

/** What the thread page shows about support: the active follow-up (to staff and its customer) and what may be done. */
export function threadSupportState(actor: Actor, thread: { id: number; authorId: number; status: string }) {
  // Visitors can neither see follow-ups nor ask for one: no query on the most-read page.
  if (actor.kind !== "user") return { followUp: null, canRequest: false, canEscalate: false };
  const followUp = activeFollowUpFor(thread.id);
  const visible = followUp && canViewFollowUp(actor, followUp) ? { id: followUp.id, status: followUp.status } : null;
  return {
    followUp: visible,
    canRequest: !followUp && thread.status !== "solved" && canRequestFollowUp(actor, thread),
    canEscalate: !followUp && canWorkFollowUps(actor),
  };
}

const targetSchema = z.object({
  category: z.string().trim().min(1, "Choose a category."),
  firstResponseHours: z.coerce
    .number({ error: "Give a number of hours." })
    .int("Whole hours.")
    .min(1, "At least 1 hour.")
    .max(24 * 30, "At most 30 days."),
  resolutionHours: z.coerce
    .number({ error: "Give a number of hours." })
    .int("Whole hours.")
    .min(1, "At least 1 hour.")
    .max(24 * 90, "At most 90 days."),
});

/** Admins set a category's response-time targets. */
export function setCategoryTargets(actor: Actor, input: unknown) {
  ensure(canSetResponseTargets(actor), "Only admins can change response-time targets.");
  ensureSignedIn(actor);
  const values = parseInput(targetSchema, input);
  return writeTransaction(() => {
    const category = getDb()
      .select({ id: categories.id, name: categories.name })
      .from(categories)
      .where(eq(categories.slug, values.category))
      .get();
    if (!category) throw new NotFoundError("That category does not exist.");
    const row = {
      categoryId: category.id,
      firstResponseMinutes: values.firstResponseHours * 60,
      resolutionMinutes: values.resolutionHours * 60,
    };
    const { firstResponseMinutes, resolutionMinutes } = targetsFor(category.id);
    getDb()
      .insert(categoryTargets)
      .values(row)
      .onConflictDoUpdate({ target: categoryTargets.categoryId, set: row })
      .run();
    recordAudit(actor, {
      action: "targets.update",
      subject: { type: "category", id: category.id, label: category.name },
      before: { firstResponseMinutes, resolutionMinutes },
      after: { firstResponseMinutes: row.firstResponseMinutes, resolutionMinutes: row.resolutionMinutes },
    });
    return row;
  });
}

export function listCategoryTargets(actor: Actor) {
  ensure(canSetResponseTargets(actor), "Only admins can see response-time settings.");
  return getDb()
    .select({
      slug: categories.slug,
      name: categories.name,
      firstResponseMinutes: categoryTargets.firstResponseMinutes,
      resolutionMinutes: categoryTargets.resolutionMinutes,
    })
    .from(categories)
    .leftJoin(categoryTargets, eq(categoryTargets.categoryId, categories.id))
    .orderBy(asc(categories.position))
    .all()
    .map((row) => ({
      ...row,
      firstResponseMinutes: row.firstResponseMinutes ?? DEFAULT_TARGETS.firstResponseMinutes,
      resolutionMinutes: row.resolutionMinutes ?? DEFAULT_TARGETS.resolutionMinutes,
    }));
}
