import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { FollowUpItem, TimeLeft } from "~/components/follow-up";
import { Pagination } from "~/components/pagination";
import { BulkBar, QueueFilters, SavedViews, ShiftSwitch, StatusTabs } from "~/components/support-queue";
import { formValues, parseIntent, queryValues } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { canSetResponseTargets } from "~/lib/permissions.server";
import { listSupportQueue } from "~/models/support/queue.server";
import { setOnShift } from "~/models/support/round-robin.server";
import { workOnFollowUps } from "~/models/support/work.server";
import { NOT_TEXT } from "~/lib/text";

export const meta: MetaFunction = () => [{ title: "Support queue" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const params = queryValues(request);
  return loaderResult(async () => ({
    ...(await listSupportQueue(context.actor, params)),
    canSetTargets: canSetResponseTargets(context.actor),
  }));
}

const INTENTS = ["take", "assign", "priority", "status", "shift"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  // One checkbox per selected follow-up: joined, so every field is one string like the rest.
  const values = {
    ...formValues(form),
    ids: form
      .getAll("ids")
      .filter((id) => typeof id === "string")
      .join(",")
      .replace(NOT_TEXT, ""),
  };
  return actionResult(async () => {
    if (parseIntent(INTENTS, values) === "shift") {
      const { onShift } = await setOnShift(context.actor, values);
      return {
        ok: true as const,
        message: onShift ? "You are on shift: new follow-ups may come to you in turn." : "You are off shift.",
      };
    }
    return { ok: true as const, message: (await workOnFollowUps(context.actor, values)).message };
  }, values);
}

export default function SupportQueue() {
  const { query, items, hasNextPage, counts, staff, categories, onShift, canSetTargets } =
    useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok && result.values?.intent !== "shift" ? result : null;
  const selected = new Set(failure?.values?.ids?.split(","));
  const bulkForm = useRef<HTMLFormElement>(null);
  // A done change clears the selection (without JavaScript the page comes back fresh anyway).
  useEffect(() => {
    if (result?.ok) bulkForm.current?.reset();
  }, [result]);
  return (
    <>
      <div className="page-head">
        <h1>Support queue</h1>
        <span className="page-links">
          <a href="/support/reports">Reports</a>
          <a href="/support/rewards">Rewards</a>
          {canSetTargets ? <a href="/support/settings">Settings</a> : null}
        </span>
      </div>
      <ShiftSwitch onShift={onShift} />
      <SavedViews current={query.view} />
      <StatusTabs query={query} counts={counts} />
      <QueueFilters query={query} staff={staff} categories={categories} />
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {result && !result.ok && !failure ? <p className="form-error">{result.formError}</p> : null}
      <Form method="post" ref={bulkForm} aria-label="Follow-ups">
        <BulkBar staff={staff} failure={failure} />
        {items.length === 0 ? (
          <p>
            {query.q || query.view || query.priority || query.assignee || query.category
              ? "No follow-up matches these filters."
              : "Nothing here. Every customer has heard from us."}
          </p>
        ) : null}
        <ul className="queue-list">
          {items.map((item) => (
            <FollowUpItem
              key={item.id}
              item={item}
              select={
                <input
                  type="checkbox"
                  name="ids"
                  value={item.id}
                  defaultChecked={selected.has(String(item.id))}
                  aria-label={`Select #${item.id} ${item.threadTitle}`}
                />
              }
            >
              <TimeLeft item={item} />
              <span>{item.categoryName}</span>
              <span>customer {item.customer}</span>
              <span>{item.assignee ? `with ${item.assignee}` : "not taken yet"}</span>
            </FollowUpItem>
          ))}
        </ul>
      </Form>
      <Pagination page={query.page} hasNextPage={hasNextPage} />
    </>
  );
}
