import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { listSupportPolicies } from "~/models/support/policies.server";
import { formatDaySpans, WEEKDAYS } from "~/models/support/open-hours";
import { describeMinutes } from "~/models/support/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Support settings" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ categories: await listSupportPolicies(context.actor) }));
}

/** "Mon–Fri 09:00-17:00" style summary of a week, day by day where days differ. */
function weekSummary(openHours: Record<number, [string, string][]>) {
  return WEEKDAYS.filter(({ day }) => openHours[day].length > 0)
    .map(({ day, name }) => `${name.slice(0, 3)} ${formatDaySpans(openHours[day])}`)
    .join("; ");
}

/** Targets in hours, as they are set: "24 open hours" on a business clock cannot be read as a day. */
const targetHours = (minutes: number, clock: "calendar" | "business") =>
  `${Math.round((minutes / 60) * 100) / 100} ${clock === "business" ? "open hours" : "h"}`;

export default function SupportSettings() {
  const { categories } = useLoaderData<typeof loader>();
  return (
    <>
      <p className="breadcrumbs-inline">
        <a href="/support">Support queue</a> › Settings
      </p>
      <h1>Support settings</h1>
      <p className="hint">
        Each category has its own promise. A customer’s question that no staff member, accepted answer or verified
        solution has answered becomes a follow-up once its grace period is over; every target counts from when the
        customer asked, in calendar hours or only in the category’s open hours.
      </p>
      <div className="table-scroll">
        <table className="report-table settings-table">
          <caption className="visually-hidden">Support settings per category</caption>
          <thead>
            <tr>
              <th scope="col">Category</th>
              <th scope="col">Grace period</th>
              <th scope="col">Clock</th>
              <th scope="col">First response (normal)</th>
              <th scope="col">Resolution (normal)</th>
              <th scope="col">Round-robin</th>
            </tr>
          </thead>
          <tbody>
            {categories.map(({ slug, name, policy }) => (
              <tr key={slug}>
                <th scope="row">
                  <a href={`/support/settings/${slug}`}>{name}</a>
                </th>
                <td>{policy.graceMinutes === 0 ? "none" : describeMinutes(policy.graceMinutes)}</td>
                <td>
                  {policy.clock === "calendar"
                    ? "Calendar hours"
                    : `Open hours (${policy.timeZone}): ${weekSummary(policy.openHours)}${
                        policy.holidays.length
                          ? `, ${policy.holidays.length} ${policy.holidays.length === 1 ? "holiday" : "holidays"}`
                          : ""
                      }`}
                </td>
                <td>{targetHours(policy.targets.normal.firstResponseMinutes, policy.clock)}</td>
                <td>{targetHours(policy.targets.normal.resolutionMinutes, policy.clock)}</td>
                <td>{policy.roundRobin ? "On" : "Off"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
