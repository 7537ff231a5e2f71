import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { ThreadList } from "~/components/thread-row";
import { loaderResult } from "~/lib/http.server";
import { listCategories } from "~/models/community/tags.server";
import { THREAD_FILTERS, THREAD_SORTS, threadListQuerySchema } from "~/models/community/rules";
import { listThreads } from "~/models/community/threads.server";
import { WatchForm } from "~/components/watch-form";
import { ownWatchLevel } from "~/models/notifications/watching.server";
import { queryValues } from "~/lib/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  // The feed of what the page lists (its category and tag; filter and sort do not apply to the feed).
  const category = data?.categories.find((c) => c.slug === data.query.category);
  const params = new URLSearchParams();
  if (category) params.set("category", category.slug);
  if (data?.query.tag) params.set("tag", data.query.tag);
  return [
    { title: "Questions" },
    {
      tagName: "link",
      rel: "alternate",
      type: "application/atom+xml",
      href: `/questions/feed.xml${params.size > 0 ? `?${params}` : ""}`,
      title: `${category ? category.name : "Latest questions"}${data?.query.tag ? ` tagged ${data.query.tag}` : ""} (Atom)`,
    },
  ];
};

export async function loader({ request, context }: LoaderFunctionArgs) {
  const query = threadListQuerySchema.parse(queryValues(request));
  return loaderResult(async () => {
    const categories = await listCategories();
    const category = categories.find((c) => c.slug === query.category);
    return {
      query,
      ...(await listThreads(context.actor, query)),
      categories,
      watchLevel: category ? await ownWatchLevel(context.actor, "category", category.id) : null,
    };
  });
}

const FILTER_LABELS = { all: "All", unanswered: "Unanswered", unresolved: "Unresolved", solved: "Solved" };
const SORT_LABELS = { newest: "Newest", active: "Recently active", top: "Top voted" };

function QueryLinks<K extends string>({
  name,
  options,
  labels,
  current,
}: {
  name: string;
  options: readonly K[];
  labels: Record<K, string>;
  current: K;
}) {
  const location = useLocation();
  return (
    <ul className="segmented">
      {options.map((option) => {
        const params = new URLSearchParams(location.search);
        params.set(name, option);
        params.delete("page");
        return (
          <li key={option}>
            <Link to={`?${params}`} aria-current={option === current ? "true" : undefined}>
              {labels[option]}
            </Link>
          </li>
        );
      })}
    </ul>
  );
}

export default function Questions() {
  const { query, threads, hasNextPage, categories, pinned, watchLevel } = useLoaderData<typeof loader>();
  const category = categories.find((c) => c.slug === query.category);
  return (
    <>
      <div className="page-head">
        <h1>
          {category ? category.name : "All questions"}
          {query.tag ? <> tagged “{query.tag}”</> : null}
        </h1>
        <Link className="button" to="/questions/ask">
          Ask a question
        </Link>
      </div>
      {category && watchLevel ? (
        <WatchForm
          target="category"
          targetKey={category.slug}
          level={watchLevel}
          subject={`the category ${category.name}`}
        />
      ) : null}
      <div className="toolbar">
        <nav aria-label="Filter questions">
          <QueryLinks name="filter" options={THREAD_FILTERS} labels={FILTER_LABELS} current={query.filter} />
        </nav>
        <nav aria-label="Sort questions">
          <QueryLinks name="sort" options={THREAD_SORTS} labels={SORT_LABELS} current={query.sort} />
        </nav>
        <Form method="get" className="form-actions">
          <input type="hidden" name="filter" value={query.filter} />
          <input type="hidden" name="sort" value={query.sort} />
          {query.tag ? <input type="hidden" name="tag" value={query.tag} /> : null}
          <label htmlFor="category">Category</label>
          <select id="category" name="category" defaultValue={query.category ?? ""}>
            <option value="">All categories</option>
            {categories.map((c) => (
              <option key={c.id} value={c.slug}>
                {c.name}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-secondary button-small">
            Apply
          </button>
        </Form>
      </div>
      <h2 className="visually-hidden">Questions</h2>
      <ThreadList threads={threads} pinned={pinned} empty="No questions match these filters yet." />
      <Pagination page={query.page} hasNextPage={hasNextPage} />
    </>
  );
}
