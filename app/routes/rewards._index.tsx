import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { MyRedemptions, PointsHistory, RewardSummary } from "~/components/rewards";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getRewardsSettings, myPoints } from "~/models/rewards/points.server";
import { listCatalogue, myRedemptions } from "~/models/rewards/redemptions.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Rewards" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const { actor } = context;
  return loaderResult(async () => ({
    points: await myPoints(actor),
    catalogue: await listCatalogue(actor),
    redemptions: await myRedemptions(actor),
    settings: await getRewardsSettings(),
  }));
}

export default function Rewards() {
  const { points, catalogue, redemptions, settings } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Rewards</h1>
      <p className="loyalty-balance">
        You have <strong data-loyalty-points={points.balance}>{points.balance}</strong> loyalty points.{" "}
        <span className="hint">
          You earn {settings.sharePercent} points for every 100 reputation; reputation taken back takes its points back.
        </span>
      </p>
      <section aria-labelledby="catalogue">
        <h2 id="catalogue" className="section-title">
          Catalogue
        </h2>
        {catalogue.length === 0 ? (
          <p>No rewards yet.</p>
        ) : (
          <ul className="plain-list reward-list">
            {catalogue.map((reward) => (
              <li key={reward.id}>
                <h3>
                  <Link to={`/rewards/${reward.id}`}>{reward.name}</Link> · {reward.cost} points
                </h3>
                <RewardSummary reward={reward} />
                {reward.refusal ? <p className="hint">{reward.refusal}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="my-redemptions">
        <h2 id="my-redemptions" className="section-title">
          My redemptions
        </h2>
        <MyRedemptions redemptions={redemptions} />
      </section>
      <section aria-labelledby="points-history">
        <h2 id="points-history" className="section-title">
          Points history
        </h2>
        <PointsHistory history={points.history} />
      </section>
    </>
  );
}
