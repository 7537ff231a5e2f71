import { tagPath } from "~/components/tag-list";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { loaderResult } from "~/lib/http.server";
import { listTags } from "~/models/community/tags.server";

export const meta: MetaFunction = () => [{ title: "Tags" }];

export async function loader({ context }: LoaderFunctionArgs) {
  return loaderResult(async () => ({ tags: await listTags(context.actor) }));
}

export default function Tags() {
  const { tags } = useLoaderData<typeof loader>();
  return (
    <>
      <h1>Tags</h1>
      <ul className="stat-grid">
        {tags.map((tag) => (
          <li key={tag.id}>
            <Link className="tag" to={tagPath(tag.name)}>
              {tag.name}
            </Link>
            <p className="hint">{tag.description}</p>
            <span className="hint">{tag.threadCount} questions</span>
          </li>
        ))}
      </ul>
    </>
  );
}
