import { tagPath } from "~/components/tag-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ThreadList } from "~/components/thread-row";
import { loaderResult } from "~/lib/http.server";
import { PRODUCT_NAME, SITE_NAME } from "~/lib/site";
import { popularTags } from "~/models/community/tags.server";
import { listThreads } from "~/models/community/threads.server";

export const meta: MetaFunction = () => [
  { title: SITE_NAME },
  { name: "description", content: `Questions and answers about ${PRODUCT_NAME}, from customers and staff.` },
];

const HOME_LIST_SIZE = 8;

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({
    needsHelp: (
      await listThreads(context.actor, { filter: "unresolved", sort: "newest", page: 1 }, HOME_LIST_SIZE, {
        pinnedFirst: false,
      })
    ).threads,
    recentlySolved: (
      await listThreads(context.actor, { filter: "solved", sort: "active", page: 1 }, HOME_LIST_SIZE, {
        pinnedFirst: false,
      })
    ).threads,
    tags: await popularTags(15),
  }));
}

export default function Home() {
  const { needsHelp, recentlySolved, tags } = useLoaderData<typeof loader>();
  return (
    <>
      <section className="hero">
        <h1>How can we help with {PRODUCT_NAME}?</h1>
        <p>Ask the community, answer a neighbour, or browse solutions our support team has verified.</p>
        <Link className="button" to="/questions/ask">
          Ask a question
        </Link>
      </section>
      <div className="home-grid">
        <div>
          <section aria-labelledby="needs-help">
            <h2 id="needs-help" className="section-title">
              Waiting for help
            </h2>
            <ThreadList threads={needsHelp} empty="Every question has a solution. Nice work, everyone!" />
            <p>
              <Link to="/questions?filter=unresolved">All unresolved questions →</Link>
            </p>
          </section>
          <section aria-labelledby="recently-solved">
            <h2 id="recently-solved" className="section-title">
              Recently solved
            </h2>
            <ThreadList threads={recentlySolved} empty="No solved questions yet." />
            <p>
              <Link to="/questions?filter=solved&sort=active">All solved questions →</Link>
            </p>
          </section>
        </div>
        <aside className="panel" aria-labelledby="popular-tags">
          <h2 id="popular-tags">Popular tags</h2>
          <ul className="tag-list">
            {tags.map((tag) => (
              <li key={tag.id}>
                <Link className="tag" to={tagPath(tag.name)}>
                  {tag.name} <span aria-label={`${tag.threadCount} questions`}>×{tag.threadCount}</span>
                </Link>
              </li>
            ))}
          </ul>
          <p>
            <Link to="/tags">All tags →</Link>
          </p>
        </aside>
      </div>
    </>
  );
}
