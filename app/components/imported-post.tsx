import { Form } from "@remix-run/react";
import { licenceDeedUrl } from "~/lib/licences";
import type { ImportedComment, ImportedFrom, PostComments } from "~/models/community/rules";
import { MAX_COMMENT_REMOVAL_REASON } from "~/models/moderation/rules";
import { RelativeTime } from "./relative-time";
import { RemovalReasonFields } from "./removal-reason";
import { FormError } from "./ui/field";

/** The attribution an imported post's licence asks for: its site, its author, the licence and a link to the original. */
export function SourceLine({ source }: { source: ImportedFrom }) {
  const deed = source.licence ? licenceDeedUrl(source.licence) : null;
  return (
    <p className="post-source">
      Originally posted on <a href={`https://${source.site}/`}>{source.site}</a> by {source.author}
      {source.licence ? (
        <>
          {" · "}
          {deed ? (
            <a href={deed} rel="license">
              {source.licence}
            </a>
          ) : (
            source.licence
          )}
        </>
      ) : null}
      {source.url ? (
        <>
          {" · "}
          <a href={source.url}>source</a>
        </>
      ) : null}
    </p>
  );
}

/** A form's refusal as the thread page's action returns it, with the values it was sent. */
export type CommentFormFailure = {
  formError: string | null;
  fieldErrors: Record<string, string | undefined>;
  values?: Record<string, string>;
} | null;

/**
 * An imported post's comments, read-only, with a link to the rest on the source when there are more.
 * `canRemove` (staff) adds a remove form under each comment, and a restore form under each removed one.
 */
export function ImportedComments({
  postId,
  comments,
  sourceUrl,
  canRemove,
  failure,
}: {
  postId: number;
  comments: PostComments;
  sourceUrl: string | null;
  canRemove: boolean;
  failure: CommentFormFailure;
}) {
  const more = comments.total - comments.shown.length;
  return (
    <section className="post-comments" aria-label="Comments from the source site">
      <ul>
        {comments.shown.map((comment) => (
          <li key={comment.id} id={`comment-${comment.id}`} className={comment.removal ? "comment-removed" : undefined}>
            {comment.removal ? <RemovalNote removal={comment.removal} /> : null}
            {comment.score > 0 ? (
              <span className="comment-score" title="Score on the source site">
                {comment.score}
              </span>
            ) : null}
            <div className="comment-body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} /> –{" "}
            {comment.authorIsStandIn ? comment.author : <a href={`/users/${comment.author}`}>{comment.author}</a>}{" "}
            <RelativeTime date={comment.createdAt} />
            {canRemove ? (
              <CommentRemovalForm
                postId={postId}
                commentId={comment.id}
                removed={Boolean(comment.removal)}
                failure={failure?.values?.commentId === String(comment.id) ? failure : null}
              />
            ) : null}
          </li>
        ))}
      </ul>
      {more > 0 ? (
        <p className="hint">
          {more === 1 ? "1 more comment" : `${more} more comments`}{" "}
          {sourceUrl ? <a href={sourceUrl}>on the source</a> : "on the source"}
        </p>
      ) : null}
    </section>
  );
}

function RemovalNote({ removal }: { removal: NonNullable<ImportedComment["removal"]> }) {
  return (
    <p className="notice comment-removal" role="note">
      Removed by {removal.by ?? "staff"} <RelativeTime date={removal.at} />
      {removal.reason ? `: ${removal.reason}` : ""}. Only staff see it.
    </p>
  );
}

/**
 * Staff: restore a removed comment, or remove one. Removing is behind a disclosure (opened, then
 * confirmed with its own button), as the other destructive moderation forms are; plain forms, so
 * both work without JavaScript.
 */
function CommentRemovalForm({
  postId,
  commentId,
  removed,
  failure,
}: {
  postId: number;
  commentId: number;
  removed: boolean;
  failure: CommentFormFailure;
}) {
  const target = (
    <>
      <input type="hidden" name="postId" value={postId} />
      <input type="hidden" name="commentId" value={commentId} />
    </>
  );
  if (removed) {
    return (
      <Form method="post" className="comment-moderation" preventScrollReset>
        <input type="hidden" name="intent" value="restore-comment" />
        {target}
        <FormError message={failure?.formError} />
        <button type="submit" className="button button-secondary button-small">
          Restore comment
        </button>
      </Form>
    );
  }
  return (
    <details className="comment-moderation" open={Boolean(failure)}>
      <summary>Remove…</summary>
      <Form method="post" className="mod-form" preventScrollReset noValidate>
        <input type="hidden" name="intent" value="remove-comment" />
        {target}
        <RemovalReasonFields
          id={`comment-reason-${commentId}`}
          label="Reason (optional; staff only see it)"
          maxLength={MAX_COMMENT_REMOVAL_REASON}
          failure={failure}
        />
      </Form>
    </details>
  );
}
