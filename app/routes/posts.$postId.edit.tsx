import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { MarkdownEditor, PreviewButton } from "~/components/markdown-editor";
import { threadPath } from "~/components/thread-row";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult } from "~/lib/http.server";
import { editPost, getPostForEdit, previewMarkdown } from "~/models/community/posts.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { keepDataAfterPreview } from "~/lib/revalidation";

export const headers = mergeRouteHeaders;
export const shouldRevalidate = keepDataAfterPreview;

export const meta: MetaFunction = () => [{ title: "Edit post" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const postId = idParam(params.postId);
  return loaderResult(() => getPostForEdit(context.actor, postId));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const postId = idParam(params.postId);
  const values = formValues(await request.formData());
  return actionResult(async () => {
    if (values.intent === "preview")
      return data({ ok: true as const, preview: (await previewMarkdown(context.actor, values)).html, values });
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
  return (
    <div>
      <h1>Edit {post.kind === "question" ? "your question" : "answer"}</h1>
      <p className="hint">
        On <Link to={threadPath({ id: post.threadId, slug: post.slug })}>{post.title}</Link>. The previous version stays
        in the post's history.
      </p>
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
        <div className="form-actions">
          <button type="submit" className="button" disabled={submitting}>
            Save changes
          </button>
          <PreviewButton />
          <Link to={`/posts/${post.id}/history`}>History</Link>
        </div>
      </Form>
    </div>
  );
}
