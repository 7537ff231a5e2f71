import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useNavigation, useSearchParams } from "@remix-run/react";
import { FormError, TextField } from "~/components/ui/field";
import { rotateSession } from "~/models/accounts/auth.server";
import { formValues } from "~/lib/forms.server";
import { actionResult, redirectWithCookie, safeRedirectPath } from "~/lib/http.server";
import { signUp } from "~/models/accounts/users.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Create an account" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.actor.kind === "user") throw redirect("/");
  return null;
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      const { userId } = await signUp(values, { address: context.clientAddress });
      return redirectWithCookie(safeRedirectPath(values.redirectTo), await rotateSession(request, userId));
    },
    { email: values.email ?? "", username: values.username ?? "" },
  );
}

export default function SignUp() {
  const result = useActionData<typeof action>();
  const [params] = useSearchParams();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  return (
    <div className="narrow">
      <h1>Create an account</h1>
      <Form method="post" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
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
