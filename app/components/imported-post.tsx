import { licenceDeedUrl } from "~/lib/licences";
import type { ImportedFrom, PostComments } from "~/models/community/rules";
import { RelativeTime } from "./relative-time";

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

/** An imported post's comments, read-only, with a link to the rest on the source when there are more. */
export function ImportedComments({ comments, sourceUrl }: { comments: PostComments; sourceUrl: string | null }) {
  const more = comments.total - comments.shown.length;
  return (
    <section className="post-comments" aria-label="Comments from the source site">
      <ul>
        {comments.shown.map((comment) => (
          <li key={comment.id}>
            {comment.score > 0 ? (
              <span className="comment-score" title="Score on the source site">
                {comment.score}
              </span>
            ) : null}
            <div className="comment-body" dangerouslySetInnerHTML={{ __html: comment.bodyHtml }} /> –{" "}
            {comment.authorIsStandIn ? comment.author : <a href={`/users/${comment.author}`}>{comment.author}</a>}{" "}
            <RelativeTime date={comment.createdAt} />
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
