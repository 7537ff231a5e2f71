import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { TIME_ZONES } from "~/lib/time-zones";
import { getSupportPolicy, policyFormValues, saveSupportPolicy } from "~/models/support/policies.server";
import { WEEKDAYS } from "~/models/support/open-hours";
import { PRIORITY_LABELS } from "~/models/support/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Support settings: ${data.category.name}` : "Support settings" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => {
    const { category, policy } = await getSupportPolicy(context.actor, params.category ?? "");
    return { category, values: policyFormValues(policy), timeZones: TIME_ZONES };
  });
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    await saveSupportPolicy(context.actor, params.category ?? "", values);
    return redirect(`/support/settings/${encodeURIComponent(params.category ?? "")}?saved=1`, 303);
  }, values);
}

const PRIORITIES = ["urgent", "high", "normal", "low"] as const;

export default function CategorySupportSettings() {
  const { category, values: saved, timeZones } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const values = failure?.values ?? saved;
  const error = (field: string) => failure?.fieldErrors[field];
  return (
    <>
      <p className="breadcrumbs-inline">
        <a href="/support">Support queue</a> › <a href="/support/settings">Settings</a> › {category.name}
      </p>
      <h1>Support in {category.name}</h1>
      <p className="hint">
        Saving counts the due times of this category’s open follow-ups again, from when their customers asked, on the
        new hours and targets.
      </p>
      <Form method="post" className="policy-form" noValidate>
        <FormError message={failure?.formError} />
        <fieldset>
          <legend>Before a question becomes a follow-up</legend>
          <TextField
            name="graceHours"
            label="Grace period (hours)"
            inputMode="decimal"
            hint="Time peers have to answer a customer's question before support follows it up. 0 means at once. The targets below still count from when the customer asked."
            defaultValue={values.graceHours}
            error={error("graceHours")}
          />
        </fieldset>
        <fieldset>
          <legend>Targets per priority (hours)</legend>
          <div className="policy-grid">
            {PRIORITIES.map((priority) => (
              <div key={priority}>
                <TextField
                  name={`${priority}FirstResponseHours`}
                  label={`${PRIORITY_LABELS[priority]}: first response`}
                  inputMode="decimal"
                  defaultValue={values[`${priority}FirstResponseHours`]}
                  error={error(`${priority}FirstResponseHours`)}
                />
                <TextField
                  name={`${priority}ResolutionHours`}
                  label={`${PRIORITY_LABELS[priority]}: resolution`}
                  inputMode="decimal"
                  defaultValue={values[`${priority}ResolutionHours`]}
                  error={error(`${priority}ResolutionHours`)}
                />
              </div>
            ))}
          </div>
        </fieldset>
        <fieldset aria-describedby="clock-hint">
          <legend>Which hours count</legend>
          <p className="hint" id="clock-hint">
            With open hours, targets and the time left count only the hours below, in the category’s time zone, outside
            its holidays.
          </p>
          <label className="choice">
            <input type="radio" name="clock" value="calendar" defaultChecked={values.clock !== "business"} /> Every hour
            (calendar hours)
          </label>
          <label className="choice">
            <input type="radio" name="clock" value="business" defaultChecked={values.clock === "business"} /> Only open
            hours
          </label>
          {error("clock") ? (
            <span className="field-error" role="alert">
              {error("clock")}
            </span>
          ) : null}
          <SelectField
            name="timeZone"
            label="Time zone"
            options={timeZones.map((zone) => ({ value: zone, label: zone }))}
            defaultValue={values.timeZone}
            error={error("timeZone")}
          />
          <div className="policy-grid">
            {WEEKDAYS.map(({ day, name }) => (
              <TextField
                key={day}
                name={`hours${day}`}
                label={name}
                maxLength={200}
                hint={day === 1 ? 'Like 09:00-17:00, or 09:00-12:00, 13:00-17:00, or "closed".' : undefined}
                defaultValue={values[`hours${day}`]}
                error={error(`hours${day}`)}
              />
            ))}
          </div>
          <TextAreaField
            name="holidays"
            label="Holidays"
            hint="One per line: a date, then a name (2026-12-25 Christmas Day)."
            rows={5}
            maxLength={20_000}
            defaultValue={values.holidays}
            error={error("holidays")}
          />
        </fieldset>
        <fieldset>
          <legend>Waiting on the customer</legend>
          <TextField
            name="remindAfterDays"
            label="Remind the customer after (days)"
            inputMode="decimal"
            hint="Leave empty to never remind."
            defaultValue={values.remindAfterDays}
            error={error("remindAfterDays")}
          />
          <TextField
            name="autoResolveAfterDays"
            label="Resolve it after (days)"
            inputMode="decimal"
            hint="Leave empty to never resolve it automatically. The customer can reopen it."
            defaultValue={values.autoResolveAfterDays}
            error={error("autoResolveAfterDays")}
          />
        </fieldset>
        <fieldset>
          <legend>Assignment</legend>
          <label className="choice">
            <input type="checkbox" name="roundRobin" defaultChecked={values.roundRobin === "on"} /> Hand new follow-ups
            in turn to the staff on shift
          </label>
        </fieldset>
        <button type="submit" className="button">
          Save
        </button>
      </Form>
    </>
  );
}
