import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useLoaderData } from "@remix-run/react";
import { GroupedBarChart } from "~/components/charts";
import { SelectField } from "~/components/ui/field";
import { loaderResult } from "~/lib/http.server";
import { supportReport, type ReportFigures } from "~/models/support/reports.server";

export const meta: MetaFunction = () => [{ title: "Support reports" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const params = Object.fromEntries(new URL(request.url).searchParams);
  return loaderResult(() => supportReport(context.actor, params));
}

const weekLabel = (start: Date) =>
  new Date(start).toLocaleDateString("en-GB", { day: "numeric", month: "short", timeZone: "UTC" });
const hours = (ms: number | null) => (ms === null ? "–" : `${(ms / 3600_000).toFixed(1)} h`);
const percent = (value: number | null) => (value === null ? "–" : `${Math.round(value * 100)} %`);
const rating = (value: number | null) => (value === null ? "–" : value.toFixed(1));
const round1 = (ms: number | null) => (ms === null ? null : Math.round((ms / 3600_000) * 10) / 10);

function FiguresCells({ figures }: { figures: ReportFigures }) {
  return (
    <>
      <td>{figures.opened}</td>
      <td>{figures.resolved}</td>
      <td>{hours(figures.medianFirstResponseMs)}</td>
      <td>{hours(figures.medianResolutionMs)}</td>
      <td>{percent(figures.withinTargetShare)}</td>
      <td>{rating(figures.satisfactionAverage)}</td>
      <td>{percent(figures.surveyResponseRate)}</td>
    </>
  );
}

function FiguresTable({
  firstHeading,
  rows,
}: {
  firstHeading: string;
  rows: { key: string; label: string; figures: ReportFigures }[];
}) {
  return (
    <div className="table-scroll">
      <table className="report-table">
        <thead>
          <tr>
            <th scope="col">{firstHeading}</th>
            {FIGURE_HEADINGS.map((heading) => (
              <th key={heading} scope="col">
                {heading}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row">{row.label}</th>
              <FiguresCells figures={row.figures} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const FIGURE_HEADINGS = [
  "Opened",
  "Resolved",
  "Median first response",
  "Median resolution",
  "Within target",
  "Satisfaction (1–5)",
  "Survey responses",
];

export default function SupportReports() {
  const { query, weeks, total, byCategory, hotTags, categories } = useLoaderData<typeof loader>();
  const labels = weeks.map((week) => weekLabel(week.weekStart));
  const csvHref = `/support/reports.csv?weeks=${query.weeks}${query.category ? `&category=${query.category}` : ""}`;
  return (
    <>
      <div className="page-head">
        <h1>Support reports</h1>
        <a href={csvHref} download>
          Download CSV
        </a>
      </div>
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
          options={categories.map((c) => ({ value: c.slug, label: c.name }))}
        />
        <button type="submit" className="button button-secondary">
          Show
        </button>
      </Form>
      <ul className="stat-grid" aria-label="The whole period">
        <li>
          <strong>{total.opened}</strong> opened
        </li>
        <li>
          <strong>{total.resolved}</strong> resolved
        </li>
        <li>
          <strong>{hours(total.medianFirstResponseMs)}</strong> median first response
        </li>
        <li>
          <strong>{percent(total.withinTargetShare)}</strong> within target
        </li>
        <li>
          <strong>{rating(total.satisfactionAverage)}</strong> satisfaction ({percent(total.surveyResponseRate)}{" "}
          answered)
        </li>
      </ul>
      <div className="chart-grid-2">
        <GroupedBarChart
          title="Follow-ups opened and resolved per week"
          labels={labels}
          series={[
            { name: "Opened", className: "series-a" },
            { name: "Resolved", className: "series-b" },
          ]}
          values={weeks.map((week) => [week.all.opened, week.all.resolved])}
        />
        <GroupedBarChart
          title="Median hours to first response and to resolution"
          labels={labels}
          unit=" h"
          series={[
            { name: "First response", className: "series-a" },
            { name: "Resolution", className: "series-b" },
          ]}
          values={weeks.map((week) => [round1(week.all.medianFirstResponseMs), round1(week.all.medianResolutionMs)])}
        />
      </div>
      <h2>Per week</h2>
      <FiguresTable
        firstHeading="Week of"
        rows={weeks.map((week, index) => ({ key: labels[index], label: labels[index], figures: week.all }))}
      />
      <h2>Per category, whole period</h2>
      <FiguresTable
        firstHeading="Category"
        rows={byCategory.map((category) => ({ key: category.slug, label: category.name, figures: category }))}
      />
      <h2>Where the product hurts</h2>
      <p className="hint">Tags with the most questions still waiting for a solution.</p>
      <ol className="hot-tags">
        {hotTags.map((row) => (
          <li key={row.tag}>
            <a className="tag" href={`/questions?tag=${row.tag}&filter=unresolved`}>
              {row.tag}
            </a>{" "}
            {row.unresolved} unresolved
          </li>
        ))}
      </ol>
    </>
  );
}
