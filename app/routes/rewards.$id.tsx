import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { RedeemForm, RewardSummary } from "~/components/rewards";
import { ForbiddenError } from "~/lib/errors.server";
import { formValues } from "~/lib/forms.server";
import {
  actionResult,
  idParam,
  loaderResult,
  redirectAfterWrite,
  requireSignedIn,
  type ActionFailure,
} from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { myPoints } from "~/models/rewards/points.server";
import { getCatalogueReward, redeemReward } from "~/models/rewards/redemptions.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Redeem ${data.reward.name}` : "Reward" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const id = idParam(params.id);
  return loaderResult(async () => ({
    reward: await getCatalogueReward(context.actor, id),
    balance: (await myPoints(context.actor)).balance,
  }));
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const values = formValues(await request.formData());
  return actionResult(async () => {
    try {
      const { redemptionId } = await redeemReward(context.actor, id, values);
      return redirectAfterWrite(`/rewards#redemption-${redemptionId}`);
    } catch (error) {
      // Not for this person's role: said next to the form, like the other refusals.
      if (error instanceof ForbiddenError) {
        return data<ActionFailure>({ ok: false, formError: error.message, fieldErrors: {}, values }, { status: 403 });
      }
      throw error;
    }
  }, values);
}

export default function RedeemReward() {
  const { reward, balance } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <p className="breadcrumbs-inline">
        <Link to="/rewards">Rewards</Link> › {reward.name}
      </p>
      <h1 id="redeem-title">{reward.name}</h1>
      <RewardSummary reward={reward} />
      <p>
        It costs <strong>{reward.cost}</strong> points; you have <strong>{balance}</strong>.
      </p>
      {reward.refusal ? <p className="notice notice-warning">{reward.refusal}</p> : null}
      <RedeemForm reward={reward} failure={result && !result.ok ? result : null} />
    </>
  );
}
