/**
 * /support/reports: how support keeps its promises, seen from the customer's side (DECISIONS.md
 * "Reports that count the unanswered"). Rules:
 * - every duration counts from `asked_at` (when the customer asked, or last wrote once reopened) in
 *   calendar hours; "within target" compares with the stored due times, which already count open
 *   hours and pauses;
 * - a follow-up belongs to the week it opened; its wait for a first response ends at the first
 *   staff reply (or at its resolution, when it was resolved without one);
 * - nothing is left out: a follow-up still without a first response counts with its age so far.
 *   Past its due time it is a miss; before it, "pending" (neither met nor missed). A median that
 *   such a running age could still raise is shown as "at least" (`atLeast`);
 * - satisfaction is two questions counted apart: the 1–5 "how well did we help" (support) and the
 *   yes/no "did the community's answer solve it" (community, stored as 5 or 1).
 * A report reads at most 26 weeks with a fixed number of queries: the follow-ups that were open at
 * some time in the period (with their survey and who answered first), staff, their replies, the
 * categories and the tags; figures are computed in memory.
 */
import { and, count, desc, eq, gte, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import {
  categories,
  followUpEvents,
  followUpSurveys,
  followUps,
  posts,
  privateMessages,
  tags,
  threadTags,
  threads,
  users,
  FOLLOW_UP_PRIORITIES,
  type FollowUpPriority,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { toCsv, type CsvValue } from "~/lib/csv";
import { read } from "~/lib/db.server";
import { canWorkFollowUps, ensure, staffRoleCondition, type Actor } from "~/lib/permissions.server";
import type { ReportFigures, StaffFigures, SupportSurveys, Timing } from "./report-figures";
import { PRIORITY_LABELS } from "./rules";

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** Up to this many weeks, the backlog is shown per day; beyond, per week. */
const DAILY_BACKLOG_WEEKS = 4;

export const REPORT_TABLES = ["weeks", "categories", "priorities", "staff", "backlog"] as const;
export type ReportTable = (typeof REPORT_TABLES)[number];

const reportQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1).max(26).catch(8),
  category: z.string().trim().max(60).optional().catch(undefined),
  table: z.enum(REPORT_TABLES).catch("weeks"),
});

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date) {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY);
}

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);
// A follow-up opened by `jobs:run-once --now <future>` can be answered "before" it was asked: such
// durations count as zero, not as negative time.
const elapsed = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

type Row = {
  openedAt: Date;
  askedAt: Date;
  /** Kept through reopenings: the first response counts from the first asking. */
  firstAskedAt: Date;
  firstResponseDueAt: Date;
  firstRespondedAt: Date | null;
  resolutionDueAt: Date;
  resolvedAt: Date | null;
  pausedAt: Date | null;
  priority: FollowUpPriority;
  categorySlug: string;
  assigneeId: number | null;
  firstResponderId: number | null;
  surveyKind: "support" | "community" | null;
  surveyCreatedAt: Date | null;
  rating: number | null;
};

/** One wait: when it ended (null: still running), when it was due, and where the clock stands if it runs. */
type Wait = { from: Date; end: Date | null; due: Date; clockAt: Date };

function timing(waits: Wait[]): Timing {
  let met = 0;
  let missed = 0;
  let pending = 0;
  const durations: { ms: number; running: boolean }[] = [];
  for (const wait of waits) {
    if (wait.end) {
      durations.push({ ms: elapsed(wait.from, wait.end), running: false });
      if (wait.end <= wait.due) met++;
      else missed++;
    } else {
      durations.push({ ms: elapsed(wait.from, wait.clockAt), running: true });
      if (wait.clockAt > wait.due) missed++;
      else pending++;
    }
  }
  const medianMs = median(durations.map((d) => d.ms));
  return {
    medianMs,
    // Exact only when every running wait is already longer than the median: growing, it stays so.
    atLeast: medianMs !== null && durations.some((d) => d.running && d.ms <= medianMs),
    met,
    missed,
    pending,
    withinTargetShare: share(met, met + missed),
  };
}

const SURVEY_SOLVED = 5;

/** The support question's answers among `surveyed` (rows whose survey is of that kind). */
function supportSurveys(surveyed: Row[]): SupportSurveys {
  const ratings = surveyed.filter((row) => row.rating !== null).map((row) => row.rating!);
  return {
    asked: surveyed.length,
    answered: ratings.length,
    average: ratings.length ? ratings.reduce((sum, rating) => sum + rating, 0) / ratings.length : null,
  };
}

