import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { idParam, loaderResult } from "~/lib/http.server";
import { getPostHistory } from "~/models/post.server";

export const meta: MetaFunction = () => [{ title: "Revision history" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const postId = idParam(params.postId);
  return loaderResult(() => getPostHistory(context.actor, postId));
}

export default function PostHistory() {
  const { post, versions } = useLoaderData<typeof loader>();
  return (
    <div>
      <h1>Revision history</h1>
      <p>
        Of {post.kind === "question" ? "the question" : `an answer by ${post.author}`} on{" "}
        <Link to={`${threadPath({ id: post.threadId, slug: post.slug })}#post-${post.id}`}>{post.title}</Link>. Newest first.
      </p>
      <ol reversed className="plain-list">
        {versions.map((version) => (
          <li key={version.number} className="revision">
            <h2 className="section-title">
              Version {version.number}
              {version.replacedBy ? null : " (current)"}
            </h2>
            <p className="hint">
              Written <RelativeTime date={version.writtenAt} />
              {version.replacedBy ? <> · replaced by an edit from {version.replacedBy}</> : null}
            </p>
            {version.title ? <p><strong>Title:</strong> {version.title}</p> : null}
            <pre>{version.bodyMarkdown}</pre>
          </li>
        ))}
      </ol>
    </div>
  );
}
