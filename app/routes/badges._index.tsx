import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BadgeChip } from "~/components/badges";
import { loaderResult } from "~/lib/http.server";
import { listBadges } from "~/models/badges/badges.server";
import { badgePath } from "~/models/badges/rules";

export const meta: MetaFunction = () => [{ title: "Badges" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ badges: await listBadges(context.actor) }));
}

const holdersText = (holders: number) => (holders === 1 ? "1 holder" : `${holders.toLocaleString("en")} holders`);

export default function Badges() {
  const { badges } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Badges</h1>
      <p className="hint">Earned by helping others; awarded within a few minutes, and kept once earned.</p>
      <table className="badge-table">
        <thead>
          <tr>
            <th scope="col">Badge</th>
            <th scope="col">What earns it</th>
            <th scope="col">Holders</th>
          </tr>
        </thead>
        <tbody>
          {badges.map((badge) => (
            <tr key={badge.key} id={`badge-${badge.key}`}>
              <td>
                <BadgeChip badge={{ key: badge.key, tag: "" }} tierInWords />
              </td>
              <td>
                {badge.description}
                {badge.tags.length > 0 ? (
                  <ul className="badge-list" aria-label={`${badge.name} by tag`}>
                    {badge.tags.map(({ tag, holders }) => (
                      <li key={tag}>
                        <Link to={badgePath(badge.key, tag)}>{tag}</Link> ({holders})
                      </li>
                    ))}
                  </ul>
                ) : null}
              </td>
              <td data-holders={badge.holders}>
                <Link to={badgePath(badge.key)}>{holdersText(badge.holders)}</Link>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
