import type { LoaderFunctionArgs } from "@remix-run/node";
import { publicUrl } from "~/lib/env.server";
import { resourceResult } from "~/lib/http.server";
import { SITE_NAME } from "~/lib/site";
import { atomFeed, atomResponse } from "~/lib/xml.server";
import { publicActivityFeed } from "~/models/accounts/users.server";

/** A person's latest public questions and answers, as a visitor sees them; an unknown person is a 404. */
export async function loader({ params }: LoaderFunctionArgs) {
  const origin = publicUrl();
  return resourceResult(async () => {
    const { user, entries } = await publicActivityFeed(params.username ?? "");
    const page = `${origin}/users/${encodeURIComponent(user.username)}`;
    return atomResponse(
      atomFeed({
        id: `${page}/feed.xml`,
        title: `${SITE_NAME}: questions and answers by ${user.username}`,
        link: page,
        self: `${page}/feed.xml`,
        updated: entries.reduce((latest, entry) => (entry.updated > latest ? entry.updated : latest), new Date(0)),
        entries: entries.map((entry) =>
          entry.kind === "question"
            ? {
                id: `${origin}/questions/${entry.threadId}`,
                title: entry.title,
                link: `${origin}/questions/${entry.threadId}/${entry.slug}`,
                updated: entry.updated,
                author: user.username,
                summary: entry.summary,
              }
            : {
                id: `${origin}/questions/${entry.threadId}#post-${entry.postId}`,
                title: `Answer to: ${entry.title}`,
                link: `${origin}/questions/${entry.threadId}/${entry.slug}#post-${entry.postId}`,
                updated: entry.updated,
                author: user.username,
                summary: entry.summary,
              },
        ),
      }),
    );
  });
}