function figures(rows: Row[], from: Date, to: Date, at: Date): ReportFigures {
  const inPeriod = (when: Date | null) => when !== null && when >= from && when < to;
  const opened = rows.filter((row) => inPeriod(row.openedAt));
  // A paused follow-up's clock stopped when it began waiting on the customer (as timeLeftMs has it).
  const clockAt = (row: Row) => row.pausedAt ?? at;
  const surveys = (kind: "support" | "community") =>
    rows.filter((row) => row.surveyKind === kind && inPeriod(row.surveyCreatedAt));
  const community = surveys("community");
  return {
    opened: opened.length,
    resolved: rows.filter((row) => inPeriod(row.resolvedAt)).length,
    firstResponse: timing(
      opened.map((row) => ({
        from: row.firstAskedAt,
        end: row.firstRespondedAt ?? row.resolvedAt,
        due: row.firstResponseDueAt,
        clockAt: clockAt(row),
      })),
    ),
    stillWaiting: opened.filter((row) => !row.firstRespondedAt && !row.resolvedAt).length,
    resolution: timing(
      opened.map((row) => ({
        from: row.askedAt,
        end: row.resolvedAt,
        due: row.resolutionDueAt,
        clockAt: clockAt(row),
      })),
    ),
    support: supportSurveys(surveys("support")),
    community: {
      asked: community.length,
      answered: community.filter((row) => row.rating !== null).length,
      solved: community.filter((row) => row.rating === SURVEY_SOLVED).length,
    },
  };
}

/** The follow-ups open at some time in [from, to), with what the figures need. One query. */
async function periodRows(from: Date, to: Date, categorySlug: string | undefined): Promise<Row[]> {
  // Who answered first: the "first-response" event, else (a staff answer posted before the
  // follow-up opened) the staff answer in the thread at the first-response time.
  const firstResponderId = sql<number | null>`coalesce(
    (select ${followUpEvents.actorId} from ${followUpEvents}
      where ${followUpEvents.followUpId} = ${followUps.id} and ${followUpEvents.kind} = 'first-response'
      order by ${followUpEvents.createdAt}, ${followUpEvents.id} limit 1),
    (select ${posts.authorId} from ${posts} inner join ${users} on ${users.id} = ${posts.authorId}
      where ${posts.threadId} = ${followUps.threadId} and ${posts.kind} = 'answer'
        and ${posts.createdAt} = ${followUps.firstRespondedAt} and ${staffRoleCondition(users.role)}
      limit 1))`;
  return read((db) =>
    db
      .select({
        openedAt: followUps.openedAt,
        askedAt: followUps.askedAt,
        firstAskedAt: followUps.firstAskedAt,
        firstResponseDueAt: followUps.firstResponseDueAt,
        firstRespondedAt: followUps.firstRespondedAt,
        resolutionDueAt: followUps.resolutionDueAt,
        resolvedAt: followUps.resolvedAt,
        pausedAt: followUps.pausedAt,
        priority: followUps.priority,
        categorySlug: categories.slug,
        assigneeId: followUps.assigneeId,
        firstResponderId: firstResponderId.mapWith((id) => (id === null ? null : Number(id))),
        surveyKind: followUpSurveys.kind,
        surveyCreatedAt: followUpSurveys.createdAt,
        rating: followUpSurveys.rating,
      })
      .from(followUps)
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .leftJoin(followUpSurveys, eq(followUpSurveys.followUpId, followUps.id))
      .where(
        and(
          lt(followUps.openedAt, to),
          or(isNull(followUps.resolvedAt), gte(followUps.resolvedAt, from)),
          categorySlug ? eq(categories.slug, categorySlug) : undefined,
        ),
      ),
  );
}

