/**
 * How support works in each category, set by admins: the grace period before an unanswered question
 * becomes a follow-up, the clock targets run on (calendar, or the category's open hours and
 * holidays in its time zone), targets per priority, the waiting-on-customer automations and
 * round-robin assignment. Categories without their own settings use the defaults in ./rules.
 */
import { and, asc, eq, inArray, ne } from "drizzle-orm";
import { z } from "zod";
import {
  categories,
  categoryTargets,
  followUps,
  supportHolidays,
  supportPolicies,
  threads,
  FOLLOW_UP_PRIORITIES,
  type FollowUpPriority,
} from "../../../db/schema";
import { now } from "~/lib/clock.server";
import { isKnownTimeZone } from "~/lib/time-zones";
import { firstRow, inWrite, read, write } from "~/lib/db.server";
import { NotFoundError, ValidationError } from "~/lib/errors.server";
import { parseInput } from "~/lib/forms.server";
import { log } from "~/lib/log.server";
import { canSetResponseTargets, ensure, ensureSignedIn, type Actor } from "~/lib/permissions.server";
import { findCategoryBySlug } from "~/models/community/tags.server";
import { recordAudit } from "~/models/shared/audit.server";
import {
  addOpenTime,
  formatDaySpans,
  hasOpenHours,
  OFFICE_HOURS,
  parseDaySpans,
  readOpenHours,
  WEEKDAYS,
  type OpenHours,
  type SupportCalendar,
  type Weekday,
} from "./open-hours";
import { DEFAULT_POLICY, DEFAULT_TARGETS } from "./rules";
import { cutToLength } from "~/lib/text";

const MINUTE = 60_000;

export type Targets = { firstResponseMinutes: number; resolutionMinutes: number };
export type SupportPolicy = Omit<typeof DEFAULT_POLICY, "clock"> & {
  categoryId: number;
  clock: "calendar" | "business";
  openHours: OpenHours;
  holidays: { day: string; name: string }[];
  targets: Record<FollowUpPriority, Targets>;
  lastAssigneeId: number | null;
};

type PolicyRow = typeof supportPolicies.$inferSelect;

function openHoursOf(row: PolicyRow) {
  const hours = readOpenHours(row.openHours);
  if (!hours) log.error("support policy has unreadable open hours; using office hours", { categoryId: row.categoryId });
  return hours ?? OFFICE_HOURS;
}

function assemble(
  categoryId: number,
  row: PolicyRow | undefined,
  holidays: { day: string; name: string }[],
  targetRows: { priority: FollowUpPriority; firstResponseMinutes: number; resolutionMinutes: number }[],
): SupportPolicy {
  const targets = { ...DEFAULT_TARGETS };
  for (const { priority, firstResponseMinutes, resolutionMinutes } of targetRows)
    targets[priority] = { firstResponseMinutes, resolutionMinutes };
  if (!row) return { ...DEFAULT_POLICY, categoryId, openHours: OFFICE_HOURS, holidays, targets, lastAssigneeId: null };
  return {
    categoryId,
    graceMinutes: row.graceMinutes,
    clock: row.clock,
    timeZone: row.timeZone,
    openHours: openHoursOf(row),
    remindAfterMinutes: row.remindAfterMinutes,
    autoResolveAfterMinutes: row.autoResolveAfterMinutes,
    roundRobin: row.roundRobin,
    lastAssigneeId: row.lastAssigneeId,
    holidays,
    targets,
  };
}

/** Every category's policy in `categoryIds` (three queries however many). */
export async function policiesFor(categoryIds: number[]): Promise<Map<number, SupportPolicy>> {
  const ids = [...new Set(categoryIds)];
  if (ids.length === 0) return new Map();
  return read(async (db) => {
    const [rows, holidays, targets] = await Promise.all([
      db.select().from(supportPolicies).where(inArray(supportPolicies.categoryId, ids)),
      db
        .select()
        .from(supportHolidays)
        .where(inArray(supportHolidays.categoryId, ids))
        .orderBy(asc(supportHolidays.day)),
      db.select().from(categoryTargets).where(inArray(categoryTargets.categoryId, ids)),
    ]);
    return new Map(
      ids.map((id) => [
        id,
        assemble(
          id,
          rows.find((row) => row.categoryId === id),
          holidays.filter((row) => row.categoryId === id).map(({ day, name }) => ({ day, name })),
          targets.filter((row) => row.categoryId === id),
        ),
      ]),
    );
  });
}

export async function policyFor(categoryId: number): Promise<SupportPolicy> {
  return (await policiesFor([categoryId])).get(categoryId)!;
}

