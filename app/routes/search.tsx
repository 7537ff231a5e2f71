import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useLoaderData, useLocation } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { SearchHitRow } from "~/components/search-hit";
import { CategoryFilter, SelectField } from "~/components/ui/field";
import { threadPath } from "~/components/thread-row";
import { loaderResult } from "~/lib/http.server";
import { canViewThread, ensure } from "~/lib/permissions.server";
import { listKnowledgeBase } from "~/models/kb/articles.server";
import { SEARCH_TYPES, MAX_QUERY_LENGTH, type SearchQuery } from "~/models/search/rules";
import { popularSolvedThreads, searchSite } from "~/models/search/search.server";
import { listCategories, popularTags } from "~/models/community/tags.server";
import { queryValues } from "~/lib/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.query.q ? `Search: ${data.query.q}` : "Search" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const { actor, clientAddress } = context;
  const params = queryValues(request);
  return loaderResult(async () => {
    ensure(canViewThread(actor));
    // Independent reads, together: on PostgreSQL each is a round trip.
    const [results, knowledgeBase, categories, tags] = await Promise.all([
      searchSite(actor, params, clientAddress),
      listKnowledgeBase(actor),
      listCategories(),
      popularTags(30),
    ]);
    const hasQuery = results.query.q.trim().length > 0;
    const communityCategories = categories.map(({ slug, name }) => ({ slug, name }));
    const kbOnlyCategories = knowledgeBase.filter((group) => !communityCategories.some((c) => c.slug === group.slug));
    const page = {
      ...results,
      categories: [...communityCategories, ...kbOnlyCategories.map(({ slug, name }) => ({ slug, name }))],
      tags: tags.map((tag) => tag.name),
      // With nothing typed, the page offers what helps most people.
      popular: hasQuery
        ? null
        : {
            threads: await popularSolvedThreads(10),
            articles: knowledgeBase.flatMap((group) => group.articles.slice(0, 2)),
          },
    };
    return data(page, { status: results.error ? 400 : 200 });
  });
}

const TYPE_LABELS: Record<(typeof SEARCH_TYPES)[number], string> = {
  all: "Everything",
  questions: "Questions",
  articles: "Articles",
};

export default function SearchPage() {
  const { query, error, didYouMean, hits, partialHits, total, capped, hasNextPage, categories, tags, popular } =
    useLoaderData<typeof loader>();
  // Fields show what was typed until the next page: keyed by the query, going Back shows that page's own.
  const { search } = useLocation();
  const tagOptions = query.tag && !tags.includes(query.tag) ? [query.tag, ...tags] : tags;
  return (
    <>
      <h1>Search</h1>
      <Form
        key={search}
        method="get"
        action="/search"
        className="search-form"
        role="search"
        aria-label="Search questions and articles"
      >
        <div className="field search-main">
          <label htmlFor="search-q">Search for</label>
          <input
            id="search-q"
            name="q"
            type="search"
            defaultValue={query.q}
            maxLength={MAX_QUERY_LENGTH}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "search-q-error" : "search-q-hint"}
          />
          <span className="hint" id="search-q-hint">
            Use "quotes" for a phrase and -word to leave a word out.
          </span>
          {error ? (
            <span className="field-error" id="search-q-error" role="alert">
              {error}
            </span>
          ) : null}
        </div>
        <div className="search-filters">
          <SelectField
            name="type"
            label="Show"
            defaultValue={query.type}
            options={SEARCH_TYPES.map((type) => ({ value: type, label: TYPE_LABELS[type] }))}
          />
          <CategoryFilter categories={categories} value={query.category} />
          <SelectField
            name="tag"
            label="Tag"
            defaultValue={query.tag ?? ""}
            placeholder="Any tag"
            options={tagOptions.map((tag) => ({ value: tag, label: tag }))}
          />
          <label className="checkbox-field">
            <input type="checkbox" name="solved" value="1" defaultChecked={query.solved} /> Solved questions only
          </label>
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </Form>

      {popular ? (
        <section aria-labelledby="popular-heading">
          <h2 id="popular-heading">Popular answers</h2>
          <p className="hint">Type a few words above, or start with what helped others most.</p>
          <ul className="link-list">
            {popular.threads.map((thread) => (
              <li key={thread.id}>
                <a href={threadPath(thread)}>{thread.title}</a> <span className="badge badge-solved">Solved</span>
              </li>
            ))}
          </ul>
          {popular.articles.length > 0 ? (
            <>
              <h3>From the knowledge base</h3>
              <ul className="link-list">
                {popular.articles.map((article) => (
                  <li key={article.slug}>
                    <a href={`/kb/${article.slug}`}>{article.title}</a>
                    {article.teaser ? <span className="badge badge-customers">Customers</span> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ) : (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" aria-live="polite">
            {hits.length === 0
              ? "No results"
              : capped
                ? `More than ${total.toLocaleString("en")} results`
                : `${total.toLocaleString("en")} ${total === 1 ? "result" : "results"}`}
          </h2>
          {didYouMean ? <DidYouMean query={query} corrected={didYouMean} /> : null}
          {hits.length === 0 && !error ? (
            <p>
              Nothing matches all of those words. Try fewer or different words, or{" "}
              <a href="/questions/ask">ask the community</a>.
            </p>
          ) : null}
          <ol className="search-results">
            {hits.map((hit) => (
              <SearchHitRow key={`${hit.type}-${hit.id}`} hit={hit} />
            ))}
          </ol>
          {partialHits.length > 0 ? (
            <section aria-labelledby="partial-heading">
              <h2 id="partial-heading">With some of your words</h2>
              <ol className="search-results">
                {partialHits.map((hit) => (
                  <SearchHitRow key={`${hit.type}-${hit.id}`} hit={hit} />
                ))}
              </ol>
            </section>
          ) : null}
          <Pagination page={query.page} hasNextPage={hasNextPage} />
        </section>
      )}
    </>
  );
}

/** "Did you mean …": the corrected query with the same filters, as a plain link (works without JavaScript). */
function DidYouMean({ query, corrected }: { query: SearchQuery; corrected: string }) {
  const params = new URLSearchParams({ q: corrected });
  if (query.type !== "all") params.set("type", query.type);
  if (query.category) params.set("category", query.category);
  if (query.tag) params.set("tag", query.tag);
  if (query.solved) params.set("solved", "1");
  return (
    <p className="did-you-mean">
      Did you mean{" "}
      <a href={`/search?${params}`}>
        <strong>{corrected}</strong>
      </a>
      ?
    </p>
  );
}
