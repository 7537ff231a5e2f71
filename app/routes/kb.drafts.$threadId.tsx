import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { threadPath } from "~/components/thread-row";
import { idParam, loaderResult, requireSignedIn } from "~/lib/http.server";
import { publicUrl } from "~/lib/env.server";
import { draftArticleFromThread } from "~/models/kb/drafts.server";

export const meta: MetaFunction = () => [{ title: "Knowledge-base draft" }, { name: "robots", content: "noindex" }];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const threadId = idParam(params.threadId);
  return loaderResult(() => draftArticleFromThread(context.actor, threadId, publicUrl()));
}

export default function KnowledgeBaseDraft() {
  const { fileName, markdown, thread } = useLoaderData<typeof loader>();
  return (
    <div className="narrow-wide">
      <h1>Knowledge-base draft</h1>
      <p>
        From <a href={threadPath(thread)}>{thread.title}</a>. Edit it, set the audience, and commit it as{" "}
        <code>content/kb/{fileName}</code>; the next <code>npm run kb:sync</code> (or restart) publishes it.
      </p>
      <div className="field">
        <label htmlFor="draft">Markdown</label>
        <textarea id="draft" readOnly rows={24} defaultValue={markdown} className="code-area" />
      </div>
      <p>
        <a className="button" href={`/kb/drafts/${thread.id}/download`} download={fileName}>
          Download {fileName}
        </a>
      </p>
    </div>
  );
}
