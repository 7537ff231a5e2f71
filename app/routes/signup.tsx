import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult } from "~/lib/http.server";
import { signUp } from "~/models/accounts/sign-up.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

const SENT = "sent=1";

export const meta: MetaFunction = () => [{ title: "Create an account" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.actor.kind === "user") throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      // The same answer for a new address and a known one, and nobody is signed in (DECISIONS.md #45).
      await signUp(values, { address: context.clientAddress });
      return redirect(`/signup?${SENT}`);
    },
    { email: values.email ?? "", username: values.username ?? "" },
  );
}

export default function SignUp() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  if (params.get("sent") === "1") {
    return (
      <div className="narrow">
        <h1>Check your email</h1>
        <p role="status">
          We sent a link to the address you gave, to finish. Open it within 24 hours, enter your password on its page,
          and you are in. You can sign in before that too: you can read everything at once, and what you post waits
          until your address is confirmed.
        </p>
        <p>
          No email after a few minutes? Look in your spam folder, or <Link to="/signup">try again</Link>. Already had an
          account with this address? <Link to="/login">Sign in</Link> or{" "}
          <Link to="/forgot-password">reset your password</Link>.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Create an account</h1>
      <Form method="post" noValidate>
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
        <TextField
          name="username"
          label="Username"
          autoComplete="username"
          required
          hint="Shown next to your posts. Letters, digits, '-' and '_'."
          defaultValue={failure?.values?.username}
          error={failure?.fieldErrors.username}
        />
        <TextField
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          required
          hint="8 to 128 characters; avoid common passwords."
          error={failure?.fieldErrors.password}
        />
        <div className="form-actions">
          <button type="submit" className="button" disabled={submitting}>
            {submitting ? "Creating your account…" : "Create account"}
          </button>
          <span>
            Already a member? <Link to={`/login${params.size ? `?${params}` : ""}`}>Sign in</Link>
          </span>
        </div>
      </Form>
    </div>
  );
}
