import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MarkdownEditor, PreviewButton } from "~/components/markdown-editor";
import { threadPath } from "~/components/thread-row";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult } from "~/lib/http.server";
import { canAskQuestion } from "~/lib/permissions.server";
import { previewMarkdown } from "~/models/post.server";
import { MAX_TAGS_PER_THREAD } from "~/models/community-rules";
import { listCategories, listTags } from "~/models/tag.server";
import { askQuestion } from "~/models/thread.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Ask a question" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!canAskQuestion(context.actor)) {
    throw redirect(`/login?redirectTo=${encodeURIComponent(new URL(request.url).pathname)}`);
  }
  return { categories: listCategories(), tags: listTags(context.actor).map((tag) => tag.name) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(() => {
    if (values.intent === "preview") return data({ ok: true as const, preview: previewMarkdown(context.actor, values).html, values });
    const { threadId, slug } = askQuestion(context.actor, values);
    return redirect(threadPath({ id: threadId, slug }));
  }, values);
}

export default function Ask() {
  const { categories, tags } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : null;
  const values = result?.values;
  return (
    <div className="narrow-wide">
      <h1>Ask a question</h1>
      <p className="hint">Say what you tried and what happened. Someone who knows will answer.</p>
      <Form method="post" noValidate>
        <FormError message={failure?.formError} />
        <TextField name="title" label="Title" required maxLength={150} defaultValue={values?.title} error={failure?.fieldErrors.title} hint="One sentence a stranger would understand, e.g. “Hub stays offline after the 4.2 update”." />
        <MarkdownEditor label="Details" defaultValue={values?.body} error={failure?.fieldErrors.body} serverPreview={result?.ok ? result.preview : null} rows={12} />
        <div className="field">
          <label htmlFor="category">Category</label>
          <select id="category" name="category" defaultValue={values?.category ?? ""} aria-invalid={failure?.fieldErrors.category ? true : undefined} aria-describedby={failure?.fieldErrors.category ? "category-error" : undefined}>
            <option value="" disabled>
              Choose a category
            </option>
            {categories.map((category) => (
              <option key={category.id} value={category.slug}>
                {category.name}
              </option>
            ))}
          </select>
          {failure?.fieldErrors.category ? (
            <span className="field-error" id="category-error" role="alert">
              {failure.fieldErrors.category}
            </span>
          ) : null}
        </div>
        <TextField name="tags" label="Tags" list="known-tags" defaultValue={values?.tags} error={failure?.fieldErrors.tags} hint={`Up to ${MAX_TAGS_PER_THREAD}, separated by commas, from: ${tags.join(", ")}.`} />
        <datalist id="known-tags">
          {tags.map((tag) => (
            <option key={tag} value={tag} />
          ))}
        </datalist>
        <div className="form-actions">
          <button type="submit" className="button" disabled={submitting}>
            Post your question
          </button>
          <PreviewButton />
        </div>
      </Form>
    </div>
  );
}
