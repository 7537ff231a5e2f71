import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ModNav } from "~/components/mod-nav";
import { Pagination } from "~/components/pagination";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { FormError, TextField } from "~/components/ui/field";
import { formValues, parseInput, queryValues } from "~/lib/forms.server";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { rowIdField } from "~/lib/row-ids";
import { lineDiff } from "~/models/community/line-diff";
import { decideSuggestedEdit, listSuggestedEdits } from "~/models/community/suggested-edits.server";
import { pageQuerySchema } from "~/models/reputation/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Suggested edits" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const { page } = pageQuerySchema.parse(queryValues(request));
  return loaderResult(async () => ({ page, ...(await listSuggestedEdits(context.actor, page)) }));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const { id } = parseInput(z.object({ id: rowIdField("Choose a suggested edit.") }), values);
    const { decision } = await decideSuggestedEdit(context.actor, id, values);
    return { ok: true as const, message: decision === "approve" ? "Edit approved and applied." : "Edit declined." };
  }, values);
}

function Diff({ before, after, label }: { before: string; after: string; label: string }) {
  return (
    <pre className="line-diff" aria-label={label}>
      {lineDiff(before, after).map((line, i) =>
        line.kind === "same" ? (
          <span key={i}>{`  ${line.text}`}</span>
        ) : line.kind === "removed" ? (
          <del key={i}>{`− ${line.text}`}</del>
        ) : (
          <ins key={i}>{`+ ${line.text}`}</ins>
        ),
      )}
    </pre>
  );
}

export default function SuggestedEdits() {
  const { edits, page, hasNextPage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const failure = result && !result.ok ? result : null;
  const failedId = failure?.values?.id;
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">
        Edits suggested by people who may not edit others&rsquo; posts yet, oldest first. Approving applies the edit as
        theirs; declining tells them why.
      </p>
      {result?.ok ? (
        <p className="notice" role="status">
          {result.message}
        </p>
      ) : null}
      {edits.length === 0 ? (
        <p className="empty-state">No suggested edits wait for review.</p>
      ) : (
        <ol className="review-queue plain-list">
          {edits.map((edit) => (
            <li key={edit.id} className="review-item" aria-labelledby={`edit-${edit.id}`}>
              <h2 id={`edit-${edit.id}`} className="review-title">
                {edit.kind === "question" ? "Question" : "Answer"} in{" "}
                <Link to={`${threadPath({ id: edit.threadId, slug: edit.slug })}#post-${edit.postId}`}>
                  {edit.title}
                </Link>
              </h2>
              <p className="hint">
                Suggested by <Link to={`/users/${edit.suggester}`}>{edit.suggester}</Link>{" "}
                <RelativeTime date={edit.createdAt} />: &ldquo;{edit.summary}&rdquo;
              </p>
              {edit.stale ? (
                <p className="notice notice-warning">
                  The post was edited after this was suggested: approving it would undo that edit. Decline it instead.
                </p>
              ) : null}
              {edit.suggestedTitle !== null ? (
                <Diff before={edit.title} after={edit.suggestedTitle} label="Title: removed and added lines" />
              ) : null}
              <Diff before={edit.currentBody} after={edit.suggestedBody} label="Body: removed and added lines" />
              <div className="form-actions">
                <Form method="post" className="inline-form">
                  <input type="hidden" name="id" value={edit.id} />
                  <button
                    type="submit"
                    name="decision"
                    value="approve"
                    className="button button-small"
                    disabled={edit.stale}
                  >
                    Approve
                  </button>
                </Form>
                <Form method="post" className="inline-fields">
                  <input type="hidden" name="id" value={edit.id} />
                  <TextField
                    name="reason"
                    id={`reason-${edit.id}`}
                    label="Why decline?"
                    maxLength={500}
                    defaultValue={String(failedId) === String(edit.id) ? failure?.values?.reason : ""}
                    error={String(failedId) === String(edit.id) ? failure?.fieldErrors.reason : undefined}
                  />
                  <button type="submit" name="decision" value="reject" className="button button-secondary button-small">
                    Decline
                  </button>
                </Form>
              </div>
              {String(failedId) === String(edit.id) ? <FormError message={failure?.formError} /> : null}
            </li>
          ))}
        </ol>
      )}
      <Pagination page={page} hasNextPage={hasNextPage} />
    </>
  );
}
