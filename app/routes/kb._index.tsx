import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { AudienceBadge } from "~/components/search-hit";
import { loaderResult } from "~/lib/http.server";
import { PRODUCT_NAME } from "~/lib/site";
import { listKnowledgeBase } from "~/models/kb/articles.server";

export const meta: MetaFunction = () => [
  { title: "Knowledge base" },
  { name: "description", content: `Guides and answers for ${PRODUCT_NAME}, written by the support team.` },
];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ categories: await listKnowledgeBase(context.actor) }));
}

export default function KnowledgeBaseIndex() {
  const { categories } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <h1>Knowledge base</h1>
        <a href="/kb/feed.xml">Atom feed</a>
      </div>
      <p className="hint">
        Guides written and kept up to date by the support team. Can’t find it here? Search, or ask the community.
      </p>
      {categories.length === 0 ? <p>No articles yet.</p> : null}
      <div className="kb-categories">
        {categories.map((category) => (
          <section key={category.slug} aria-labelledby={`category-${category.slug}`} className="kb-category">
            <h2 id={`category-${category.slug}`}>{category.name}</h2>
            <ul className="kb-article-list">
              {category.articles.map((article) => (
                <li key={article.slug}>
                  <a href={`/kb/${article.slug}`}>{article.title}</a> <AudienceBadge audience={article.audience} />
                  <p className="hint">{article.summary}</p>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
