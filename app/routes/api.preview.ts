import type { ActionFunctionArgs } from "@remix-run/node";
import { formValues } from "~/lib/forms.server";
import { actionResult, notFound } from "~/lib/http.server";
import { previewMarkdown } from "~/models/community/posts.server";

export async function loader() {
  notFound();
}

/** Live preview for the Markdown editor: the same rendering, sanitizing and refusals as a saved post. */
export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  const result = await actionResult(async () => Response.json(await previewMarkdown(context.actor, values)));
  // A refusal comes back as data() with its status (400, 429 with Retry-After); a resource route must
  // answer with a Response, and Remix would send a bare data() as a 200.
  return result instanceof Response ? result : Response.json(result.data, result.init ?? undefined);
}
