import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MarkdownEditor, PreviewButton } from "~/components/markdown-editor";
import { threadPath } from "~/components/thread-row";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult } from "~/lib/http.server";
import { editPost, previewMarkdown } from "~/models/community/posts.server";
import { getPostEditor, suggestEdit } from "~/models/community/suggested-edits.server";
import { mergeRouteHeaders } from "~/lib/route-headers";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction<typeof loader> = ({ data: post }) => [
  { title: post?.mode === "suggest" ? "Suggest an edit" : "Edit post" },
];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const postId = idParam(params.postId);
  return loaderResult(() => getPostEditor(context.actor, postId));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const postId = idParam(params.postId);
  const values = formValues(await request.formData());
  return actionResult(async () => {
    if (values.intent === "preview")
      return data({ ok: true as const, preview: (await previewMarkdown(context.actor, values)).html, values });
    if (values.intent === "suggest") {
      await suggestEdit(context.actor, postId, values);
      return data({ ok: true as const, suggested: true, preview: null, values });
    }
    const { threadId, slug } = await editPost(context.actor, postId, values);
    return redirect(`${threadPath({ id: threadId, slug })}#post-${postId}`, 303);
  }, values);
}

export default function EditPost() {
  const post = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const submitting = useNavigation().state === "submitting";
  const failure = result && !result.ok ? result : null;
  const values = result?.values;
  const suggesting = post.mode === "suggest";
  const what = post.kind === "question" ? "question" : "answer";
  const threadLink = <Link to={threadPath({ id: post.threadId, slug: post.slug })}>{post.title}</Link>;
  if (result?.ok && "suggested" in result) {
    return (
      <div>
        <h1>Edit sent for review</h1>
        <p role="status">
          Thank you. Staff will review your edit of this {what}; you will hear when they decide. Back to {threadLink}.
        </p>
      </div>
    );
  }
  return (
    <div>
      <h1>{suggesting ? `Suggest an edit to this ${what}` : `Edit ${what}`}</h1>
      <p className="hint">
        On {threadLink}.{" "}
        {suggesting
          ? "Staff review your edit before it replaces the text; once they approve it, it shows in the post's history as yours."
          : "The previous version stays in the post's history."}
      </p>
      {suggesting && post.pending ? (
        <p className="notice notice-warning" role="status">
          An edit of this {what} is already waiting for review. You can suggest one once staff have decided.
        </p>
      ) : null}
      <Form method="post" noValidate>
        <FormError message={failure?.formError} />
        {post.kind === "question" ? (
          <TextField
            name="title"
            label="Title"
            required
            maxLength={150}
            defaultValue={values?.title ?? post.title}
            error={failure?.fieldErrors.title}
          />
        ) : null}
        <MarkdownEditor
          label="Body"
          defaultValue={values?.body ?? post.bodyMarkdown}
          error={failure?.fieldErrors.body}
          serverPreview={result?.ok ? result.preview : null}
          rows={14}
        />
        {suggesting ? <input type="hidden" name="base" value={values?.base ?? post.base} /> : null}
        {suggesting ? (
          <TextField
            name="summary"
            label="What did you change?"
            hint="For the reviewer, e.g. “fixed the setting's name”."
            required
            maxLength={300}
            defaultValue={values?.summary ?? ""}
            error={failure?.fieldErrors.summary}
          />
        ) : null}
        <div className="form-actions">
          <button
            type="submit"
            className="button"
            name="intent"
            value={suggesting ? "suggest" : "save"}
            disabled={submitting || (suggesting && post.pending)}
          >
            {suggesting ? "Send for review" : "Save changes"}
          </button>
          <PreviewButton />
          <Link to={`/posts/${post.id}/history`}>History</Link>
        </div>
      </Form>
    </div>
  );
}
