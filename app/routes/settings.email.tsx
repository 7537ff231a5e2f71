import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { CurrentPasswordField, FormError, TextField } from "~/components/ui/field";
import { startSession } from "~/models/accounts/auth.server";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, cookieOptionsFor, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import {
  confirmEmailChange,
  getEmailSettings,
  readEmailChangeLink,
  requestEmailChange,
} from "~/models/accounts/email-change.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Email address" }, { name: "robots", content: "noindex" }];

/**
 * Without `?token=`: the form to ask for a change (signed in). With it (the link sent to the new
 * address): for its own account, signed in, a button (opening the link changes nothing); for a
 * visitor, a way to sign in that comes back here.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const token = url.searchParams.get("token");
  return loaderResult(async () => {
    if (token === null) {
      requireSignedIn(request, context);
      return { settings: await getEmailSettings(context.actor), link: null, changed: url.searchParams.has("changed") };
    }
    const link = await readEmailChangeLink(context.actor, token);
    // The token is well-formed base64url here, so the path needs no escaping of its own.
    const signIn = `/login?redirectTo=${encodeURIComponent(`/settings/email?token=${token}`)}`;
    return { settings: null, link: { token, signIn, ...link }, changed: false };
  });
}

const INTENTS = ["request", "confirm"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(
    async () => {
      switch (parseIntent(INTENTS, values)) {
        case "request":
          return { sent: await requestEmailChange(context.actor, values) };
        case "confirm": {
          const { userId } = await confirmEmailChange(context.actor, values.token);
          // Every session of the account ended; this browser gets a fresh one.
          const cookie = await startSession(userId, cookieOptionsFor(request));
          return redirect("/settings/email?changed=1", { headers: { "Set-Cookie": cookie } });
        }
      }
    },
    { newEmail: values.newEmail ?? "" },
  );
}

export default function EmailSettings() {
  const { settings, link, changed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && "ok" in result ? result : null;
  const sent = result && "sent" in result ? result.sent : null;
  return (
    <div className="narrow">
      <h1>Email address</h1>
      <FormError message={failure?.formError} />
      {link?.signInFirst ? (
        <>
          <p>{`To use ${link.newEmail} for your account, sign in to the account that asked for it, with its current address.`}</p>
          <p>
            <Link to={link.signIn} className="button">
              Sign in to continue
            </Link>
          </p>
        </>
      ) : link ? (
        <Form method="post" action="/settings/email">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="token" value={link.token} />
          <p>{`Use ${link.newEmail} as your email address? You will be signed out everywhere else.`}</p>
          <button type="submit" className="button">
            Use this address
          </button>
        </Form>
      ) : settings ? (
        <>
          {changed ? <p role="status">{`Your address is now ${settings.email}, and it is confirmed.`}</p> : null}
          {sent ? (
            <p role="status">{`We sent a link to ${sent.newEmail}. Open it within 24 hours to use that address; until then your account keeps ${sent.email}.`}</p>
          ) : null}
          <p>
            {`Your address is ${settings.email}${settings.confirmed ? "." : " (not confirmed yet)."}`} A new address is
            used once you open the link we send to it; we tell your current address when it changes.
          </p>
          <Form method="post" noValidate>
            <input type="hidden" name="intent" value="request" />
            <TextField
              name="newEmail"
              label="New email address"
              type="email"
              autoComplete="email"
              required
              defaultValue={failure?.values?.newEmail}
              error={failure?.fieldErrors.newEmail}
            />
            <CurrentPasswordField error={failure?.fieldErrors.currentPassword} />
            <button type="submit" className="button" disabled={submitting}>
              Send a link to the new address
            </button>
          </Form>
          <p>
            <Link to="/settings/password">Change password</Link> ·{" "}
            <Link to="/settings/notifications">Email settings</Link>
          </p>
        </>
      ) : null}
    </div>
  );
}
