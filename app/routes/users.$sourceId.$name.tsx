import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { idParam, loaderResult, notFound } from "~/lib/http.server";
import { importedProfileAt } from "~/models/community/source-addresses.server";

// A Stack Exchange profile address (`/users/<id>/<name>`): the account imported from it (DECISIONS.md #81).
export async function loader({ params }: LoaderFunctionArgs) {
  const profile = await loaderResult(() => importedProfileAt(idParam(params.sourceId)));
  if (!profile) notFound("There is no member with that name.");
  return redirect(`/users/${encodeURIComponent(profile.username)}`, 301);
}

// A component makes this a page route, so an address that leads nowhere gets the site's 404 page, not JSON.
export default function ImportedAddress() {
  return null;
}
