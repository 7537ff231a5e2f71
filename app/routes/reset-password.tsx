import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getResetPage, resetPassword } from "~/models/accounts/password-reset.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Choose a new password" }, { name: "robots", content: "noindex" }];

/**
 * With `?token=` (the link in the email): the form, or a 400 saying what is wrong with the link;
 * opening it changes nothing. Without (the page after a refused form): the form keeps the token
 * it was sent with, so the URL need not carry it.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  if (token === null) return { token: null, email: null };
  return loaderResult(() => getResetPage(token));
}

/** Sets the password, then sends the person to sign in with it (DECISIONS.md #44). */
export async function action({ request }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      await resetPassword(values);
      return redirect("/login?notice=password-reset", { status: 303 });
    },
    { token: values.token ?? "" },
  );
}

export default function ResetPassword() {
  const link = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  const token = failure?.values?.token || link.token;
  return (
    <div className="narrow">
      <h1>Choose a new password</h1>
      <FormError message={failure?.formError} />
      {token ? (
        <Form method="post" action="/reset-password" noValidate>
          <input type="hidden" name="token" value={token} />
          {link.email ? <p>{`For the account that uses ${link.email}.`}</p> : null}
          <p className="hint">Choosing a new password signs you out everywhere; then you sign in with it.</p>
          <TextField
            name="newPassword"
            label="New password"
            type="password"
            autoComplete="new-password"
            required
            hint="8 to 128 characters; avoid common passwords."
            error={failure?.fieldErrors.newPassword}
          />
          <button type="submit" className="button" disabled={submitting}>
            Set my new password
          </button>
        </Form>
      ) : (
        <p>Open the link in the password reset email we sent you.</p>
      )}
      <p>
        <Link to="/forgot-password">Ask for a new link</Link>
      </p>
    </div>
  );
}
