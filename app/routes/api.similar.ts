import type { LoaderFunctionArgs } from "@remix-run/node";
import { resourceResult } from "~/lib/http.server";
import { canViewThread, ensure } from "~/lib/permissions.server";
import { findSimilar } from "~/models/search/search.server";
import { queryValues } from "~/lib/forms.server";

// The ask page loads this into a fetcher, which Remix would load again after every preview.

/** Solved threads and articles like the question title being typed (`?title=`), as JSON. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const title = queryValues(request).title ?? "";
  return resourceResult(async () => {
    ensure(canViewThread(context.actor));
    return Response.json(
      { similar: await findSimilar(context.actor, title, { whileTyping: true }) },
      { headers: { "Cache-Control": "private, max-age=30" } },
    );
  });
}
