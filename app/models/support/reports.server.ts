/**
 * /support/reports: how support is doing, per week and per category. Figures come from the
 * follow-ups opened or resolved in the period; they are computed in memory from one query, since a
 * report reads a few weeks of follow-ups, not the forum.
 */
import { and, count, desc, eq, gte, inArray, or } from "drizzle-orm";
import { z } from "zod";
import { categories, followUpSurveys, followUps, tags, threadTags, threads } from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { read } from "~/lib/db.server";
import { canWorkFollowUps, ensure, type Actor } from "~/lib/permissions.server";

const DAY = 24 * 3600_000;
const WEEK = 7 * DAY;

const reportQuerySchema = z.object({
  weeks: z.coerce.number().int().min(1).max(26).catch(8),
  category: z.string().trim().max(60).optional().catch(undefined),
});

/** Monday 00:00 UTC of the week `at` falls in. */
export function weekStart(at: Date) {
  const day = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return new Date(day.getTime() - sinceMonday * DAY);
}

function median(values: number[]) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

const share = (part: number, whole: number) => (whole === 0 ? null : part / whole);

type Row = {
  openedAt: Date;
  firstResponseDueAt: Date;
  firstRespondedAt: Date | null;
  resolutionDueAt: Date;
  resolvedAt: Date | null;
  categorySlug: string;
  rating: number | null;
  surveyCreatedAt: Date | null;
};

export type ReportFigures = {
  opened: number;
  resolved: number;
  medianFirstResponseMs: number | null;
  medianResolutionMs: number | null;
  withinTargetShare: number | null;
  satisfactionAverage: number | null;
  surveyResponseRate: number | null;
};

// A follow-up opened by `jobs:run-once --now <future>` can be answered "before" it opened; such
// durations count as zero rather than as negative time.
const elapsed = (from: Date, to: Date) => Math.max(0, to.getTime() - from.getTime());

function figures(rows: Row[], from: Date, to: Date): ReportFigures {
  const inWeek = (at: Date | null) => at !== null && at >= from && at < to;
  const opened = rows.filter((row) => inWeek(row.openedAt));
  const resolved = rows.filter((row) => inWeek(row.resolvedAt));
  const withinTarget = resolved.filter(
    (row) =>
      row.resolvedAt! <= row.resolutionDueAt && (row.firstRespondedAt ?? row.resolvedAt!) <= row.firstResponseDueAt,
  );
  const surveyed = resolved.filter((row) => row.surveyCreatedAt !== null);
  const rated = surveyed.filter((row) => row.rating !== null);
  return {
    opened: opened.length,
    resolved: resolved.length,
    medianFirstResponseMs: median(
      opened.filter((row) => row.firstRespondedAt).map((row) => elapsed(row.openedAt, row.firstRespondedAt!)),
    ),
    medianResolutionMs: median(resolved.map((row) => elapsed(row.openedAt, row.resolvedAt!))),
    withinTargetShare: share(withinTarget.length, resolved.length),
    satisfactionAverage: rated.length ? rated.reduce((sum, row) => sum + row.rating!, 0) / rated.length : null,
    surveyResponseRate: share(rated.length, surveyed.length),
  };
}

export async function supportReport(actor: Actor, input: unknown) {
  ensure(canWorkFollowUps(actor), "Only staff can see support reports.");
  const query = reportQuerySchema.parse(input);
  // Where the product hurts: the tags with the most threads still waiting for a solution.
  return read(async (db) => {
    const lastWeek = weekStart(now());
    const from = new Date(lastWeek.getTime() - (query.weeks - 1) * WEEK);
    const weeks = Array.from({ length: query.weeks }, (_, index) => new Date(from.getTime() + index * WEEK));
    const rows: Row[] = await db
      .select({
        openedAt: followUps.openedAt,
        firstResponseDueAt: followUps.firstResponseDueAt,
        firstRespondedAt: followUps.firstRespondedAt,
        resolutionDueAt: followUps.resolutionDueAt,
        resolvedAt: followUps.resolvedAt,
        categorySlug: categories.slug,
        rating: followUpSurveys.rating,
        surveyCreatedAt: followUpSurveys.createdAt,
      })
      .from(followUps)
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .leftJoin(followUpSurveys, eq(followUpSurveys.followUpId, followUps.id))
      .where(
        and(
          or(gte(followUps.openedAt, from), gte(followUps.resolvedAt, from)),
          query.category ? eq(categories.slug, query.category) : undefined,
        ),
      );
    const categoryList = await db
      .select({ slug: categories.slug, name: categories.name })
      .from(categories)
      .orderBy(categories.position);
    const shown = query.category ? categoryList.filter((category) => category.slug === query.category) : categoryList;
    const byWeek = weeks.map((start) => {
      const end = new Date(start.getTime() + WEEK);
      return {
        weekStart: start,
        all: figures(rows, start, end),
        categories: shown.map((category) => ({
          ...category,
          ...figures(
            rows.filter((row) => row.categorySlug === category.slug),
            start,
            end,
          ),
        })),
      };
    });
    const hotTags = await db
      .select({ tag: tags.name, unresolved: count() })
      .from(threadTags)
      .innerJoin(tags, eq(tags.id, threadTags.tagId))
      .innerJoin(threads, eq(threads.id, threadTags.threadId))
      .innerJoin(categories, eq(categories.id, threads.categoryId))
      .where(
        and(
          inArray(threads.status, ["open", "answered"]),
          query.category ? eq(categories.slug, query.category) : undefined,
        ),
      )
      .groupBy(tags.name)
      .orderBy(desc(count()), tags.name)
      .limit(10);
    const end = new Date(lastWeek.getTime() + WEEK);
    return {
      query,
      weeks: byWeek,
      total: figures(rows, from, end),
      byCategory: shown.map((category) => ({
        ...category,
        ...figures(
          rows.filter((row) => row.categorySlug === category.slug),
          from,
          end,
        ),
      })),
      hotTags,
      categories: categoryList,
    };
  });
}

const hours = (ms: number | null) => (ms === null ? "" : (ms / 3600_000).toFixed(1));
const percent = (value: number | null) => (value === null ? "" : (value * 100).toFixed(0));

/** The report as CSV: one row per week and category, plus an "all" row per week. */
export async function supportReportCsv(actor: Actor, input: unknown) {
  const report = await supportReport(actor, input);
  const header =
    "week_start,category,opened,resolved,median_first_response_hours,median_resolution_hours,within_target_percent,satisfaction_average,survey_response_percent";
  const line = (week: Date, category: string, f: ReportFigures) =>
    [
      week.toISOString().slice(0, 10),
      category,
      f.opened,
      f.resolved,
      hours(f.medianFirstResponseMs),
      hours(f.medianResolutionMs),
      percent(f.withinTargetShare),
      f.satisfactionAverage === null ? "" : f.satisfactionAverage.toFixed(2),
      percent(f.surveyResponseRate),
    ].join(",");
  const lines = report.weeks.flatMap((week) => [
    line(week.weekStart, "all", week.all),
    ...week.categories.map((c) => line(week.weekStart, c.slug, c)),
  ]);
  return [header, ...lines].join("\n") + "\n";
}
