import { tagPath } from "~/components/tag-list";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicUrl } from "~/lib/env.server";
import { resourceResult } from "~/lib/http.server";
import { SITE_NAME } from "~/lib/site";
import { atomResponse } from "~/lib/xml.server";
import { threadsAtom } from "~/models/community/feed.server";
import { latestThreadsForFeed } from "~/models/community/threads.server";

/** The latest questions with one tag, as a visitor sees them; an unknown tag is a 404. */
export async function loader({ params }: LoaderFunctionArgs) {
  const tag = (params.tag ?? "").toLowerCase();
  return resourceResult(async () => {
    const { threads } = await latestThreadsForFeed({ tag });
    const path = tagPath(tag);
    return atomResponse(
      threadsAtom(publicUrl(), threads, {
        title: `${SITE_NAME}: questions tagged ${tag}`,
        page: path,
        self: `${path}/feed.xml`,
      }),
    );
  });
}
