import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { RelativeTime } from "~/components/relative-time";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseInput, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, redirectAfterWrite, requireSignedIn, type ActionFailure } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { rowIdField } from "~/lib/row-ids";
import { REDEMPTION_STATUS_LABELS } from "~/models/rewards/rules";
import { cancelRedemption, fulfilRedemption, redemptionQueue } from "~/models/rewards/redemptions.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Rewards to fulfil" }, { name: "robots", content: "noindex" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(() => redemptionQueue(context.actor));
}

const INTENTS = ["fulfil", "cancel"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    const { id } = parseInput(z.object({ id: rowIdField("Choose a redemption.") }), values);
    if (intent === "fulfil") await fulfilRedemption(context.actor, id, values);
    else await cancelRedemption(context.actor, id, values);
    return redirectAfterWrite("/support/rewards");
  }, values);
}

type Item = Awaited<ReturnType<typeof redemptionQueue>>["waiting"][number];

function Address({ item }: { item: Item }) {
  if (!item.shipName) return null;
  return (
    <address>
      {item.shipName}
      <br />
      {item.shipAddress}
      <br />
      {item.shipPostcode} {item.shipCity}
      <br />
      {item.shipCountry}
    </address>
  );
}

const HANDLING = {
  fulfil: { field: "note", label: "Note for them (optional)", button: "Mark fulfilled", style: "button button-small" },
  cancel: {
    field: "reason",
    label: "Reason for cancelling (refunds the points)",
    button: "Cancel and refund",
    style: "button button-secondary button-small",
  },
} as const;

function HandleForm({
  item,
  intent,
  failure,
}: {
  item: Item;
  intent: keyof typeof HANDLING;
  failure: ActionFailure | null;
}) {
  const { field, label, button, style } = HANDLING[intent];
  return (
    <Form method="post" className="inline-fields">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={item.id} />
      <TextField
        id={`${field}-${item.id}`}
        name={field}
        label={label}
        maxLength={500}
        error={failure?.fieldErrors[field]}
      />
      <button type="submit" className={style}>
        {button}
      </button>
    </Form>
  );
}

export default function RewardsQueue() {
  const { waiting, handled } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failedOn = (intent: string, id: number) =>
    failure?.values?.intent === intent && Number(failure.values.id) === id ? failure : null;
  return (
    <>
      <p className="breadcrumbs-inline">
        <a href="/support">Support queue</a> › Rewards
      </p>
      <h1>Rewards to fulfil</h1>
      {waiting.length === 0 ? (
        <p>Nothing waits: every redemption is fulfilled or cancelled.</p>
      ) : (
        <ul className="plain-list redemption-queue">
          {waiting.map((item) => (
            <li key={item.id} id={`redemption-${item.id}`}>
              <h2 className="section-title">
                {item.rewardName} for <a href={`/users/${item.username}`}>{item.username}</a>
              </h2>
              <p className="hint">
                {item.kindLabel} · {item.cost} points · asked <RelativeTime date={new Date(item.createdAt)} /> ·{" "}
                {item.email}
              </p>
              <Address item={item} />
              <HandleForm item={item} intent="fulfil" failure={failedOn("fulfil", item.id)} />
              <HandleForm item={item} intent="cancel" failure={failedOn("cancel", item.id)} />
              <FormError message={(failedOn("fulfil", item.id) ?? failedOn("cancel", item.id))?.formError} />
            </li>
          ))}
        </ul>
      )}
      <h2 className="section-title">Recently handled</h2>
      {handled.length === 0 ? (
        <p>None yet.</p>
      ) : (
        <ul className="plain-list">
          {handled.map((item) => (
            <li key={item.id}>
              {item.rewardName} for {item.username}: {REDEMPTION_STATUS_LABELS[item.status]}
              {item.code ? (
                <>
                  {" "}
                  (code <code>{item.code}</code>)
                </>
              ) : null}
              {item.staffNote ? <span className="hint"> · {item.staffNote}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
