import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ModNav } from "~/components/mod-nav";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import {
  EARNED_LEVELS,
  THRESHOLD_FIELDS,
  thresholdFieldName,
  TRUST_LEVEL_LABELS,
  TRUST_PRESETS,
} from "~/lib/trust-levels";
import { getTrustSettingsForAdmin, updateTrustSettings } from "~/models/trust/settings.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Trust levels" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(() => getTrustSettingsForAdmin(context.actor));
}

const INTENTS = ["preset", "thresholds"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    const { changed, rose, dropped } = await updateTrustSettings(context.actor, intent, values);
    return {
      ok: true as const,
      message: changed ? `Saved. ${rose} people rose a level, ${dropped} dropped.` : "Nothing changed.",
    };
  }, values);
}

const PRESET_HINTS = {
  lenient: "Nobody's posts wait for review; privileges come early.",
  moderate: "A member's first two posts wait for review (the default).",
  strict: "Three approved posts, a day and some reputation before posting freely.",
} as const;

export default function TrustSettings() {
  const { thresholds, preset, people } = useLoaderData<typeof loader>();
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
      <p className="hint">
        A person reaches a level when their reputation, days since sign-up and approved posts all reach its thresholds;
        customers are at least Basic, staff and admins at the top. People now at each level:{" "}
        {people.map((row) => `${TRUST_LEVEL_LABELS[row.level]} ${row.total}`).join(", ")}.{" "}
        <a href="/privileges">What each level unlocks</a>
      </p>
      <section aria-labelledby="trust-preset">
        <h2 id="trust-preset" className="section-title">
          Preset {preset ? `(now ${preset})` : "(now custom thresholds)"}
        </h2>
        <Form method="post" noValidate>
          <input type="hidden" name="intent" value="preset" />
          <FormError message={failed("preset")?.formError} />
          <fieldset aria-describedby={failed("preset")?.fieldErrors.preset ? "preset-error" : undefined}>
            <legend>Fill every threshold from a preset</legend>
            {TRUST_PRESETS.map((name) => (
              <label key={name} className="radio">
                <input type="radio" name="preset" value={name} defaultChecked={(preset ?? "") === name} />{" "}
                <strong>{name}</strong>: {PRESET_HINTS[name]}
              </label>
            ))}
            {failed("preset")?.fieldErrors.preset ? (
              <span className="field-error" id="preset-error" role="alert">
                {failed("preset")?.fieldErrors.preset}
              </span>
            ) : null}
          </fieldset>
          <button type="submit" className="button button-small">
            Use this preset
          </button>
        </Form>
      </section>
      <section aria-labelledby="trust-thresholds">
        <h2 id="trust-thresholds" className="section-title">
          Thresholds
        </h2>
        <Form method="post" noValidate key={JSON.stringify(thresholds)}>
          <input type="hidden" name="intent" value="thresholds" />
          <FormError message={failed("thresholds")?.formError} />
          {EARNED_LEVELS.map((level) => (
            <fieldset key={level} className="inline-fields">
              <legend>{TRUST_LEVEL_LABELS[level]}</legend>
              {(Object.keys(THRESHOLD_FIELDS) as (keyof typeof THRESHOLD_FIELDS)[]).map((field) => {
                const name = thresholdFieldName(level, field);
                return (
                  <TextField
                    key={name}
                    name={name}
                    label={THRESHOLD_FIELDS[field]}
                    inputMode="numeric"
                    defaultValue={failed("thresholds")?.values?.[name] ?? String(thresholds[level][field])}
                    error={failed("thresholds")?.fieldErrors[name]}
                  />
                );
              })}
            </fieldset>
          ))}
          <button type="submit" className="button button-small">
            Save thresholds
          </button>
        </Form>
      </section>
    </>
  );
}
