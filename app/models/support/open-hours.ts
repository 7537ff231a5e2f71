/**
 * Support clocks: how much of a stretch of time counts toward a target. A calendar clock counts
 * every minute; a business clock counts only a category's open hours (weekly spans in its time
 * zone, minus its holidays). Local wall times are turned into instants with the zone's offset at
 * that moment, so days that gain or lose an hour to daylight saving count what the clock on the
 * wall shows.
 */
import { z } from "zod";

export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;
/** Per weekday (0 = Sunday), spans of local time ["09:00", "17:00"]; "24:00" ends at midnight. */
export type OpenHours = Record<Weekday, [string, string][]>;

export type SupportCalendar =
  { clock: "calendar" } | { clock: "business"; timeZone: string; openHours: OpenHours; holidays: ReadonlySet<string> };

export const CALENDAR_CLOCK: SupportCalendar = { clock: "calendar" };

export const WEEKDAYS: { day: Weekday; name: string }[] = [
  { day: 1, name: "Monday" },
  { day: 2, name: "Tuesday" },
  { day: 3, name: "Wednesday" },
  { day: 4, name: "Thursday" },
  { day: 5, name: "Friday" },
  { day: 6, name: "Saturday" },
  { day: 0, name: "Sunday" },
];

export const OFFICE_HOURS: OpenHours = {
  0: [],
  1: [["09:00", "17:00"]],
  2: [["09:00", "17:00"]],
  3: [["09:00", "17:00"]],
  4: [["09:00", "17:00"]],
  5: [["09:00", "17:00"]],
  6: [],
};

const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** A span as admins type it: "09:00-17:00"; several spans a day are separated by commas. */
export function parseDaySpans(text: string): [string, string][] | string {
  const trimmed = text.trim();
  if (trimmed === "" || /^closed$/i.test(trimmed)) return [];
  const spans: [string, string][] = [];
  for (const part of trimmed.split(",")) {
    const match = /^\s*(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})\s*$/.exec(part);
    if (!match) return `Write hours as 09:00-17:00 (or "closed").`;
    const [from, to] = [match[1].padStart(5, "0"), match[2].padStart(5, "0")];
    if (!TIME.test(from) || !TIME.test(to)) return `${part.trim()} is not a time of day.`;
    if (minutesOf(from) >= minutesOf(to)) return `${part.trim()} ends before it starts.`;
    spans.push([from, to]);
  }
  spans.sort((a, b) => minutesOf(a[0]) - minutesOf(b[0]));
  for (let i = 1; i < spans.length; i++) {
    if (minutesOf(spans[i][0]) < minutesOf(spans[i - 1][1])) return "These hours overlap.";
  }
  return spans;
}

export const formatDaySpans = (spans: [string, string][]) =>
  spans.length === 0 ? "closed" : spans.map(([from, to]) => `${from}-${to}`).join(", ");

const openHoursSchema = z.partialRecord(
  z.enum(["0", "1", "2", "3", "4", "5", "6"]),
  z.array(z.tuple([z.string().regex(TIME), z.string().regex(TIME)])),
);

/** Open hours as stored (JSON); anything unreadable falls back to office hours, logged by the caller. */
export function readOpenHours(json: string): OpenHours | null {
  try {
    const parsed = openHoursSchema.safeParse(JSON.parse(json));
    if (!parsed.success) return null;
    const hours = { ...OFFICE_HOURS };
    for (const day of [0, 1, 2, 3, 4, 5, 6] as Weekday[]) hours[day] = parsed.data[String(day) as "0"] ?? [];
    return hours;
  } catch {
    return null;
  }
}

export const hasOpenHours = (hours: OpenHours) => Object.values(hours).some((spans) => spans.length > 0);

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatterFor(timeZone: string) {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall-clock time in `timeZone` at `instant`, as if it were UTC (milliseconds). */
function wallTime(instant: number, timeZone: string) {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(new Date(instant))) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const seconds = Math.floor(instant / 1000) * 1000;
  return Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second) + (instant - seconds);
}

/**
 * The instant the clocks in `timeZone` show `wall` (a UTC-based wall time). A wall time skipped by
 * a daylight-saving change maps to as long after the change as it was after the skipped hour's start.
 */
function instantOf(wall: number, timeZone: string) {
  // Every queue page asks for the same few days' boundaries again: remember them (bounded).
  const key = `${timeZone}|${wall}`;
  const known = instants.get(key);
  if (known !== undefined) return known;
  if (instants.size >= 50_000) instants.clear();
  const instant = computeInstantOf(wall, timeZone);
  instants.set(key, instant);
  return instant;
}
const instants = new Map<string, number>();

function computeInstantOf(wall: number, timeZone: string) {
  const firstGuess = wall - (wallTime(wall, timeZone) - wall);
  const offset = wallTime(firstGuess, timeZone) - firstGuess;
  const instant = wall - offset;
  if (wallTime(instant, timeZone) === wall) return instant;
  // In a gap: the offset from before the change applies, so 02:30 on a night that jumps from 02:00
  // to 03:00 is 03:30 (as Temporal's "compatible" reads it).
  const before = instant - 3600_000 * 3;
  return wall - (wallTime(before, timeZone) - before);
}

const DAY = 86_400_000;
/** Beyond this, a schedule is treated as never open (it cannot be: admins must give open hours). */
const MAX_DAYS_WALKED = 366 * 30;

/** The open spans of one local day (a UTC-midnight wall time), as instants. */
function openSpansOn(dayWall: number, calendar: Extract<SupportCalendar, { clock: "business" }>) {
  const date = new Date(dayWall);
  const iso = date.toISOString().slice(0, 10);
  if (calendar.holidays.has(iso)) return [];
  return calendar.openHours[date.getUTCDay() as Weekday].map(
    ([from, to]) =>
      [
        instantOf(dayWall + minutesOf(from) * 60_000, calendar.timeZone),
        instantOf(dayWall + minutesOf(to) * 60_000, calendar.timeZone),
      ] as const,
  );
}

const localMidnight = (instant: number, timeZone: string) => {
  const wall = wallTime(instant, timeZone);
  return wall - (((wall % DAY) + DAY) % DAY);
};

/** The moment `ms` of counted time after `from`: the due time of a target of that length. */
export function addOpenTime(from: Date, ms: number, calendar: SupportCalendar): Date {
  if (calendar.clock === "calendar" || ms <= 0) return new Date(from.getTime() + Math.max(0, ms));
  let left = ms;
  let day = localMidnight(from.getTime(), calendar.timeZone);
  for (let walked = 0; walked < MAX_DAYS_WALKED; walked++, day += DAY) {
    for (const [start, end] of openSpansOn(day, calendar)) {
      const begin = Math.max(start, from.getTime());
      if (end <= begin) continue;
      if (end - begin >= left) return new Date(begin + left);
      left -= end - begin;
    }
  }
  throw new Error("This support schedule has no open hours.");
}

/** Counted time between two moments; negative when `to` is before `from`. */
export function openTimeBetween(from: Date, to: Date, calendar: SupportCalendar): number {
  if (to < from) return -openTimeBetween(to, from, calendar);
  if (calendar.clock === "calendar") return to.getTime() - from.getTime();
  let total = 0;
  let day = localMidnight(from.getTime(), calendar.timeZone);
  for (let walked = 0; walked < MAX_DAYS_WALKED && day - DAY <= to.getTime() + DAY; walked++, day += DAY) {
    for (const [start, end] of openSpansOn(day, calendar)) {
      const overlap = Math.min(end, to.getTime()) - Math.max(start, from.getTime());
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}
