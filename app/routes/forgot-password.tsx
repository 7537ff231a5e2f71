import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { requestPasswordReset } from "~/models/accounts/password-reset.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Forgot your password?" }, { name: "robots", content: "noindex" }];

/** Asks for a reset link; the answer is the same whether or not an account uses the address. */
export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(() => requestPasswordReset(context.actor, values, context.clientAddress), {
    email: values.email ?? "",
  });
}

export default function ForgotPassword() {
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  const sent = result && "message" in result ? result : null;
  return (
    <div className="narrow">
      <h1>Forgot your password?</h1>
      {sent ? (
        <>
          <p role="status">{sent.message}</p>
          <p>
            <Link to="/login">Back to sign in</Link>
          </p>
        </>
      ) : (
        <Form method="post" noValidate>
          <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
          <p className="hint">
            Was your account brought here from another community? It has no password yet: claim it the same way, with
            the address it had there.
          </p>
          <FormError message={failure?.formError} />
          <TextField
            name="email"
            label="Email"
            type="email"
            autoComplete="email"
            required
            defaultValue={failure?.values?.email}
            error={failure?.fieldErrors.email}
          />
          <div className="form-actions">
            <button type="submit" className="button" disabled={submitting}>
              {submitting ? "Sending…" : "Send me a link"}
            </button>
            <Link to="/login">Back to sign in</Link>
          </div>
        </Form>
      )}
    </div>
  );
}
