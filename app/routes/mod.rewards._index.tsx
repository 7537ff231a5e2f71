import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { RewardForm } from "~/components/reward-form";
import { leftLabel } from "~/components/rewards";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, redirectAfterWrite, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { createReward, listRewardsForAdmin } from "~/models/rewards/catalogue.server";
import { adjustPoints, getRewardsSettings, updateRewardsSettings } from "~/models/rewards/points.server";
import { REWARD_AUDIENCE_LABELS, REWARD_KIND_LABELS } from "~/models/rewards/rules";
import { timesText } from "~/lib/counts";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Rewards catalogue" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  // listRewardsForAdmin checks the actor is an admin before anything is returned.
  return loaderResult(async () => ({
    rewards: await listRewardsForAdmin(context.actor),
    settings: await getRewardsSettings(),
  }));
}

const INTENTS = ["create", "settings", "adjust"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    switch (parseIntent(INTENTS, values)) {
      case "create": {
        const reward = await createReward(actor, values);
        return redirectAfterWrite(`/mod/rewards/${reward.id}`);
      }
      case "settings":
        await updateRewardsSettings(actor, values);
        return { ok: true as const, message: "Saved: reputation earns points at the new share from now on." };
      case "adjust": {
        const { username, balance } = await adjustPoints(actor, values);
        return { ok: true as const, message: `${username} now has ${balance} points.` };
      }
    }
  }, values);
}

export default function RewardsCatalogue() {
  const { rewards, settings } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failed = (intent: string) => (failure?.values?.intent === intent ? failure : null);
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      <section aria-labelledby="rewards-list">
        <h2 id="rewards-list" className="section-title">
          Rewards
        </h2>
        {rewards.length === 0 ? (
          <p>No rewards yet.</p>
        ) : (
          <ul className="plain-list reward-list">
            {rewards.map((reward) => (
              <li key={reward.id}>
                <Link to={`/mod/rewards/${reward.id}`}>{reward.name}</Link>
                {reward.retiredAt ? <span className="badge">Retired</span> : null} ·{" "}
                <span className="hint">
                  {REWARD_KIND_LABELS[reward.kind]} · {REWARD_AUDIENCE_LABELS[reward.audience]} · {reward.cost} points ·{" "}
                  {leftLabel(reward.left, reward.kind)} · redeemed {timesText(reward.redeemed)}
                </span>
              </li>
            ))}
          </ul>
        )}
        <p>
          <Link to="/support/rewards">Redemptions to fulfil</Link>
        </p>
      </section>
      <section aria-labelledby="new-reward">
        <h2 id="new-reward" className="section-title">
          Add a reward
        </h2>
        <RewardForm intent="create" failure={failed("create")} />
      </section>
      <section aria-labelledby="earning">
        <h2 id="earning" className="section-title">
          Earning points
        </h2>
        <Form method="post" className="inline-fields">
          <input type="hidden" name="intent" value="settings" />
          <TextField
            name="sharePercent"
            label="Points per 100 reputation"
            hint="Members and customers earn this share of their reputation, rounded down; staff earn none. A change applies from then on."
            inputMode="numeric"
            defaultValue={failed("settings")?.values?.sharePercent ?? String(settings.sharePercent)}
            error={failed("settings")?.fieldErrors.sharePercent}
          />
          <button type="submit" className="button button-small">
            Save
          </button>
        </Form>
        <FormError message={failed("settings")?.formError} />
      </section>
      <section aria-labelledby="adjust">
        <h2 id="adjust" className="section-title">
          Adjust someone's points
        </h2>
        <Form method="post" className="inline-fields" key={result?.ok ? result.message : "adjust"}>
          <input type="hidden" name="intent" value="adjust" />
          <TextField
            name="username"
            label="Username"
            maxLength={40}
            defaultValue={failed("adjust")?.values?.username}
            error={failed("adjust")?.fieldErrors.username}
          />
          <TextField
            name="points"
            label="Points (negative to take away)"
            inputMode="numeric"
            defaultValue={failed("adjust")?.values?.points}
            error={failed("adjust")?.fieldErrors.points}
          />
          <TextField
            name="reason"
            label="Reason (they read it)"
            maxLength={500}
            defaultValue={failed("adjust")?.values?.reason}
            error={failed("adjust")?.fieldErrors.reason}
          />
          <button type="submit" className="button button-small">
            Adjust
          </button>
        </Form>
        <FormError message={failed("adjust")?.formError} />
      </section>
    </>
  );
}
