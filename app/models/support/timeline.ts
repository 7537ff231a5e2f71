/**
 * A follow-up's timeline and statuses in words: precise for staff (who did what, "new → open"), and
 * in the customer's words for the customer ("Support is waiting for your reply"). Pure and
 * browser-safe: the follow-up page and /my/support both read their wording from here. A kind this
 * module does not know reads as a neutral sentence to the customer, never as jargon.
 */
import { PRIORITY_LABELS } from "./rules";

type Status = "new" | "open" | "waiting" | "resolved";
type Resolution = "staff" | "accepted-answer" | "verified-solution" | "customer" | "no-reply";

/** Statuses as the customer reads them (badges on their follow-up and on /my/support). */
export const CUSTOMER_STATUS_LABELS: Record<Status, string> = {
  new: "Waiting for our support team",
  open: "Support is working on it",
  waiting: "Support is waiting for your reply",
  resolved: "Resolved",
};

export type TimelineEvent = {
  kind: string;
  detail: string;
  actorId: number | null;
  actor: string | null;
};

/** What the customer needs to word an event: who they are, and how the follow-up was last resolved. */
export type TimelineContext = { customerId: number; resolution: Resolution | null; lastResolution: boolean };

const RESOLVED_BECAUSE: Record<Resolution, string> = {
  staff: "Resolved by our support team",
  "accepted-answer": "Resolved: an answer in your thread was accepted",
  "verified-solution": "Resolved: our support team confirmed a solution in the thread",
  customer: "Resolved: you marked it as solved",
  "no-reply": "Resolved: we had not heard back from you",
};

/** "new → open" as its two statuses; anything else as nulls. */
function statusChange(detail: string): [string | null, string | null] {
  const [from, to] = detail.split(" → ");
  return to === undefined ? [null, null] : [from, to];
}

function customerStatusSentence(event: TimelineEvent, context: TimelineContext) {
  const [from, to] = statusChange(event.detail);
  const byCustomer = event.actorId === context.customerId;
  if (to === "resolved") {
    if (context.lastResolution && context.resolution) return RESOLVED_BECAUSE[context.resolution];
    return byCustomer ? "Resolved when you accepted an answer" : "Resolved";
  }
  if (to === "waiting") return "Support is waiting for your reply";
  if (to === "new") return "Your question is back in our support queue";
  if (to === "open") {
    if (from === "resolved") return byCustomer ? "You said it is still not solved" : "We reopened your question";
    if (from === "waiting")
      return byCustomer ? "You replied: it is back with our support team" : "Support is working on it again";
    return "We started looking at your question";
  }
  return "Your follow-up was updated";
}

function customerSentence(event: TimelineEvent, context: TimelineContext) {
  const byCustomer = event.actorId === context.customerId;
  switch (event.kind) {
    case "opened":
      return event.detail === "customer"
        ? "You asked our support team for help"
        : event.detail === "target"
          ? "Your question was still waiting for an answer, so our support team took it up"
          : "Our support team started following up your question";
    case "status":
      return customerStatusSentence(event, context);
    case "first-response":
      return "Our support team replied";
    case "private-message":
      return byCustomer ? "You wrote to our support team" : "Our support team wrote to you";
    case "assigned":
      return event.detail
        ? `${event.detail} from our support team is looking after your question`
        : "Someone from our support team took your question";
    case "priority": {
      const to = statusChange(event.detail)[1] as keyof typeof PRIORITY_LABELS | null;
      return to && PRIORITY_LABELS[to]
        ? `We now treat your question as ${PRIORITY_LABELS[to].toLowerCase()} priority`
        : "We changed how urgently we treat your question";
    }
    case "rated":
      return event.detail ? `You rated our help ${event.detail}` : "You rated our help";
    case "community-answer":
      return event.detail === "solved"
        ? "You told us the community's answer solved it"
        : "You told us the community's answer did not solve it";
    case "reminded":
      return "We reminded you that we are waiting for your reply";
    case "auto-resolved":
      return "We stopped waiting for your reply: if it is still not solved, you can reopen it here";
    default:
      return "Your follow-up was updated";
  }
}

/** Staff read the kind and its detail as written, with who did it. */
function staffSentence(event: TimelineEvent) {
  return `${event.actor ?? "Hearth"}: ${event.kind.replace("-", " ")}${event.detail ? ` (${event.detail})` : ""}`;
}

/**
 * The timeline's lines for `audience`, oldest first: `events` in that order. Only the last
 * resolution is known to the follow-up row, so only the last "resolved" line says why. A line the
 * customer would read twice (the first response that was the private message just before it) is
 * empty: callers leave empty lines out.
 */
export function describeTimeline<T extends TimelineEvent>(
  events: T[],
  audience: "staff" | "customer",
  follow: { customerId: number; resolution: Resolution | null },
) {
  let lastResolved = -1;
  events.forEach((event, index) => {
    if (event.kind === "status" && statusChange(event.detail)[1] === "resolved") lastResolved = index;
  });
  return events.map((event, index) =>
    audience === "staff"
      ? staffSentence(event)
      : event.kind === "first-response" && events[index - 1]?.kind === "private-message"
        ? ""
        : customerSentence(event, { ...follow, lastResolution: index === lastResolved }),
  );
}
