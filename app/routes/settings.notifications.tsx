import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useLoaderData, useSearchParams } from "@remix-run/react";
import { formValues } from "~/lib/forms.server";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { emailPreferences, saveEmailPreferences } from "~/models/notifications/email-preferences.server";
import { NOTIFICATION_KIND_LABELS } from "~/models/notifications/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Email settings" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ preferences: await emailPreferences(context.actor) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return loaderResult(async () => {
    await saveEmailPreferences(context.actor, values);
    return redirect("/settings/notifications?saved=1", 303);
  });
}

export default function EmailSettings() {
  const { preferences } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <div className="narrow-wide">
      <h1>Email settings</h1>
      {params.get("saved") ? (
        <p role="status" className="notice">
          Saved.
        </p>
      ) : null}
      <p className="hint">You always see these in the app (the bell). Choose which ones also come by email.</p>
      <Form method="post">
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
    </div>
  );
}
