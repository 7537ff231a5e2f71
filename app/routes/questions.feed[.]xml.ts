import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { publicUrl } from "~/lib/env.server";
import { parseInput } from "~/lib/forms.server";
import { resourceResult } from "~/lib/http.server";
import { SITE_NAME } from "~/lib/site";
import { atomResponse } from "~/lib/xml.server";
import { threadsAtom } from "~/models/community/feed.server";
import { latestThreadsForFeed } from "~/models/community/threads.server";

const feedQuerySchema = z.object({
  category: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,59}$/, "Name a category by its slug.")
    .optional(),
  tag: z.string().trim().toLowerCase().min(1, "Name a tag.").max(40, "That tag name is too long.").optional(),
});

/** The latest questions as a visitor sees them (never the requester's session), optionally of one category or tag. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  return resourceResult(async () => {
    const query = parseInput(feedQuerySchema, {
      category: url.searchParams.get("category") ?? undefined,
      tag: url.searchParams.get("tag") ?? undefined,
    });
    const { categoryName, threads } = await latestThreadsForFeed(query);
    const params = new URLSearchParams();
    if (query.category) params.set("category", query.category);
    if (query.tag) params.set("tag", query.tag);
    const search = params.size > 0 ? `?${params}` : "";
    const narrowed = [categoryName, query.tag ? `tagged ${query.tag}` : null].filter(Boolean).join(", ");
    return atomResponse(
      threadsAtom(publicUrl(), threads, {
        title: `${SITE_NAME}: ${narrowed ? `questions in ${narrowed}` : "latest questions"}`,
        page: `/questions${search}`,
        self: `/questions/feed.xml${search}`,
      }),
    );
  });
}
