import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { RelativeTime } from "~/components/relative-time";
import { RemovalReasonFields } from "~/components/removal-reason";
import { threadPath } from "~/components/thread-row";
import { FormError } from "~/components/ui/field";
import { formValues } from "~/lib/forms.server";
import { actionResult, idParam, loaderResult, redirectAfterWrite } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { getPostHistory, redactRevision } from "~/models/community/posts.server";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Revision history" }];

export async function loader({ params, context }: LoaderFunctionArgs) {
  const postId = idParam(params.postId);
  return loaderResult(() => getPostHistory(context.actor, postId));
}

/** Staff remove a version's text from the public history (or put it back). */
export async function action({ params, request, context }: ActionFunctionArgs) {
  const postId = idParam(params.postId);
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const { revisionId } = await redactRevision(context.actor, postId, values);
    return redirectAfterWrite(`/posts/${postId}/history#revision-${revisionId}`);
  }, values);
}

type Version = ReturnType<typeof useLoaderData<typeof loader>>["versions"][number];
type Failure = {
  formError: string | null;
  fieldErrors: Record<string, string | undefined>;
  values?: Record<string, string>;
} | null;

function RedactionControls({ version, failure }: { version: Version; failure: Failure }) {
  if (version.revisionId === null) return null;
  const mine = failure?.values?.revisionId === String(version.revisionId) ? failure : null;
  if (version.redaction) {
    return (
      <Form method="post" className="redaction-form">
        <input type="hidden" name="intent" value="unredact" />
        <input type="hidden" name="revisionId" value={version.revisionId} />
        <FormError message={mine?.formError} />
        <button type="submit" className="button button-secondary button-small">
          Put the text back
        </button>
      </Form>
    );
  }
  return (
    <Form method="post" className="redaction-form" noValidate>
      <input type="hidden" name="intent" value="redact" />
      <input type="hidden" name="revisionId" value={version.revisionId} />
      <RemovalReasonFields
        id={`reason-${version.revisionId}`}
        label="Why remove this version's text? (staff only see it afterwards)"
        maxLength={500}
        failure={mine}
      />
    </Form>
  );
}

export default function PostHistory() {
  const { post, versions, canRedact } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  return (
    <div>
      <h1>Revision history</h1>
      <p>
        Of {post.kind === "question" ? "the question" : `an answer by ${post.author}`} on{" "}
        <Link to={`${threadPath({ id: post.threadId, slug: post.slug })}#post-${post.id}`}>{post.title}</Link>. Newest
        first.
      </p>
      <ol reversed className="plain-list">
        {versions.map((version) => (
          <li
            key={version.number}
            className="revision"
            id={version.revisionId ? `revision-${version.revisionId}` : undefined}
          >
            <h2 className="section-title">
              Version {version.number}
              {version.replacedBy ? null : " (current)"}
            </h2>
            <p className="hint">
              Written <RelativeTime date={version.writtenAt} />
              {version.replacedBy ? <> · replaced by an edit from {version.replacedBy}</> : null}
            </p>
            {version.redaction ? (
              <p className="notice" role="note">
                Removed by staff
                {version.redaction.by ? (
                  <>
                    {" "}
                    ({version.redaction.by}, <RelativeTime date={version.redaction.at} />
                    {version.redaction.reason ? `: ${version.redaction.reason}` : ""})
                  </>
                ) : null}
                .{version.bodyMarkdown !== null ? " Only staff see the text below." : null}
              </p>
            ) : null}
            {version.title ? (
              <p>
                <strong>Title:</strong> {version.title}
              </p>
            ) : null}
            {version.bodyMarkdown !== null ? <pre>{version.bodyMarkdown}</pre> : null}
            {canRedact ? <RedactionControls version={version} failure={failure} /> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
