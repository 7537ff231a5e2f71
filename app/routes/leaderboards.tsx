import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { StaffBadge } from "~/components/staff-badge";
import { TextField } from "~/components/ui/field";
import { now } from "~/lib/clock.server";
import { queryValues } from "~/lib/forms.server";
import { loaderResult } from "~/lib/http.server";
import { getLeaderboard } from "~/models/reputation/leaderboards.server";
import { leaderboardQuerySchema, LEADERBOARD_PERIODS, type LeaderboardPeriod } from "~/models/reputation/rules";

export const meta: MetaFunction = () => [{ title: "Leaderboards" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const query = leaderboardQuerySchema.parse(queryValues(request));
  return loaderResult(async () => ({ query, ...(await getLeaderboard(query, now())) }));
}

const PERIOD_LABELS: Record<LeaderboardPeriod, string> = { week: "This week", month: "This month", all: "All time" };

function Board({
  entries,
  caption,
}: {
  entries: { username: string; role: string; gained: number }[];
  caption: string;
}) {
  return (
    <div className="table-scroll">
      <table className="list-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col" className="number">
              Rank
            </th>
            <th scope="col">Who</th>
            <th scope="col" className="number">
              Reputation gained
            </th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry, i) => (
            <tr key={entry.username}>
              <td className="number">{"rank" in entry ? String(entry.rank) : i + 1}</td>
              <td>
                <Link to={`/users/${entry.username}`}>{entry.username}</Link> <StaffBadge role={entry.role} />
              </td>
              <td className="number">{entry.gained}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export default function Leaderboards() {
  const { query, community, staff, hasNextPage, unknownTag } = useLoaderData<typeof loader>();
  const hrefFor = (period: LeaderboardPeriod) => {
    const params = new URLSearchParams({ period });
    if (query.tag) params.set("tag", query.tag);
    return `/leaderboards?${params}`;
  };
  const where = query.tag ? ` in ${query.tag}` : "";
  return (
    <>
      <h1>Leaderboards</h1>
      <p className="hint">
        The most helpful people by reputation gained: from votes on their posts, answers accepted and verified.
      </p>
      <nav aria-label="Period">
        <ul className="segmented">
          {LEADERBOARD_PERIODS.map((period) => (
            <li key={period}>
              <Link to={hrefFor(period)} aria-current={period === query.period ? "true" : undefined}>
                {PERIOD_LABELS[period]}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <Form method="get" className="inline-fields">
        <input type="hidden" name="period" value={query.period} />
        <TextField
          name="tag"
          id="leaderboard-tag"
          label="Tag"
          maxLength={50}
          defaultValue={query.tag}
          error={unknownTag ? `There is no tag named “${query.tag}”.` : undefined}
        />
        <button type="submit" className="button button-small">
          Show
        </button>
        {query.tag ? <Link to={`/leaderboards?period=${query.period}`}>All tags</Link> : null}
      </Form>
      <section aria-labelledby="community-board">
        <h2 id="community-board" className="section-title">
          Community
        </h2>
        {community.length === 0 ? (
          <p>Nobody has gained reputation{where} yet in this period.</p>
        ) : (
          <Board entries={community} caption={`Community, ${PERIOD_LABELS[query.period].toLowerCase()}${where}`} />
        )}
        <Pagination page={query.page} hasNextPage={hasNextPage} />
      </section>
      {staff.length > 0 ? (
        <section aria-labelledby="staff-board">
          <h2 id="staff-board" className="section-title">
            Staff
          </h2>
          <Board entries={staff} caption={`Staff, ${PERIOD_LABELS[query.period].toLowerCase()}${where}`} />
        </section>
      ) : null}
    </>
  );
}