/** The policy of the category a thread is in. */
export async function policyOfThread(threadId: number): Promise<SupportPolicy> {
  const thread = firstRow(
    await read((db) => db.select({ categoryId: threads.categoryId }).from(threads).where(eq(threads.id, threadId))),
  );
  if (!thread) throw new NotFoundError("That question does not exist.");
  return policyFor(thread.categoryId);
}

export function calendarOf(policy: SupportPolicy): SupportCalendar {
  return policy.clock === "calendar"
    ? { clock: "calendar" }
    : {
        clock: "business",
        timeZone: policy.timeZone,
        openHours: policy.openHours,
        holidays: new Set(policy.holidays.map((holiday) => holiday.day)),
      };
}

/**
 * A follow-up's due times: its priority's targets counted from when the customer asked, plus the
 * open time it has spent waiting on the customer.
 */
export function dueTimes(policy: SupportPolicy, priority: FollowUpPriority, askedAt: Date, waitedMs = 0) {
  const targets = policy.targets[priority];
  const calendar = calendarOf(policy);
  return {
    firstResponseDueAt: addOpenTime(askedAt, targets.firstResponseMinutes * MINUTE + waitedMs, calendar),
    resolutionDueAt: addOpenTime(askedAt, targets.resolutionMinutes * MINUTE + waitedMs, calendar),
  };
}

// Admin settings -------------------------------------------------------------------------------

/** Hours as admins type them ("24", "1.5"); stored to the minute. A year of hours is the most. */
const hours = (label: string, { optional = false } = {}) =>
  z
    .string()
    .trim()
    .transform((text, context) => {
      if (text === "") {
        if (optional) return null;
        context.addIssue({ code: "custom", message: `Give the ${label} in hours.` });
        return z.NEVER;
      }
      const value = Number(text.replace(",", "."));
      if (!Number.isFinite(value) || value < 0) {
        context.addIssue({ code: "custom", message: `Give the ${label} as a number of hours, like 24 or 1.5.` });
        return z.NEVER;
      }
      const minutes = Math.round(value * 60);
      if (minutes > 366 * 24 * 60) {
        context.addIssue({ code: "custom", message: "At most a year (8,784 hours)." });
        return z.NEVER;
      }
      return minutes;
    });

const positiveHours = (label: string) =>
  hours(label).refine((minutes) => minutes === null || minutes >= 1, "At least one minute (0.02 hours).");

const days = (label: string) =>
  z
    .string()
    .trim()
    .transform((text, context) => {
      if (text === "") return null;
      const value = Number(text.replace(",", "."));
      if (!Number.isFinite(value) || value <= 0 || value > 366) {
        context.addIssue({
          code: "custom",
          message: `Give the ${label} in days (up to 366), or leave it empty for never.`,
        });
        return z.NEVER;
      }
      return Math.max(1, Math.round(value * 24 * 60));
    });

const HOLIDAY_LINE = /^(\d{4}-\d{2}-\d{2})\s*(.*)$/;

const policySchema = z
  .object({
    graceHours: hours("grace period"),
    clock: z.enum(["calendar", "business"], { error: "Choose calendar hours or open hours." }),
    timeZone: z.string().trim().refine(isKnownTimeZone, "Choose a time zone from the list."),
    holidays: z
      .string()
      .max(20_000, "Keep the holiday list under 20,000 characters.")
      .transform((text, context) => {
        const seen = new Map<string, string>();
        for (const [index, raw] of text.split(/\r?\n/).entries()) {
          const line = raw.trim();
          if (line === "") continue;
          const match = HOLIDAY_LINE.exec(line);
          const date = match ? new Date(`${match[1]}T00:00:00Z`) : null;
          if (!match || !date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[1]) {
            context.addIssue({ code: "custom", message: `Line ${index + 1}: start with a date like 2026-12-25.` });
            return z.NEVER;
          }
          seen.set(match[1], cutToLength(match[2].trim(), 100) || "Holiday");
        }
        if (seen.size > 500) {
          context.addIssue({ code: "custom", message: "At most 500 holidays." });
          return z.NEVER;
        }
        return [...seen].map(([day, name]) => ({ day, name }));
      }),
    remindAfterDays: days("reminder"),
    autoResolveAfterDays: days("time before resolving"),
    roundRobin: z
      .string()
      .optional()
      .transform((value) => value === "on"),
    ...Object.fromEntries(
      WEEKDAYS.map(({ day }) => [
        `hours${day}`,
        z.string().max(200, "Keep each day under 200 characters.").default(""),
      ]),
    ),
    ...Object.fromEntries(
      FOLLOW_UP_PRIORITIES.flatMap((priority) => [
        [`${priority}FirstResponseHours`, positiveHours("first-response target")],
        [`${priority}ResolutionHours`, positiveHours("resolution target")],
      ]),
    ),
  })
  .passthrough();

