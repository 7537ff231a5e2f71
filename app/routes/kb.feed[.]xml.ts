import type { LoaderFunctionArgs } from "@remix-run/node";
import { resourceResult } from "~/lib/http.server";
import { SITE_NAME } from "~/lib/site";
import { listReadableArticles } from "~/models/kb/articles.server";
import { escapeXml } from "~/lib/xml.server";
import { publicUrl } from "~/lib/env.server";

/** An Atom feed of the articles the requester may read (visitors: public articles only); links on the public address. */
export async function loader({ context }: LoaderFunctionArgs) {
  const origin = publicUrl();
  return resourceResult(async () => {
    const articles = await listReadableArticles(context.actor, 50);
    const updated = articles[0]?.updatedOn ?? "1970-01-01";
    const entries = articles
      .map(
        (article) => `  <entry>
    <id>${origin}/kb/${article.slug}</id>
    <title>${escapeXml(article.title)}</title>
    <link href="${origin}/kb/${article.slug}"/>
    <updated>${article.updatedOn}T00:00:00Z</updated>
    <category term="${escapeXml(article.categoryName)}"/>
    <summary>${escapeXml(article.summary)}</summary>
  </entry>`,
      )
      .join("\n");
    const feed = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <id>${origin}/kb</id>
  <title>${escapeXml(SITE_NAME)}: knowledge base</title>
  <link href="${origin}/kb"/>
  <link rel="self" href="${origin}/kb/feed.xml"/>
  <updated>${updated}T00:00:00Z</updated>
${entries}
</feed>
`;
    return new Response(feed, {
      headers: { "Content-Type": "application/atom+xml; charset=utf-8", "Cache-Control": "private, max-age=300" },
    });
  });
}
