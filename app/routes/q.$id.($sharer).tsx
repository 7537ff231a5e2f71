import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { threadPath } from "~/components/thread-row";
import { idParam, loaderResult, notFound } from "~/lib/http.server";
import { importedThreadAt } from "~/models/community/source-addresses.server";

// A Stack Exchange short link to a question, `/q/<id>`, or its share link `/q/<id>/<the sharer's user
// id>` (the sharer is not needed): the thread imported from it (DECISIONS.md #81).
export async function loader({ params, context }: LoaderFunctionArgs) {
  const thread = await loaderResult(() => importedThreadAt(context.actor, idParam(params.id)));
  if (!thread) notFound("That question does not exist.");
  return redirect(threadPath(thread), 301);
}

// A component makes this a page route, so an address that leads nowhere gets the site's 404 page, not JSON.
export default function ImportedAddress() {
  return null;
}
