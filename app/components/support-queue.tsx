// The /support queue's parts: saved views, status tabs, filters, the bulk bar and the shift switch.
import { Form, useLocation } from "@remix-run/react";
import { CategoryFilter, FormError, SelectField, TextField } from "~/components/ui/field";
import {
  PRIORITY_LABELS,
  QUEUE_VIEW_LABELS,
  QUEUE_VIEWS,
  SEARCH_MAX_LENGTH,
  STATUS_LABELS,
  type SupportQueueQuery,
} from "~/models/support/rules";

type Failure = {
  formError: string | null;
  fieldErrors: Record<string, string | undefined>;
  values?: Record<string, string>;
} | null;

/** The queue's address with `changes` applied: every other filter kept, back to page 1. */
function queueHref(query: SupportQueueQuery, changes: Partial<Record<"status", string>>) {
  const params = new URLSearchParams();
  const { page: _page, ...filters } = { ...query, ...changes };
  for (const [name, value] of Object.entries(filters)) if (value) params.set(name, String(value));
  if (params.get("status") === "active") params.delete("status");
  const search = params.toString();
  return `/support${search ? `?${search}` : ""}`;
}

/** Saved views: each starts afresh from the active tab (no other filter). */
export function SavedViews({ current }: { current: SupportQueueQuery["view"] }) {
  const views = [[undefined, "Everything"], ...QUEUE_VIEWS.map((view) => [view, QUEUE_VIEW_LABELS[view]])] as const;
  return (
    <nav aria-label="Saved views">
      <ul className="segmented queue-views">
        {views.map(([view, label]) => (
          <li key={label}>
            <a href={view ? `/support?view=${view}` : "/support"} aria-current={current === view ? "page" : undefined}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A select's options from a `value → label` record. */
const optionsOf = (labels: Record<string, string>) =>
  Object.entries(labels).map(([value, label]) => ({ value, label }));

const STATUS_TABS = [["active", "All active"], ...Object.entries(STATUS_LABELS)] as const;

/** Status tabs; their counts follow every other filter. */
export function StatusTabs({ query, counts }: { query: SupportQueueQuery; counts: Partial<Record<string, number>> }) {
  const activeCount = (counts.new ?? 0) + (counts.open ?? 0) + (counts.waiting ?? 0);
  return (
    <nav aria-label="Status">
      <ul className="segmented">
        {STATUS_TABS.map(([status, label]) => (
          <li key={status}>
            <a href={queueHref(query, { status })} aria-current={query.status === status ? "true" : undefined}>
              {label} ({status === "active" ? activeCount : (counts[status] ?? 0)})
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Search and filters: a GET form of its own, apart from the bulk form. */
export function QueueFilters({
  query,
  staff,
  categories,
}: {
  query: SupportQueueQuery;
  staff: string[];
  categories: { slug: string; name: string }[];
}) {
  // Keyed by the query, so going Back shows that page's own search and filters, not the last typed.
  const { search } = useLocation();
  return (
    <Form
      key={search}
      method="get"
      className="search-filters queue-filters"
      role="search"
      aria-label="Search the queue"
    >
      <input type="hidden" name="status" value={query.status} />
      {query.view ? <input type="hidden" name="view" value={query.view} /> : null}
      <TextField
        name="q"
        type="search"
        label="Search"
        hint="#number, title, customer or email"
        maxLength={SEARCH_MAX_LENGTH}
        defaultValue={query.q ?? ""}
      />
      <SelectField
        name="assignee"
        label="Assignee"
        defaultValue={query.assignee ?? ""}
        placeholder="Anyone"
        options={[
          { value: "me", label: "Me" },
          { value: "nobody", label: "Nobody yet" },
          ...staff.map((name) => ({ value: name, label: name })),
        ]}
      />
      <CategoryFilter categories={categories} value={query.category} />
      <SelectField
        name="priority"
        label="Priority"
        defaultValue={query.priority ?? ""}
        placeholder="Any priority"
        options={optionsOf(PRIORITY_LABELS)}
      />
      <button type="submit" className="button button-secondary">
        Filter
      </button>
    </Form>
  );
}

/**
 * What to do with the selected follow-ups; sits inside the bulk form with the rows' checkboxes, so
 * the pressed button's `intent` and the selected `ids` are posted together, with or without JavaScript.
 */
export function BulkBar({ staff, failure }: { staff: string[]; failure: Failure }) {
  const errors = failure?.fieldErrors ?? {};
  const choices = [
    {
      intent: "assign",
      field: "assignee",
      label: "Assign them to",
      placeholder: "Choose someone",
      options: staff.map((name) => ({ value: name, label: name })),
      button: "Assign",
    },
    {
      intent: "priority",
      field: "priority",
      label: "New priority",
      placeholder: "Choose a priority",
      options: optionsOf(PRIORITY_LABELS),
      button: "Set priority",
    },
    {
      intent: "status",
      field: "status",
      label: "New status",
      placeholder: "Choose a status",
      options: optionsOf(STATUS_LABELS),
      button: "Set status",
    },
  ];
  return (
    <fieldset className="bulk-bar">
      <legend>Change the selected follow-ups</legend>
      <FormError message={failure?.formError ?? errors.ids ?? errors.intent} />
      <button type="submit" name="intent" value="take" className="button button-small">
        Take them
      </button>
      {choices.map((choice) => (
        <BulkChoice
          key={choice.field}
          {...choice}
          defaultValue={failure?.values?.[choice.field] ?? ""}
          error={errors[choice.field]}
        />
      ))}
    </fieldset>
  );
}

/** One choice of the bulk bar and its button (`intent`); ids prefixed "bulk-" apart from the filters'. */
function BulkChoice({
  intent,
  field,
  button,
  ...select
}: {
  intent: string;
  field: string;
  label: string;
  placeholder: string;
  options: { value: string; label: string }[];
  button: string;
  defaultValue: string;
  error?: string;
}) {
  return (
    <div className="bulk-action">
      <SelectField name={field} id={`bulk-${field}`} {...select} />
      <button type="submit" name="intent" value={intent} className="button button-small button-secondary">
        {button}
      </button>
    </div>
  );
}

/** "I'm on shift" / "Go off shift": whether round-robin may hand this staff member new follow-ups. */
export function ShiftSwitch({ onShift }: { onShift: boolean }) {
  return (
    <Form method="post" className="shift-switch">
      <input type="hidden" name="intent" value="shift" />
      <input type="hidden" name="onShift" value={onShift ? "false" : "true"} />
      <span>{onShift ? "You are on shift." : "You are off shift."}</span>{" "}
      <button type="submit" className="button button-small button-secondary">
        {onShift ? "Go off shift" : "I’m on shift"}
      </button>
    </Form>
  );
}
