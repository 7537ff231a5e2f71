import type { LoaderFunctionArgs } from "@remix-run/node";
import { jsonResult } from "~/lib/http.server";
import { suggestUsernames } from "~/models/community/mentions.server";

/** Usernames for the `@` being typed in a post (`?q=` the start of a name), as JSON `{ usernames }`. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const q = new URL(request.url).searchParams.get("q");
  return jsonResult(() => suggestUsernames(context.actor, { q }));
}
