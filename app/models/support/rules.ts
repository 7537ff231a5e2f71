/** Support follow-up options shared by the server and the browser bundle. */
import { z } from "zod";
import { cutToLength } from "~/lib/text";

type Priority = "low" | "normal" | "high" | "urgent";
type Targets = { firstResponseMinutes: number; resolutionMinutes: number };

/** Targets for categories and priorities an admin has not set, counted from when the customer asked. */
export const DEFAULT_TARGETS: Record<Priority, Targets> = {
  urgent: { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  high: { firstResponseMinutes: 8 * 60, resolutionMinutes: 48 * 60 },
  normal: { firstResponseMinutes: 24 * 60, resolutionMinutes: 72 * 60 },
  low: { firstResponseMinutes: 48 * 60, resolutionMinutes: 120 * 60 },
};

/** How support works in a category without its own policy. */
export const DEFAULT_POLICY = {
  graceMinutes: 4 * 60,
  clock: "calendar" as "calendar" | "business",
  timeZone: "UTC",
  remindAfterMinutes: (3 * 24 * 60) as number | null,
  autoResolveAfterMinutes: (7 * 24 * 60) as number | null,
  roundRobin: false,
};
/** A follow-up with less than this left on its target is flagged as nearly breached. */
export const NEARLY_BREACHED_MS = 2 * 3600_000;
export const QUEUE_PAGE_SIZE = 25;

export const STATUS_LABELS = {
  new: "New",
  open: "Open",
  waiting: "Waiting on customer",
  resolved: "Resolved",
} as const;
/** What a sent reply does to its follow-up, as the reply box and macros offer it. */
export const REPLY_THEN_LABELS = {
  open: "Keep it open",
  waiting: "Wait for the customer (pauses the clock)",
  resolved: "Resolve it",
} as const;
export const REPLY_THEN = ["open", "waiting", "resolved"] as const;
export type ReplyThen = (typeof REPLY_THEN)[number];
export const PRIORITY_LABELS = { low: "Low", normal: "Normal", high: "High", urgent: "Urgent" } as const;

/**
 * Saved views of the queue (`?view=`), each a filter on top of the others: assigned to me, to
 * nobody, past due and not resolved, waiting on the customer.
 */
export const QUEUE_VIEWS = ["mine", "unassigned", "breached", "waiting"] as const;
export type QueueView = (typeof QUEUE_VIEWS)[number];
export const QUEUE_VIEW_LABELS: Record<QueueView, string> = {
  mine: "Mine",
  unassigned: "Unassigned",
  breached: "Breached",
  waiting: "Waiting",
};
export const SEARCH_MAX_LENGTH = 100;

/** Query-string options of /support; anything unusable falls back to the default. */
export const supportQueueQuerySchema = z.object({
  status: z.enum(["active", "new", "open", "waiting", "resolved"]).catch("active"),
  priority: z.enum(["low", "normal", "high", "urgent"]).optional().catch(undefined),
  assignee: z.string().trim().max(40).optional().catch(undefined),
  category: z.string().trim().max(60).optional().catch(undefined),
  /** A follow-up number ("#123" or "123"), else words to find in the title or the customer's name or email. */
  // A longer search is cut to its first characters rather than dropped (which would list everything).
  q: z
    .string()
    .transform((text) => cutToLength(text.trim(), SEARCH_MAX_LENGTH).trim())
    .optional()
    .catch(undefined),
  view: z.enum(QUEUE_VIEWS).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type SupportQueueQuery = z.infer<typeof supportQueueQuerySchema>;

/** "in 3 h 20 min", "2 h 5 min overdue": time left on a target, as staff and customers read it. */
export function describeTimeLeft(ms: number) {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = days > 0 ? [`${days} d`, `${hours} h`] : hours > 0 ? [`${hours} h`, `${rest} min`] : [`${rest} min`];
  return ms < 0 ? `${parts.join(" ")} overdue` : `in ${parts.join(" ")}`;
}

/** A due time as people read it, in the support desk's time zone: "Monday 30 November, 12:00 GMT". */
export function formatDueAt(dueAt: Date, timeZone: string) {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    weekday: "long",
    day: "numeric",
    month: "long",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(dueAt);
}

/** A length of time as admins set it: "4 h", "1 d 12 h", "90 min". */
export function describeMinutes(minutes: number) {
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} d` : "", hours ? `${hours} h` : "", rest ? `${rest} min` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : "0 min";
}
