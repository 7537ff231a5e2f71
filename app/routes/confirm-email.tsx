import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { ResendConfirmationForm } from "~/components/resend-confirmation-form";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseIntent } from "~/lib/forms.server";
import { actionResult, loaderResult, redirectWithCookie } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { rotateSession } from "~/models/accounts/auth.server";
import {
  confirmEmail,
  confirmEmailWithPassword,
  pendingEmailConfirmation,
  readConfirmationLink,
  requestConfirmationEmail,
} from "~/models/accounts/email-confirmation.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [
  { title: "Confirm your email address" },
  { name: "robots", content: "noindex" },
];

/**
 * With `?token=` (the link in the email): for its own account, signed in, the address and a button
 * (opening it changes nothing, as mail scanners open links); for a visitor, a way to sign in that
 * comes back here. Without: where the signed-in person's confirmation stands.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  return loaderResult(async () => {
    if (token === null) {
      const confirmed = new URL(request.url).searchParams.get("confirmed") === "1";
      return { link: null, pending: await pendingEmailConfirmation(context.actor), confirmed };
    }
    const link = await readConfirmationLink(context.actor, token);
    // The token is well-formed base64url here, so the path needs no escaping of its own.
    return {
      link: { token, signIn: `/login?redirectTo=${encodeURIComponent(`/confirm-email?token=${token}`)}`, ...link },
      pending: null,
      confirmed: false,
    };
  });
}

const INTENTS = ["confirm", "resend"] as const;

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const intent = parseIntent(INTENTS, values);
    switch (intent) {
      case "confirm": {
        if (context.actor.kind === "user") {
          return { done: "confirmed" as const, ...(await confirmEmail(context.actor, values.token)) };
        }
        // Not signed in: the account's password on this page confirms and signs in (DECISIONS.md #45).
        const { userId } = await confirmEmailWithPassword(values.token, values, { address: context.clientAddress });
        return redirectWithCookie("/confirm-email?confirmed=1", await rotateSession(request, userId));
      }
      case "resend":
        return {
          done: "sent" as const,
          ...(await requestConfirmationEmail(context.actor)),
          becameCustomer: false,
          released: 0,
        };
    }
  });
}

export default function ConfirmEmail() {
  const { link, pending, confirmed } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && "ok" in result ? result : null;
  const done = result && "done" in result ? result : null;
  return (
    <div className="narrow-wide">
      <h1>Confirm your email address</h1>
      <FormError message={failure?.formError} />
      {done?.done === "confirmed" ? (
        <p role="status">
          {`Thank you: ${done.email} is confirmed.${done.becameCustomer ? " Your account is now a customer account, so customer-only articles are open to you." : ""}${done.released > 0 ? " What you posted while waiting has been sent on: it is public now, or with the moderators if a new member's posts are reviewed first." : ""} `}
          <Link to="/">Go to the home page</Link>.
        </p>
      ) : done?.done === "sent" ? (
        <p role="status">{`We sent a new link to ${done.email}. It works for 24 hours; links sent before it no longer work.`}</p>
      ) : link?.needsPassword ? (
        <>
          <Form method="post" action={`/confirm-email?token=${link.token}`}>
            <input type="hidden" name="intent" value="confirm" />
            <input type="hidden" name="token" value={link.token} />
            <input type="hidden" name="email" autoComplete="username" value={link.email} />
            <p>{`To confirm ${link.email} and sign in, enter the password of the account you created with it: the link works only for that account.`}</p>
            <TextField
              name="password"
              label="Password"
              type="password"
              autoComplete="current-password"
              required
              error={failure?.fieldErrors.password}
            />
            <button type="submit" className="button">
              Confirm and sign in
            </button>
          </Form>
          <p>
            Or <Link to={link.signIn}>sign in first</Link>, then come back to this link.
          </p>
          <p>{link.notYourAccount}</p>
        </>
      ) : link ? (
        <Form method="post" action="/confirm-email">
          <input type="hidden" name="intent" value="confirm" />
          <input type="hidden" name="token" value={link.token} />
          <p>{`Is ${link.email} your address? Press the button to confirm it.`}</p>
          <button type="submit" className="button">
            Confirm my address
          </button>
        </Form>
      ) : confirmed && !pending ? (
        <p role="status">
          Thank you: your address is confirmed, and you are signed in. <Link to="/">Go to the home page</Link>.
        </p>
      ) : pending ? (
        <>
          <p>{`Check your email: we sent a link to ${pending.email}. Open it and press the button on its page. The link works for 24 hours.`}</p>
          <ResendConfirmationForm />
        </>
      ) : (
        <p>
          Open the link in the confirmation email we sent you. If your address is confirmed already, there is nothing
          left to do.
        </p>
      )}
    </div>
  );
}
