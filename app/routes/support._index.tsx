import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { FollowUpItem, TimeLeft } from "~/components/follow-up";
import { Pagination } from "~/components/pagination";
import { SelectField } from "~/components/ui/field";
import { loaderResult } from "~/lib/http.server";
import { canSetResponseTargets } from "~/lib/permissions.server";
import { PRIORITY_LABELS, STATUS_LABELS } from "~/models/support/rules";
import { listSupportQueue } from "~/models/support/queue.server";

export const meta: MetaFunction = () => [{ title: "Support queue" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return loaderResult(async () => ({
    ...(await listSupportQueue(context.actor, params)),
    canSetTargets: canSetResponseTargets(context.actor),
  }));
}

const STATUS_TABS = [["active", "All active"], ...Object.entries(STATUS_LABELS)] as const;

export default function SupportQueue() {
  const { query, items, hasNextPage, counts, staff, categories, canSetTargets } = useLoaderData<typeof loader>();
  const activeCount = (counts.new ?? 0) + (counts.open ?? 0) + (counts.waiting ?? 0);
  return (
    <>
      <div className="page-head">
        <h1>Support queue</h1>
        <span className="page-links">
          <a href="/support/reports">Reports</a>
          {canSetTargets ? <a href="/support/settings">Settings</a> : null}
        </span>
      </div>
      <nav aria-label="Status">
        <ul className="segmented">
          {STATUS_TABS.map(([status, label]) => (
            <li key={status}>
              <a href={`/support?status=${status}`} aria-current={query.status === status ? "true" : undefined}>
                {label} ({status === "active" ? activeCount : (counts[status] ?? 0)})
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="search-filters queue-filters">
        <input type="hidden" name="status" value={query.status} />
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
        <SelectField
          name="category"
          label="Category"
          defaultValue={query.category ?? ""}
          placeholder="Any category"
          options={categories.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <SelectField
          name="priority"
          label="Priority"
          defaultValue={query.priority ?? ""}
          placeholder="Any priority"
          options={Object.entries(PRIORITY_LABELS).map(([value, label]) => ({ value, label }))}
        />
        <button type="submit" className="button button-secondary">
          Filter
        </button>
      </Form>
      {items.length === 0 ? <p>Nothing here. Every customer has heard from us.</p> : null}
      <ul className="queue-list">
        {items.map((item) => (
          <FollowUpItem key={item.id} item={item}>
            <TimeLeft item={item} />
            <span>{item.categoryName}</span>
            <span>customer {item.customer}</span>
            <span>{item.assignee ? `with ${item.assignee}` : "not taken yet"}</span>
          </FollowUpItem>
        ))}
      </ul>
      <Pagination page={query.page} hasNextPage={hasNextPage} />
    </>
  );
}