/** Replies by each member of staff in [from, to): visible answers in a thread while its follow-up was open, and private messages. */
async function staffReplies(from: Date, to: Date, categorySlug: string | undefined) {
  const inCategory = (categoryId: typeof threads.categoryId) =>
    categorySlug
      ? sql`${categoryId} = (select ${categories.id} from ${categories} where ${categories.slug} = ${categorySlug})`
      : undefined;
  const answers = await read((db) =>
    db
      .select({ userId: posts.authorId, replies: count() })
      .from(posts)
      .innerJoin(users, eq(users.id, posts.authorId))
      .innerJoin(threads, eq(threads.id, posts.threadId))
      .where(
        and(
          eq(posts.kind, "answer"),
          eq(posts.moderationState, "visible"),
          gte(posts.createdAt, from),
          lt(posts.createdAt, to),
          staffRoleCondition(users.role),
          inCategory(threads.categoryId),
          sql`exists (select 1 from ${followUps} where ${followUps.threadId} = ${posts.threadId}
            and ${followUps.openedAt} <= ${posts.createdAt}
            and (${followUps.resolvedAt} is null or ${followUps.resolvedAt} >= ${posts.createdAt}))`,
        ),
      )
      .groupBy(posts.authorId),
  );
  const messages = await read((db) =>
    db
      .select({ userId: privateMessages.authorId, replies: count() })
      .from(privateMessages)
      .innerJoin(users, eq(users.id, privateMessages.authorId))
      .innerJoin(followUps, eq(followUps.id, privateMessages.followUpId))
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .where(
        and(
          gte(privateMessages.createdAt, from),
          lt(privateMessages.createdAt, to),
          staffRoleCondition(users.role),
          inCategory(threads.categoryId),
        ),
      )
      .groupBy(privateMessages.authorId),
  );
  const replies = new Map<number, number>();
  for (const row of [...answers, ...messages]) replies.set(row.userId, (replies.get(row.userId) ?? 0) + row.replies);
  return replies;
}

function staffFigures(
  staff: { id: number; username: string }[],
  rows: Row[],
  replies: Map<number, number>,
  from: Date,
  to: Date,
): StaffFigures[] {
  const inPeriod = (when: Date | null) => when !== null && when >= from && when < to;
  return staff.map(({ id, username }) => {
    const answeredFirst = rows.filter((row) => row.firstResponderId === id && inPeriod(row.openedAt));
    const assigned = rows.filter((row) => row.assigneeId === id);
    return {
      userId: id,
      username,
      replies: replies.get(id) ?? 0,
      resolved: assigned.filter((row) => inPeriod(row.resolvedAt)).length,
      medianFirstResponseMs: median(answeredFirst.map((row) => elapsed(row.firstAskedAt, row.firstRespondedAt!))),
      firstResponses: answeredFirst.length,
      support: supportSurveys(assigned.filter((row) => row.surveyKind === "support" && inPeriod(row.surveyCreatedAt))),
    };
  });
}

/** Open follow-ups at the end of each day (short periods) or week, up to now. */
function backlog(rows: Row[], from: Date, to: Date, at: Date, step: number) {
  const points: { endsAt: Date; open: number; isNow: boolean }[] = [];
  for (let end = from.getTime() + step; end <= to.getTime(); end += step) {
    const instant = new Date(Math.min(end, at.getTime()));
    points.push({
      endsAt: instant,
      isNow: end > at.getTime(),
      open: rows.filter((row) => row.openedAt <= instant && (row.resolvedAt === null || row.resolvedAt > instant))
        .length,
    });
    if (end >= at.getTime()) break;
  }
  return points;
}

