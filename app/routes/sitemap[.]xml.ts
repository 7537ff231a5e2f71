import { VISITOR } from "~/lib/permissions.server";
import { resourceResult } from "~/lib/http.server";
import { listReadableArticles } from "~/models/kb/articles.server";
import { recentThreadPaths } from "~/models/community/threads.server";
import { escapeXml } from "~/lib/xml.server";
import { publicUrl } from "~/lib/env.server";

const MAX_URLS = 50_000;

/**
 * For search engines, which see what a visitor sees: public articles and threads. Built as a
 * visitor whoever asks, so a signed-in customer's cookie cannot put private pages in it, and on
 * the configured public address (never the request's Host), so it is the same for everyone and
 * may be cached publicly.
 */
export async function loader() {
  const origin = publicUrl();
  return resourceResult(async () => {
    const articles = await listReadableArticles(VISITOR, 5_000);
    const fixed = ["/", "/questions", "/kb", "/tags"];
    const urls = [
      ...fixed.map((path) => `  <url><loc>${origin}${path}</loc></url>`),
      ...articles.map(
        (article) => `  <url><loc>${origin}/kb/${article.slug}</loc><lastmod>${article.updatedOn}</lastmod></url>`,
      ),
      ...(await recentThreadPaths(MAX_URLS - fixed.length - articles.length)).map(
        (thread) =>
          `  <url><loc>${escapeXml(origin + thread.path)}</loc><lastmod>${thread.lastActivityAt.toISOString().slice(0, 10)}</lastmod></url>`,
      ),
    ];
    const body = `<?xml version="1.0" encoding="utf-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
${urls.join("\n")}
</urlset>
`;
    return new Response(body, {
      headers: { "Content-Type": "application/xml; charset=utf-8", "Cache-Control": "public, max-age=3600" },
    });
  });
}
