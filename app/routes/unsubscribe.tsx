import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useLocation } from "@remix-run/react";
import { loaderResult } from "~/lib/http.server";
import { readUnsubscribeLink } from "~/models/notifications/email-preferences.server";
import { NOTIFICATION_KIND_LABELS } from "~/models/notifications/rules";
import { queryValues } from "~/lib/forms.server";

export const meta: MetaFunction = () => [{ title: "Unsubscribe" }, { name: "robots", content: "noindex" }];

const linkParams = (request: Request) => queryValues(request);

/**
 * The link from an email: says what it will stop, with one button (mail scanners follow links, so
 * GET changes nothing). The button and mail clients' one-click POST are handled by the HTTP server
 * (`oneClickUnsubscribe` in express-app.server.ts), which sends the button back here with done=1.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const params = linkParams(request);
  return loaderResult(async () => ({ kind: (await readUnsubscribeLink(params)).kind, done: params.done === "1" }));
}

export default function Unsubscribe() {
  const { kind, done } = useLoaderData<typeof loader>();
  const location = useLocation();
  return (
    <div className="narrow-wide">
      <h1>Unsubscribe</h1>
      {done ? (
        <p role="status">
          Done: no more emails for “{NOTIFICATION_KIND_LABELS[kind]}”. You will still see them in the app. Changed your
          mind? See <a href="/settings/notifications">email settings</a>.
        </p>
      ) : (
        <form method="post" action={`${location.pathname}${location.search}`}>
          <p>Stop emails for “{NOTIFICATION_KIND_LABELS[kind]}”?</p>
          <button type="submit" className="button">
            Unsubscribe
          </button>
        </form>
      )}
    </div>
  );
}
