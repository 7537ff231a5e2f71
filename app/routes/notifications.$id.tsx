import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { idParam, loaderResult, requireSignedIn, safeRedirectPath } from "~/lib/http.server";
import { openNotification } from "~/models/notifications/notifications.server";

/** Opening a notification marks it read and goes where it points. */
export async function loader({ params, request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const notificationId = idParam(params.id);
  const url = await loaderResult(() => openNotification(context.actor, notificationId));
  return redirect(safeRedirectPath(url, "/notifications"));
}

// A component makes this a page route: a notification that is gone gets the site's 404 page, not JSON.
export default function OpenNotification() {
  return null;
}
