import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { EARNED_LEVELS, PRIVILEGES, TRUST_LEVEL_LABELS } from "~/lib/trust-levels";
import { loaderResult } from "~/lib/http.server";
import { getTrustSettings } from "~/models/trust/thresholds.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Trust levels and privileges" }];

export async function loader(_args: LoaderFunctionArgs) {
  return loaderResult(() => getTrustSettings());
}

/** What each trust level asks and unlocks, for everyone: the same lists the permission module decides with. */
export default function Privileges() {
  const { thresholds } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Trust levels and privileges</h1>
      <p>
        Everyone starts as <strong>New</strong>: their posts wait for a moderator before others see them. Helping others
        earns reputation, and time and approved posts earn trust; each level needs all three of its figures. Customers
        start at least at Basic; staff have every privilege.
      </p>
      <div className="table-scroll">
        <table className="list-table">
          <caption>What each level asks, and what it unlocks</caption>
          <thead>
            <tr>
              <th scope="col">Level</th>
              <th scope="col" className="number">
                Reputation
              </th>
              <th scope="col" className="number">
                Days since sign-up
              </th>
              <th scope="col" className="number">
                Approved posts
              </th>
              <th scope="col">Unlocks</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <th scope="row">{TRUST_LEVEL_LABELS.new}</th>
              <td className="number">0</td>
              <td className="number">0</td>
              <td className="number">0</td>
              <td>Ask, answer, vote up and flag (posts wait for review)</td>
            </tr>
            {EARNED_LEVELS.map((level) => (
              <tr key={level} data-level={level}>
                <th scope="row">{TRUST_LEVEL_LABELS[level]}</th>
                <td className="number">{thresholds[level].reputation}</td>
                <td className="number">{thresholds[level].days}</td>
                <td className="number">{thresholds[level].posts}</td>
                <td>
                  {PRIVILEGES.filter((privilege) => privilege.level === level)
                    .map((privilege) => privilege.label)
                    .join("; ")}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">
        Basic and Member, once reached, are kept; Regular and Leader last while the reputation and activity that earned
        them do.
      </p>
    </>
  );
}
