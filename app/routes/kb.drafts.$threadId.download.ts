import type { LoaderFunctionArgs } from "@remix-run/node";
import { idParam, resourceResult } from "~/lib/http.server";
import { publicUrl } from "~/lib/env.server";
import { draftArticleFromThread } from "~/models/kb/drafts.server";

/** The draft as a Markdown file to save under content/kb/. */
export async function loader({ params, context }: LoaderFunctionArgs) {
  const threadId = idParam(params.threadId);
  return resourceResult(async () => {
    const { fileName, markdown } = await draftArticleFromThread(context.actor, threadId, publicUrl());
    return new Response(markdown, {
      headers: {
        "Content-Type": "text/markdown; charset=utf-8",
        "Content-Disposition": `attachment; filename="${fileName}"`,
        "Cache-Control": "private, no-store",
      },
    });
  });
}
