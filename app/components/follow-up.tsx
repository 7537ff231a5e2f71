import { createContext, useContext, type ReactNode } from "react";
import { describeTimeLeft, formatDueAt, PRIORITY_LABELS, STATUS_LABELS } from "~/models/support/rules";
import { CUSTOMER_STATUS_LABELS } from "~/models/support/timeline";

type Timed = {
  status: string;
  timeLeftMs: number | null;
  target: string;
  breached: boolean;
  nearlyBreached: boolean;
  pausedAt: Date | null;
  /** On a business clock, time left counts only the desk's open hours. */
  clock: "calendar" | "business";
  clockTimeZone: string;
  dueAt: Date | null;
};

/** When a business-hours target falls, for people who cannot count open hours in their head. */
function DueAt({ item }: { item: Timed }) {
  if (!item.dueAt || item.clock !== "business" || item.pausedAt) return null;
  return (
    <time dateTime={new Date(item.dueAt).toISOString()}>{formatDueAt(new Date(item.dueAt), item.clockTimeZone)}</time>
  );
}

/** Whose words status badges use inside it: staff's ("Waiting on customer") unless a page says the customer's. */
export const StatusAudience = createContext<"staff" | "customer">("staff");

export function StatusBadge({ status, audience }: { status: string; audience?: "staff" | "customer" }) {
  const inherited = useContext(StatusAudience);
  const labels = (audience ?? inherited) === "customer" ? CUSTOMER_STATUS_LABELS : STATUS_LABELS;
  return <span className={`badge badge-status-${status}`}>{labels[status as keyof typeof labels] ?? status}</span>;
}

export function PriorityBadge({ priority }: { priority: string }) {
  if (priority === "normal") return null;
  return (
    <span className={`badge badge-priority-${priority}`}>
      {PRIORITY_LABELS[priority as keyof typeof PRIORITY_LABELS] ?? priority} priority
    </span>
  );
}

/** When the customer can expect to hear from us, in their words. */
export function ExpectedReply({ item }: { item: Timed }) {
  if (item.timeLeftMs === null) return null;
  // The status already says that support is waiting for their reply.
  if (item.pausedAt) return null;
  const what = item.target === "first response" ? "a first reply" : "a resolution";
  if (item.breached)
    return (
      <span className="time-left is-breached">
        Expect {what} very soon: we are late, and it is at the top of our queue
      </span>
    );
  return (
    <span className="time-left">
      Expect {what}{" "}
      {item.clock === "business" ? (
        <>
          by <DueAt item={item} />
        </>
      ) : (
        describeTimeLeft(item.timeLeftMs)
      )}
    </span>
  );
}

/** "First response in 3 h 10 min", red when overdue, amber when nearly; stopped while waiting on the customer. */
export function TimeLeft({ item }: { item: Timed }) {
  // Resolved: no clock runs, and the status badge beside it says so.
  if (item.timeLeftMs === null) return null;
  const text = `${item.target === "first response" ? "First response" : "Resolution"} ${describeTimeLeft(item.timeLeftMs)}`;
  const className = item.breached ? "time-left is-breached" : item.nearlyBreached ? "time-left is-nearly" : "time-left";
  return (
    <span className={className}>
      {item.breached ? <strong>Breached: </strong> : item.nearlyBreached ? <strong>Due soon: </strong> : null}
      {text}
      {item.clock === "business" ? " (counting open hours)" : ""}
      {item.pausedAt ? " (paused while waiting on the customer)" : ""}
      {item.clock === "business" && !item.breached && item.dueAt && !item.pausedAt ? (
        <>
          , due <DueAt item={item} />
        </>
      ) : null}
    </span>
  );
}

/**
 * One follow-up in a list: its number and thread title, status and priority, then whatever the
 * list adds; `select` (a checkbox) goes before it.
 */
export function FollowUpItem({
  item,
  select,
  children,
}: {
  item: Timed & { id: number; threadTitle: string; priority: string };
  select?: ReactNode;
  children: ReactNode;
}) {
  const urgency = item.breached ? " is-breached" : item.nearlyBreached ? " is-nearly" : "";
  return (
    <li className={`queue-item${urgency}${select ? " is-selectable" : ""}`}>
      {select}
      <div>
        <h2 className="thread-title">
          <a href={`/support/${item.id}`}>
            <span className="follow-up-number">{`#${item.id}`}</span> {item.threadTitle}
          </a>
        </h2>
        <div className="thread-meta">
          <StatusBadge status={item.status} />
          <PriorityBadge priority={item.priority} />
          {children}
        </div>
      </div>
    </li>
  );
}
