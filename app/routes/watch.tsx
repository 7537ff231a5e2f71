import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { formValues } from "~/lib/forms.server";
import { loaderResult, redirectAfterWrite, requireSignedIn, safeRedirectPath } from "~/lib/http.server";
import { setWatchLevel } from "~/models/notifications/watching.server";

/** The watch forms on thread, tag and category pages post here, then go back where they were. */
export async function action({ request, context }: ActionFunctionArgs) {
  requireSignedIn(request, context);
  const values = formValues(await request.formData());
  return loaderResult(async () => {
    await setWatchLevel(context.actor, values);
    const back = new URL(safeRedirectPath(values.redirectTo), "http://site.invalid");
    back.searchParams.set("watch", "saved");
    return redirectAfterWrite(`${back.pathname}${back.search}#watch`);
  });
}

export function loader() {
  return redirect("/settings/notifications");
}

/** Never shown (a GET redirects, a POST redirects back); its presence lets a refusal render as the site's error page. */
export default function Watch() {
  return null;
}