export async function supportReport(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can see support reports.");
  const query = reportQuerySchema.parse(input);
  const at = now();
  const lastWeek = weekStart(at);
  const from = new Date(lastWeek.getTime() - (query.weeks - 1) * WEEK);
  const end = new Date(lastWeek.getTime() + WEEK);
  const rows = await periodRows(from, end, query.category);
  const replies = await staffReplies(from, end, query.category);
  const staff = await read((db) =>
    db
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(staffRoleCondition(users.role))
      .orderBy(users.username),
  );
  const categoryList = await read((db) =>
    db.select({ slug: categories.slug, name: categories.name }).from(categories).orderBy(categories.position),
  );
  // Where the product hurts: the tags with the most threads asked in the period and still waiting
  // for a solution. Of the period only, like every other figure here: counted since the beginning,
  // a community's old unsolved questions (an imported site's years of them) filled the list.
  const hotTags = await read((db) =>
    db
      .select({ tag: tags.name, unresolved: count() })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .innerJoin(threads, eq(threads.id, threadTags.threadId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(
        and(
          inArray(threads.status, ["open", "answered"]),
          gte(threads.createdAt, from),
          lt(threads.createdAt, end),
          query.category ? eq(categories.slug, query.category) : undefined,
        ),
      )
      .groupBy(tags.name)
      .orderBy(desc(count()), tags.name)
      .limit(10),
  );
  const shown = query.category ? categoryList.filter((category) => category.slug === query.category) : categoryList;
  const waitingNow = rows.filter((row) => !row.firstRespondedAt && !row.resolvedAt);
  const oldestAsked = waitingNow.reduce<Date | null>(
    (oldest, row) => (oldest === null || row.firstAskedAt < oldest ? row.firstAskedAt : oldest),
    null,
  );
  return {
    query,
    asOf: at,
    weeks: Array.from({ length: query.weeks }, (_, index) => {
      const start = new Date(from.getTime() + index * WEEK);
      return { weekStart: start, ...figures(rows, start, new Date(start.getTime() + WEEK), at) };
    }),
    total: figures(rows, from, end, at),
    now: {
      open: rows.filter((row) => !row.resolvedAt).length,
      stillWaiting: waitingNow.length,
      oldestWaitingMs: oldestAsked ? elapsed(oldestAsked, at) : null,
    },
    byCategory: shown.map((category) => ({
      ...category,
      ...figures(
        rows.filter((row) => row.categorySlug === category.slug),
        from,
        end,
        at,
      ),
    })),
    byPriority: [...FOLLOW_UP_PRIORITIES].reverse().map((priority) => ({
      priority,
      label: PRIORITY_LABELS[priority],
      ...figures(
        rows.filter((row) => row.priority === priority),
        from,
        end,
        at,
      ),
    })),
    byStaff: staffFigures(staff, rows, replies, from, end),
    backlog: {
      step: query.weeks <= DAILY_BACKLOG_WEEKS ? ("day" as const) : ("week" as const),
      points: backlog(rows, from, end, at, query.weeks <= DAILY_BACKLOG_WEEKS ? DAY : WEEK),
    },
    hotTags,
    categories: categoryList,
  };
}

export type SupportReport = Awaited<ReturnType<typeof supportReport>>;

const hours = (ms: number | null) => (ms === null ? null : Number((ms / HOUR).toFixed(1)));
const percent = (value: number | null) => (value === null ? null : Math.round(value * 100));
const average = (value: number | null) => (value === null ? null : Number(value.toFixed(2)));
const day = (at: Date) => at.toISOString().slice(0, 10);

const FIGURE_COLUMNS = [
  "opened",
  "resolved",
  "first_response_median_hours",
  "first_response_median_at_least",
  "first_response_met",
  "first_response_missed",
  "first_response_pending",
  "first_response_within_target_percent",
  "still_waiting",
  "resolution_median_hours",
  "resolution_median_at_least",
  "resolution_met",
  "resolution_missed",
  "resolution_pending",
  "resolution_within_target_percent",
  "support_surveys",
  "support_answers",
  "support_rating_average",
  "community_surveys",
  "community_answers",
  "community_solved",
];
const timingCells = (t: Timing): CsvValue[] => [
  hours(t.medianMs),
  t.atLeast ? "yes" : "no",
  t.met,
  t.missed,
  t.pending,
  percent(t.withinTargetShare),
];
const figureCells = (f: ReportFigures): CsvValue[] => [
  f.opened,
  f.resolved,
  ...timingCells(f.firstResponse),
  f.stillWaiting,
  ...timingCells(f.resolution),
  f.support.asked,
  f.support.answered,
  average(f.support.average),
  f.community.asked,
  f.community.answered,
  f.community.solved,
];

/** One table of the report as CSV (`table`: weeks, categories, priorities, staff or backlog). */
export async function supportReportCsv(actor: Actor, input: unknown) {
  const report = await supportReport(actor, input);
  const csv = {
    weeks: () =>
      toCsv(
        ["week_start", ...FIGURE_COLUMNS],
        report.weeks.map((week) => [day(week.weekStart), ...figureCells(week)]),
      ),
    categories: () =>
      toCsv(
        ["category", ...FIGURE_COLUMNS],
        report.byCategory.map((category) => [category.name, ...figureCells(category)]),
      ),
    priorities: () =>
      toCsv(
        ["priority", ...FIGURE_COLUMNS],
        report.byPriority.map((row) => [row.priority, ...figureCells(row)]),
      ),
    staff: () =>
      toCsv(
        [
          "staff",
          "replies",
          "resolved",
          "first_responses",
          "first_response_median_hours",
          "support_surveys",
          "support_answers",
          "support_rating_average",
        ],
        report.byStaff.map((row) => [
          row.username,
          row.replies,
          row.resolved,
          row.firstResponses,
          hours(row.medianFirstResponseMs),
          row.support.asked,
          row.support.answered,
          average(row.support.average),
        ]),
      ),
    backlog: () =>
      toCsv(
        ["at", "open_follow_ups"],
        report.backlog.points.map((point) => [point.endsAt.toISOString(), point.open]),
      ),
  } satisfies Record<ReportTable, () => string>;
  return { table: report.query.table, body: csv[report.query.table]() };
}
