import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { rotateSession } from "~/models/accounts/auth.server";
import { formValues } from "~/lib/forms.server";
import { actionResult, redirectWithCookie, safeRedirectPath } from "~/lib/http.server";
import { signIn } from "~/models/accounts/users.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Sign in" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get("redirectTo"));
  if (context.actor.kind === "user") throw redirect(redirectTo);
  // Where to go after signing in, as checked: the address's own value never reaches the page.
  return { redirectTo };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      const { userId } = await signIn(values, { address: context.clientAddress });
      return redirectWithCookie(safeRedirectPath(values.redirectTo), await rotateSession(request, userId));
    },
    { email: values.email ?? "" },
  );
}

/** Notices other pages send here, by name, so no text can be put on this page through its URL. */
const NOTICES: Record<string, string> = {
  "password-reset":
    "Your password has been changed and you were signed out everywhere. Sign in with your new password.",
};

export default function Login() {
  const { redirectTo } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  const named = params.get("notice") ?? "";
  const notice = failure || !Object.hasOwn(NOTICES, named) ? null : NOTICES[named];
  return (
    <div className="narrow">
      <h1>Sign in</h1>
      {notice ? <p role="status">{notice}</p> : null}
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={redirectTo} />
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
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          error={failure?.fieldErrors.password}
        />
        <p>
          <Link to="/forgot-password">Forgot your password?</Link>
        </p>
        <div className="form-actions">
          <button type="submit" className="button" disabled={submitting}>
            {submitting ? "Signing in…" : "Sign in"}
          </button>
          <span>
            New here? <Link to={`/signup${params.size ? `?${params}` : ""}`}>Create an account</Link>
          </span>
        </div>
      </Form>
    </div>
  );
}