/** The policy form, as its fields are filled for an admin. */
export function policyFormValues(policy: SupportPolicy): Record<string, string> {
  const asHours = (minutes: number | null) => (minutes === null ? "" : String(Math.round((minutes / 60) * 100) / 100));
  const asDays = (minutes: number | null) => (minutes === null ? "" : String(Math.round((minutes / 1440) * 100) / 100));
  return {
    graceHours: asHours(policy.graceMinutes),
    clock: policy.clock,
    timeZone: policy.timeZone,
    holidays: policy.holidays.map(({ day, name }) => `${day} ${name}`).join("\n"),
    remindAfterDays: asDays(policy.remindAfterMinutes),
    autoResolveAfterDays: asDays(policy.autoResolveAfterMinutes),
    roundRobin: policy.roundRobin ? "on" : "",
    ...Object.fromEntries(WEEKDAYS.map(({ day }) => [`hours${day}`, formatDaySpans(policy.openHours[day])])),
    ...Object.fromEntries(
      FOLLOW_UP_PRIORITIES.flatMap((priority) => [
        [`${priority}FirstResponseHours`, asHours(policy.targets[priority].firstResponseMinutes)],
        [`${priority}ResolutionHours`, asHours(policy.targets[priority].resolutionMinutes)],
      ]),
    ),
  };
}

function parsePolicy(input: unknown) {
  const values = parseInput(policySchema, input) as z.infer<typeof policySchema> & Record<string, unknown>;
  const fieldErrors: Record<string, string> = {};
  const openHours = { ...OFFICE_HOURS };
  for (const { day } of WEEKDAYS) {
    const spans = parseDaySpans(String(values[`hours${day}`] ?? ""));
    if (typeof spans === "string") fieldErrors[`hours${day}`] = spans;
    else openHours[day as Weekday] = spans;
  }
  if (values.clock === "business" && Object.keys(fieldErrors).length === 0 && !hasOpenHours(openHours))
    fieldErrors.hours1 = "Open hours need at least one open day.";
  const targets = Object.fromEntries(
    FOLLOW_UP_PRIORITIES.map((priority) => [
      priority,
      {
        firstResponseMinutes: values[`${priority}FirstResponseHours`] as number,
        resolutionMinutes: values[`${priority}ResolutionHours`] as number,
      },
    ]),
  ) as Record<FollowUpPriority, Targets>;
  for (const priority of FOLLOW_UP_PRIORITIES) {
    if (targets[priority].resolutionMinutes < targets[priority].firstResponseMinutes)
      fieldErrors[`${priority}ResolutionHours`] = "The resolution target cannot come before the first response.";
  }
  if (
    values.remindAfterDays !== null &&
    values.autoResolveAfterDays !== null &&
    values.remindAfterDays >= values.autoResolveAfterDays
  )
    fieldErrors.remindAfterDays = "Remind the customer before the follow-up resolves itself: use fewer days.";
  if (Object.keys(fieldErrors).length === 0 && values.clock === "business") {
    // Counting stops after 30 years of schedule: a long target on a sparse week must fit in them.
    const calendar: SupportCalendar = { clock: "business", timeZone: values.timeZone, openHours, holidays: new Set() };
    for (const priority of FOLLOW_UP_PRIORITIES) {
      try {
        addOpenTime(now(), targets[priority].resolutionMinutes * MINUTE, calendar);
      } catch {
        fieldErrors[`${priority}ResolutionHours`] =
          "With these open hours this target would end more than 30 years from now: open more hours or shorten it.";
      }
    }
  }
  if (Object.keys(fieldErrors).length > 0) throw new ValidationError(fieldErrors);
  return { ...values, openHours, targets };
}

