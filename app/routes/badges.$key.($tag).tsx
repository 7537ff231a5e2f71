import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BadgeChip } from "~/components/badges";
import { Pagination } from "~/components/pagination";
import { RelativeTime } from "~/components/relative-time";
import { queryValues } from "~/lib/forms.server";
import { loaderResult } from "~/lib/http.server";
import { badgeHolders } from "~/models/badges/badges.server";
import { badgePath } from "~/models/badges/rules";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Badge: ${data.badge.name}${data.tag ? ` in ${data.tag}` : ""}` : "Badge" },
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  return loaderResult(() => badgeHolders(context.actor, params.key ?? "", params.tag, queryValues(request)));
}

export default function BadgePage() {
  const { badge, tag, holders, page, hasNextPage } = useLoaderData<typeof loader>();
  return (
    <>
      <p>
        <Link to="/badges">All badges</Link>
        {tag ? (
          <>
            {" "}
            · <Link to={badgePath(badge.key)}>{badge.name} in every tag</Link>
          </>
        ) : null}
      </p>
      <h1>
        <BadgeChip badge={{ key: badge.key, tag: tag ?? "" }} tierInWords />
      </h1>
      <p>{badge.description}</p>
      <section aria-labelledby="holders">
        <h2 id="holders" className="section-title">
          Holders
        </h2>
        {holders.length === 0 ? (
          <p>Nobody holds this badge yet.</p>
        ) : (
          <ul>
            {holders.map((holder) => (
              <li key={`${holder.username} ${holder.tag}`}>
                <Link to={`/users/${holder.username}`}>{holder.username}</Link>{" "}
                <span className="reputation" data-reputation={holder.reputation}>
                  {holder.reputation.toLocaleString("en")}
                </span>
                {badge.perTag && !tag ? (
                  <>
                    in <Link to={badgePath(badge.key, holder.tag)}>{holder.tag}</Link>{" "}
                  </>
                ) : null}
                <span className="hint">
                  <RelativeTime date={holder.awardedAt} />
                </span>
              </li>
            ))}
          </ul>
        )}
        <Pagination page={page} hasNextPage={hasNextPage} />
      </section>
    </>
  );
}
