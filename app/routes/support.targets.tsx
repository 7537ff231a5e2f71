import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { listCategoryTargets, setCategoryTargets } from "~/models/support/targets.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Response-time targets" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ targets: await listCategoryTargets(context.actor) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    await setCategoryTargets(context.actor, values);
    return redirect("/support/targets", 303);
  }, values);
}

export default function ResponseTargets() {
  const { targets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  return (
    <>
      <h1>Response-time targets</h1>
      <p className="hint">
        A customer’s question with no staff reply and no accepted or verified answer opens a follow-up when its
        category’s first-response target passes. The follow-up then has the same first-response target again, and the
        resolution target, both paused while waiting on the customer.
      </p>
      <ul className="plain-list targets">
        {targets.map((target) => {
          const mine = failure?.values?.category === target.slug ? failure : null;
          return (
            <li key={target.slug}>
              <Form method="post" className="inline-fields" noValidate>
                <input type="hidden" name="category" value={target.slug} />
                <strong className="target-name">{target.name}</strong>
                <FormError message={mine?.formError} />
                <TextField
                  name="firstResponseHours"
                  id={`first-${target.slug}`}
                  label="First response (hours)"
                  inputMode="numeric"
                  defaultValue={mine?.values?.firstResponseHours ?? String(target.firstResponseMinutes / 60)}
                  error={mine?.fieldErrors.firstResponseHours}
                />
                <TextField
                  name="resolutionHours"
                  id={`resolution-${target.slug}`}
                  label="Resolution (hours)"
                  inputMode="numeric"
                  defaultValue={mine?.values?.resolutionHours ?? String(target.resolutionMinutes / 60)}
                  error={mine?.fieldErrors.resolutionHours}
                />
                <button type="submit" className="button button-secondary button-small">
                  Save
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
    </>
  );
}
