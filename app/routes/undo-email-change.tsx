import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { FormError } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, loaderResult } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getUndoEmailChangePage, undoEmailChange } from "~/models/accounts/email-change.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Take your account back" }, { name: "robots", content: "noindex" }];

/**
 * The link in the "your address was changed" email: says what the button does (opening it changes
 * nothing); `?done=1` is the page after it was pressed.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = new URL(request.url).searchParams;
  if (params.get("done") === "1") return { done: true as const };
  return loaderResult(async () => ({ done: false as const, ...(await getUndoEmailChangePage(params.get("token"))) }));
}

export async function action({ request }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      await undoEmailChange(values.token);
      return redirect("/undo-email-change?done=1", 303);
    },
    { token: values.token ?? "" },
  );
}

export default function UndoEmailChange() {
  const page = useLoaderData<typeof loader>();
  const failure = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  if (page.done) {
    return (
      <div className="narrow">
        <h1>Your account is yours again</h1>
        <p role="status">
          It has its old address back, and everyone was signed out. We have sent that address a link to choose a new
          password: whoever changed the address may know your old one, so choose a new one now.
        </p>
        <p>
          <Link to="/login">Sign in</Link> once you have a new password.
        </p>
      </div>
    );
  }
  return (
    <div className="narrow">
      <h1>Take your account back</h1>
      <FormError message={failure?.formError} />
      <p>
        This gives your account its old address, {page.email}, back, signs everyone out, and sends that address a link
        to choose a new password.
      </p>
      <Form method="post">
        <input type="hidden" name="token" value={page.token} />
        <button type="submit" className="button" disabled={submitting}>
          Give my account back
        </button>
      </Form>
    </div>
  );
}
