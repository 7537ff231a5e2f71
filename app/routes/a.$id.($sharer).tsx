import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { threadPath } from "~/components/thread-row";
import { idParam, loaderResult, notFound } from "~/lib/http.server";
import { importedPostAt } from "~/models/community/source-addresses.server";

// A Stack Exchange short link to an answer, `/a/<id>`, or its share link `/a/<id>/<the sharer's user id>`
// (the sharer is not needed): its imported post, at its anchor in its thread (DECISIONS.md #81).
export async function loader({ params, context }: LoaderFunctionArgs) {
  const post = await loaderResult(() => importedPostAt(context.actor, idParam(params.id)));
  if (!post) notFound("That answer does not exist.");
  return redirect(`${threadPath(post.thread)}#post-${post.postId}`, 301);
}

// A component makes this a page route, so an address that leads nowhere gets the site's 404 page, not JSON.
export default function ImportedAddress() {
  return null;
}
