import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { DIGEST_INTENT, DigestFrequencyForm } from "~/components/settings/digest-frequency";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { PARTICIPATION_INTENT, WatchSettings } from "~/components/settings/watch-settings";
import { digestSettings, saveDigestFrequency } from "~/models/notifications/digest.server";
import { listWatches, saveWatchOnParticipation, watchesOnParticipation } from "~/models/notifications/watching.server";
import { emailPreferences, saveEmailPreferences } from "~/models/notifications/email-preferences.server";
import { NOTIFICATION_KIND_LABELS } from "~/models/notifications/rules";
import { TIME_ZONE_INTENT, TimeZoneForm } from "~/components/settings/time-zone";
import { saveTimeZone, timeZoneSetting } from "~/models/accounts/time-zone.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Email settings" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({
    preferences: await emailPreferences(context.actor),
    digest: await digestSettings(context.actor),
    watches: await listWatches(context.actor),
    watchOnParticipation: await watchesOnParticipation(context.actor),
    timeZone: await timeZoneSetting(context.actor),
  }));
}

const INTENTS = ["email", DIGEST_INTENT, PARTICIPATION_INTENT, TIME_ZONE_INTENT] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    if (intent === DIGEST_INTENT) await saveDigestFrequency(context.actor, values);
    else if (intent === PARTICIPATION_INTENT) await saveWatchOnParticipation(context.actor, values);
    else if (intent === TIME_ZONE_INTENT) await saveTimeZone(context.actor, values);
    else await saveEmailPreferences(context.actor, values);
    return redirect("/settings/notifications?saved=1", 303);
  }, values);
}

export default function EmailSettings() {
  const { preferences, digest, watches, watchOnParticipation, timeZone } = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const [params] = useSearchParams();
  return (
    <div className="narrow-wide">
      <h1>Email settings</h1>
      {params.get("saved") || params.get("watch") ? (
        <p role="status" className="notice">
          Saved.
        </p>
      ) : null}
      <p className="hint">You always see these in the app (the bell). Choose which ones also come by email.</p>
      <Form method="post">
        <input type="hidden" name="intent" value="email" />
        <fieldset className="plain-fieldset">
          <legend>Email me when</legend>
          {preferences.map((preference) => (
            <label key={preference.kind} className="checkbox-field">
              <input type="checkbox" name={preference.kind} defaultChecked={preference.email} />{" "}
              {NOTIFICATION_KIND_LABELS[preference.kind]}
            </label>
          ))}
        </fieldset>
        <button type="submit" className="button">
          Save
        </button>
      </Form>
      <DigestFrequencyForm {...digest} error={failure?.fieldErrors.digestFrequency} />
      <WatchSettings watches={watches} watchOnParticipation={watchOnParticipation} />
      <TimeZoneForm {...timeZone} error={failure?.fieldErrors.timeZone} />
    </div>
  );
}
