import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { CurrentPasswordField, FormError, TextField } from "~/components/ui/field";
import { startSession } from "~/models/accounts/auth.server";
import { cookieOptionsFor } from "~/lib/http.server";
import { formValues } from "~/lib/forms.server";
import { actionResult } from "~/lib/http.server";
import { canChangeOwnPassword, type Member } from "~/lib/permissions.server";
import { changePassword } from "~/models/accounts/users.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Change password" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (!canChangeOwnPassword(context.actor)) throw redirect("/login?redirectTo=/settings/password");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const { actor } = context;
  const values = formValues(await request.formData());
  return actionResult(async () => {
    await changePassword(actor, values);
    // Every session ended with the old password; this browser gets a fresh one.
    const { id, username } = actor as Member;
    const cookie = await startSession(id, cookieOptionsFor(request));
    return redirect(`/users/${username}`, { headers: { "Set-Cookie": cookie } });
  });
}

export default function ChangePassword() {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  return (
    <div className="narrow">
      <h1>Change password</h1>
      <p className="hint">
        Changing your password signs you out everywhere else. To change your email address, see{" "}
        <Link to="/settings/email">Email address</Link>.
      </p>
      <Form method="post" noValidate>
        <FormError message={failure?.formError} />
        <CurrentPasswordField error={failure?.fieldErrors.currentPassword} />
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
          Change password
        </button>
      </Form>
    </div>
  );
}
