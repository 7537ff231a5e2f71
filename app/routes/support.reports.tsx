import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { GroupedBarChart } from "~/components/charts";
import {
  BacklogTable,
  communitySolved,
  FiguresTable,
  hours,
  medianText,
  rating,
  StaffTable,
  withinTarget,
} from "~/components/support-report";
import { SelectField } from "~/components/ui/field";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { supportReport } from "~/models/support/reports.server";
import { FailedSearchesTable } from "~/components/failed-searches";
import { listFailedSearches } from "~/models/search/failed-searches.server";
import { queryValues } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Support reports" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const params = queryValues(request);
  return loaderResult(async () => {
    const [report, failedSearches] = await Promise.all([
      supportReport(context.actor, params),
      listFailedSearches(context.actor),
    ]);
    return { ...report, failedSearches };
  });
}

const dayLabel = (at: Date) =>
  new Date(at).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const round1 = (ms: number | null) => (ms === null ? null : Math.round((ms / 3600_000) * 10) / 10);
const percentValue = (share: number | null) => (share === null ? null : Math.round(share * 100));

export default function SupportReports() {
  const report = useLoaderData<typeof loader>();
  const { query, weeks, total } = report;
  const labels = weeks.map((week) => dayLabel(week.weekStart));
  const csvHref = (table: string) =>
    `/support/reports.csv?table=${table}&weeks=${query.weeks}${query.category ? `&category=${encodeURIComponent(query.category)}` : ""}`;
  // A point at midnight closes the day before it; the last one may be now, part-way through a day.
  const backlogLabels = report.backlog.points.map((point) =>
    point.isNow ? "now" : dayLabel(new Date(new Date(point.endsAt).getTime() - 1)),
  );
  return (
    <>
      <h1>Support reports</h1>
      <Form method="get" className="search-filters">
        <SelectField
          name="weeks"
          label="Period"
          defaultValue={String(query.weeks)}
          options={[4, 8, 13, 26].map((n) => ({ value: String(n), label: `Last ${n} weeks` }))}
        />
        <SelectField
          name="category"
          label="Category"
          defaultValue={query.category ?? ""}
          placeholder="All categories"
          options={report.categories.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <button type="submit" className="button button-secondary">
          Show
        </button>
      </Form>
      <p className="hint">
        Times are calendar hours from when the customer asked: the first response from their first asking, the
        resolution from when they last wrote (once reopened). Opened and the times count a follow-up in the week it
        opened; resolved counts it in the week it was resolved. A follow-up still waiting counts with its age so far:
        past its due time it is missed, before it neither met nor missed; a median marked ≥ can only grow as those waits
        go on. Within target compares with the due times, which count the category&apos;s open hours and time spent
        waiting on the customer.
      </p>
      <ul className="stat-grid" aria-label="The whole period">
        <li>
          <strong>{total.opened}</strong> opened
        </li>
        <li>
          <strong>{total.resolved}</strong> resolved
        </li>
        <li>
          <strong>{medianText(total.firstResponse)}</strong> median first response
        </li>
        <li>
          <strong>{withinTarget(total.firstResponse)}</strong> first responses within target
        </li>
        <li>
          <strong>{report.now.stillWaiting}</strong> waiting for a first response now
          {report.now.oldestWaitingMs === null ? null : <>, the oldest for {hours(report.now.oldestWaitingMs)}</>}
        </li>
        <li>
          <strong>{rating(total.support)}</strong> support rating (of {total.support.asked} asked)
        </li>
        <li>
          <strong>{communitySolved(total.community)}</strong> said the community&apos;s answer solved it (yes of
          answers)
        </li>
      </ul>

      <h2 id="per-week">Per week</h2>
      <div className="chart-grid-2">
        <GroupedBarChart
          title="Follow-ups opened and resolved per week"
          source="the table Per week below"
          labels={labels}
          series={[
            { name: "Opened", className: "series-a" },
            { name: "Resolved", className: "series-b" },
          ]}
          values={weeks.map((week) => [week.opened, week.resolved])}
        />
        <GroupedBarChart
          title="Median hours to first response and to resolution"
          source="the table Per week below"
          labels={labels}
          unit=" h"
          series={[
            { name: "First response", className: "series-a" },
            { name: "Resolution", className: "series-b" },
          ]}
          values={weeks.map((week) => [round1(week.firstResponse.medianMs), round1(week.resolution.medianMs)])}
        />
        <GroupedBarChart
          title="Share within target per week"
          source="the table Per week below"
          labels={labels}
          unit=" %"
          max={100}
          series={[
            { name: "First response", className: "series-a" },
            { name: "Resolution", className: "series-b" },
          ]}
          values={weeks.map((week) => [
            percentValue(week.firstResponse.withinTargetShare),
            percentValue(week.resolution.withinTargetShare),
          ])}
        />
      </div>
      <FiguresTable
        id="table-weeks"
        caption="Per week"
        csvHref={csvHref("weeks")}
        firstHeading="Week of"
        rows={weeks.map((week, index) => ({ key: labels[index], label: labels[index], figures: week }))}
      />

      <h2 id="backlog">Backlog</h2>
      <div className="chart-grid-2">
        <GroupedBarChart
          title={`Open follow-ups at the end of each ${report.backlog.step}`}
          source="the table Backlog beside it"
          labels={backlogLabels}
          series={[{ name: "Open follow-ups", className: "series-a" }]}
          values={report.backlog.points.map((point) => [point.open])}
        />
        <BacklogTable
          csvHref={csvHref("backlog")}
          step={report.backlog.step}
          points={report.backlog.points.map((point, index) => ({ label: backlogLabels[index], open: point.open }))}
        />
      </div>

      <h2 id="per-staff">Per staff member</h2>
      <div className="chart-single">
        <GroupedBarChart
          title="Replies and follow-ups resolved per staff member"
          source="the table Per staff member below"
          labels={report.byStaff.map((row) => row.username)}
          series={[
            { name: "Replies", className: "series-a" },
            { name: "Resolved", className: "series-b" },
          ]}
          values={report.byStaff.map((row) => [row.replies, row.resolved])}
        />
      </div>
      <StaffTable csvHref={csvHref("staff")} rows={report.byStaff} />

      <h2 id="per-category">Per category and priority, whole period</h2>
      <FiguresTable
        id="table-categories"
        caption="Per category"
        csvHref={csvHref("categories")}
        firstHeading="Category"
        rows={report.byCategory.map((category) => ({ key: category.slug, label: category.name, figures: category }))}
      />
      <div className="chart-single">
        <GroupedBarChart
          title="First responses within target per priority"
          source="the table Per priority below"
          labels={report.byPriority.map((row) => row.label)}
          unit=" %"
          max={100}
          series={[{ name: "First response within target", className: "series-a" }]}
          values={report.byPriority.map((row) => [percentValue(row.firstResponse.withinTargetShare)])}
        />
      </div>
      <FiguresTable
        id="table-priorities"
        caption="Per priority"
        csvHref={csvHref("priorities")}
        firstHeading="Priority"
        rows={report.byPriority.map((row) => ({ key: row.priority, label: row.label, figures: row }))}
      />

      <h2>Where the product hurts</h2>
      <p className="hint">Tags with the most questions asked in these weeks and still waiting for a solution.</p>
      <ol className="hot-tags">
        {report.hotTags.map((row) => (
          <li key={row.tag}>
            <a className="tag" href={`/questions?tag=${encodeURIComponent(row.tag)}&filter=unresolved`}>
              {row.tag}
            </a>{" "}
            {row.unresolved} unresolved
          </li>
        ))}
      </ol>

      <FailedSearchesTable searches={report.failedSearches} />
    </>
  );
}
