import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { RewardForm } from "~/components/reward-form";
import { CodesField } from "~/components/codes-field";
import { FormError } from "~/components/ui/field";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getRewardForAdmin, setRewardRetired, updateReward, uploadCodes } from "~/models/rewards/catalogue.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Reward: ${data.reward.name}` : "Reward" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const id = idParam(params.id);
  return loaderResult(async () => ({ reward: await getRewardForAdmin(context.actor, id) }));
}

const INTENTS = ["update", "retire", "restore", "codes"] as const;

export async function action({ request, params, context }: ActionFunctionArgs) {
  const id = idParam(params.id);
  const values = formValues(await request.formData());
  const { actor } = context;
  return actionResult(async () => {
    switch (parseIntent(INTENTS, values)) {
      case "update":
        await updateReward(actor, id, values);
        return { ok: true as const, message: "Reward saved." };
      case "retire":
      case "restore":
        await setRewardRetired(actor, id, values.intent === "retire");
        return {
          ok: true as const,
          message: values.intent === "retire" ? "Retired: it left the catalogue." : "Back in the catalogue.",
        };
      case "codes": {
        const { added } = await uploadCodes(actor, id, values.codes ?? "");
        return { ok: true as const, message: `Added ${added} ${added === 1 ? "code" : "codes"}.` };
      }
    }
  }, values);
}

export default function EditReward() {
  const { reward } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failed = (intent: string) => (failure?.values?.intent === intent ? failure : null);
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="breadcrumbs-inline">
        <Link to="/mod/rewards">Rewards</Link> › {reward.name}
      </p>
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      <RewardForm key={reward.updatedAt.toString()} intent="update" reward={reward} failure={failed("update")} />
      {reward.kind === "discount_code" ? (
        <section aria-labelledby="codes">
          <h2 id="codes" className="section-title">
            Codes: {reward.freeCodes} not handed out yet
          </h2>
          <Form method="post" className="stacked-form" key={`codes-${reward.freeCodes}`}>
            <input type="hidden" name="intent" value="codes" />
            <CodesField defaultValue={failed("codes")?.values?.codes} error={failed("codes")?.fieldErrors.codes} />
            <button type="submit" className="button button-small">
              Upload codes
            </button>
          </Form>
        </section>
      ) : null}
      <Form method="post">
        <input type="hidden" name="intent" value={reward.retiredAt ? "restore" : "retire"} />
        <button type="submit" className="button button-secondary button-small">
          {reward.retiredAt ? "Put back in the catalogue" : "Retire this reward"}
        </button>
      </Form>
      <FormError message={failure?.formError} />
    </>
  );
}
