import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Pagination } from "~/components/pagination";
import { ThreadList } from "~/components/thread-row";
import { WatchForm } from "~/components/watch-form";
import { loaderResult } from "~/lib/http.server";
import { getTag } from "~/models/community/tags.server";
import { threadListQuerySchema } from "~/models/community/rules";
import { listThreads } from "~/models/community/threads.server";
import { ownWatchLevel } from "~/models/notifications/watching.server";
import { queryValues } from "~/lib/forms.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Questions tagged ${data.tag.name}` : "Tag" },
  ...(data
    ? [
        {
          tagName: "link",
          rel: "alternate",
          type: "application/atom+xml",
          href: `/tags/${encodeURIComponent(data.tag.name)}/feed.xml`,
          title: `Questions tagged ${data.tag.name} (Atom)`,
        },
      ]
    : []),
];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const query = threadListQuerySchema.parse({
    ...queryValues(request),
    tag: params.tag,
  });
  return loaderResult(async () => {
    const tag = await getTag(context.actor, params.tag ?? "");
    return {
      tag,
      page: query.page,
      watchLevel: await ownWatchLevel(context.actor, "tag", tag.id),
      ...(await listThreads(context.actor, query)),
    };
  });
}

export default function TagPage() {
  const { tag, threads, page, hasNextPage, pinned, watchLevel } = useLoaderData<typeof loader>();
  return (
    <>
      <div className="page-head">
        <h1>
          Questions tagged <span className="tag">{tag.name}</span>
        </h1>
        <Link to={`/questions?tag=${encodeURIComponent(tag.name)}`}>Filter and sort →</Link>
      </div>
      {tag.description ? <p>{tag.description}</p> : null}
      {watchLevel ? (
        <WatchForm target="tag" targetKey={tag.name} level={watchLevel} subject={`the tag ${tag.name}`} />
      ) : null}
      <h2 className="visually-hidden">Questions</h2>
      <ThreadList threads={threads} pinned={pinned} empty="No questions with this tag yet." />
      <Pagination page={page} hasNextPage={hasNextPage} />
    </>
  );
}