/** Admins save a category's support policy; the audit log keeps what it was. */
export async function saveSupportPolicy(actor: Actor, categorySlug: string, input: unknown) {
  ensure(canSetResponseTargets(actor), "Only admins can change how support works.");
  ensureSignedIn(actor);
  const values = parsePolicy(input);
  return write(async (db) => {
    const category = await findCategoryBySlug(categorySlug);
    if (!category) throw new NotFoundError("That category does not exist.");
    const before = await policyFor(category.id);
    const row = {
      categoryId: category.id,
      graceMinutes: values.graceHours!,
      clock: values.clock,
      timeZone: values.timeZone,
      openHours: JSON.stringify(values.openHours),
      remindAfterMinutes: values.remindAfterDays,
      autoResolveAfterMinutes: values.autoResolveAfterDays,
      roundRobin: values.roundRobin,
    };
    await db.insert(supportPolicies).values(row).onConflictDoUpdate({ target: supportPolicies.categoryId, set: row });
    await db.delete(supportHolidays).where(eq(supportHolidays.categoryId, category.id));
    if (values.holidays.length > 0)
      await db
        .insert(supportHolidays)
        .values(values.holidays.map((holiday) => ({ ...holiday, categoryId: category.id })));
    await db.delete(categoryTargets).where(eq(categoryTargets.categoryId, category.id));
    await db
      .insert(categoryTargets)
      .values(
        FOLLOW_UP_PRIORITIES.map((priority) => ({ categoryId: category.id, priority, ...values.targets[priority] })),
      );
    const recounted = await recountOpenFollowUps(category.id);
    const summary = (policy: Omit<SupportPolicy, "categoryId" | "lastAssigneeId">) => ({
      graceMinutes: policy.graceMinutes,
      clock: policy.clock,
      timeZone: policy.timeZone,
      openHours: policy.openHours,
      holidays: policy.holidays.length,
      remindAfterMinutes: policy.remindAfterMinutes,
      autoResolveAfterMinutes: policy.autoResolveAfterMinutes,
      roundRobin: policy.roundRobin,
      targets: policy.targets,
    });
    await recordAudit(actor, {
      action: "support-policy.update",
      subject: { type: "category", id: category.id, label: category.name },
      before: summary(before),
      after: {
        ...summary({ ...row, openHours: values.openHours, holidays: values.holidays, targets: values.targets }),
        recountedFollowUps: recounted,
      },
    });
    return { categorySlug, recounted };
  });
}

/**
 * The category's open follow-ups keep the promise as it now stands: their unmet due times are
 * counted again from when their customers asked, on the new clock and targets (part of the
 * caller's write). Returns how many were recounted.
 */
async function recountOpenFollowUps(categoryId: number) {
  const policy = await policyFor(categoryId);
  return inWrite(async (db) => {
    const open = await db
      .select({
        id: followUps.id,
        priority: followUps.priority,
        askedAt: followUps.askedAt,
        waitedMs: followUps.waitedMs,
        firstRespondedAt: followUps.firstRespondedAt,
      })
      .from(followUps)
      .innerJoin(threads, eq(threads.id, followUps.threadId))
      .where(and(eq(threads.categoryId, categoryId), ne(followUps.status, "resolved")));
    for (const followUp of open) {
      const due = dueTimes(policy, followUp.priority, followUp.askedAt, followUp.waitedMs);
      await db
        .update(followUps)
        .set({
          ...(followUp.firstRespondedAt ? {} : { firstResponseDueAt: due.firstResponseDueAt }),
          resolutionDueAt: due.resolutionDueAt,
          dueWarningSentAt: null,
        })
        .where(eq(followUps.id, followUp.id));
    }
    return open.length;
  });
}

/** Changes some of a category's settings, the rest kept as they are (as if typed over the form). */
export async function changeSupportPolicy(actor: Actor, categorySlug: string, changes: Record<string, string>) {
  const { policy } = await getSupportPolicy(actor, categorySlug);
  return saveSupportPolicy(actor, categorySlug, { ...policyFormValues(policy), ...changes });
}

/** /support/settings: every category with a short summary of its policy. */
export async function listSupportPolicies(actor: Actor) {
  ensure(canSetResponseTargets(actor), "Only admins can see how support is set up.");
  const rows = await read((db) =>
    db
      .select({ id: categories.id, slug: categories.slug, name: categories.name })
      .from(categories)
      .orderBy(asc(categories.position)),
  );
  const policies = await policiesFor(rows.map((row) => row.id));
  return rows.map((row) => ({ ...row, policy: policies.get(row.id)! }));
}

/** One category's policy for its settings page. */
export async function getSupportPolicy(actor: Actor, categorySlug: string) {
  ensure(canSetResponseTargets(actor), "Only admins can see how support is set up.");
  const category = await findCategoryBySlug(categorySlug);
  if (!category) throw new NotFoundError("That category does not exist.");
  return { category: { slug: category.slug, name: category.name }, policy: await policyFor(category.id) };
}
