import type { ActionFunctionArgs } from "@remix-run/node";
import { formValues } from "~/lib/forms.server";
import { actionResult, notFound } from "~/lib/http.server";
import { previewMarkdown } from "~/models/post.server";

export async function loader() {
  notFound();
}

/** Live preview for the Markdown editor: the same rendering and sanitizing as a saved post. */
export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(() => Response.json(previewMarkdown(context.actor, values)));
}
