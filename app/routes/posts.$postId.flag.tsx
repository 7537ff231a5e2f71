import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { threadPath } from "~/components/thread-row";
import { FormError, TextField } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { flagPost, getPostToFlag } from "~/models/moderation/flags.server";
import { FLAG_REASON_LABELS, USER_FLAG_REASONS } from "~/models/moderation/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Flag a post" }, { name: "robots", content: "noindex" }];

export async function loader({ params, request, context }: LoaderFunctionArgs) {
  const postId = idParam(params.postId);
  requireSignedIn(request, context);
  return loaderResult(() => getPostToFlag(context.actor, postId));
}

export async function action({ params, request, context }: ActionFunctionArgs) {
  const postId = idParam(params.postId);
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const { threadId, slug, hidden } = await flagPost(context.actor, postId, values);
    // Back to the thread, which thanks the flagger; a post that is now hidden is no longer there to scroll to.
    return redirect(
      `${threadPath({ id: threadId, slug })}?flagged=${hidden ? "hidden" : "review"}${hidden ? "" : `#post-${postId}`}`,
      303,
    );
  }, values);
}

export default function FlagPost() {
  const post = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const back = `${threadPath({ id: post.threadId, slug: post.slug })}#post-${post.id}`;
  return (
    <>
      <h1>Flag {post.kind === "question" ? "a question" : "an answer"}</h1>
      <p className="hint">
        By {post.author} in <Link to={back}>{post.title}</Link>. Staff review every flag; flags from a few people hide
        the post until they do.
      </p>
      <div className="prose review-body" dangerouslySetInnerHTML={{ __html: post.bodyHtml }} />
      {post.alreadyFlagged ? (
        <p className="notice" role="status">
          You have already flagged this post. Staff will review it. <Link to={back}>Back to the thread</Link>
        </p>
      ) : (
        <Form method="post" className="flag-form" noValidate>
          <FormError message={failure?.formError} />
          <fieldset aria-describedby={failure?.fieldErrors.reason ? "reason-error" : undefined}>
            <legend>What is wrong with this post?</legend>
            {USER_FLAG_REASONS.map((reason) => (
              <label key={reason} className="radio">
                <input type="radio" name="reason" value={reason} defaultChecked={failure?.values?.reason === reason} />{" "}
                {FLAG_REASON_LABELS[reason]}
              </label>
            ))}
            {failure?.fieldErrors.reason ? (
              <span className="field-error" id="reason-error" role="alert">
                {failure.fieldErrors.reason}
              </span>
            ) : null}
          </fieldset>
          <TextField
            name="note"
            label="Anything staff should know? (needed for “Something else”)"
            maxLength={500}
            defaultValue={failure?.values?.note}
            error={failure?.fieldErrors.note}
          />
          <div className="form-actions">
            <button type="submit" className="button">
              Send flag
            </button>
            <Link to={back}>Cancel</Link>
          </div>
        </Form>
      )}
    </>
  );
}
