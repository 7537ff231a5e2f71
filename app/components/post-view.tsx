import { Form, useLocation } from "@remix-run/react";
import { useContext } from "react";
import type { MODERATION_STATE_LABELS } from "~/models/moderation/rules";
import type { HeldBadge } from "~/models/badges/rules";
import { AuthorStanding } from "./badges";
import type { ImportedFrom, PostComments } from "~/models/community/rules";
import { ImportedComments, SourceLine, type CommentFormFailure } from "./imported-post";
import { ModerationNotice, PostDecisionButtons } from "./moderation";
import { PostBody, PostBodiesInPage } from "./post-body";
import { formatAge, RelativeTime } from "./relative-time";
import { ReusedMarkup } from "./reused-markup";
import { StaffBadge } from "./staff-badge";
import { VoteControls, type Voting } from "./vote-controls";

export type PostViewData = {
  id: number;
  kind: "question" | "answer";
  author: string;
  /** Set for an imported site's deleted user: shown under the source's name, with no profile to link. */
  authorIsStandIn?: boolean;
  authorRole: string;
  authorReputation: number;
  /** The author's most notable badge. */
  authorBadge: HeldBadge | null;
  /** Absent in a document's own loader data: the page holds it (PostBody). */
  bodyHtml?: string;
  score: number;
  createdAt: Date;
  editedAt: Date | null;
  myVote: number;
  accepted: boolean;
  verified: boolean;
  canVote: boolean;
  canEdit: boolean;
  canSuggestEdit: boolean;
  canFlag: boolean;
  isMine: boolean;
  moderationState: keyof typeof MODERATION_STATE_LABELS;
  /** Set on a post staff hid by a decision (not hidden by flags and waiting for review). */
  hiddenByStaff?: true;
  flaggedByMe: boolean;
  openFlags: number;
  /** Set on imported posts: where they came from, shown as their licence asks. */
  importedFrom?: ImportedFrom;
  /** An imported post's comments from the source, if it has any. */
  comments?: PostComments;
};

type ThreadFlags = {
  canAccept: boolean;
  canVerify: boolean;
  canModerate: boolean;
  canRemoveComments: boolean;
  canVoteDown: boolean;
  signedIn: boolean;
};

function SolutionButton({ postId, intent, label }: { postId: number; intent: string; label: string }) {
  return (
    <Form method="post" className="inline-form" preventScrollReset>
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="postId" value={postId} />
      <button type="submit" className="button button-secondary button-small">
        {label}
      </button>
    </Form>
  );
}

export function PostView({
  post,
  flags,
  voting,
  commentFailure,
}: {
  post: PostViewData;
  flags: ThreadFlags;
  voting: Voting;
  /** A refused remove or restore of one of this page's comments, shown beside that comment. */
  commentFailure: CommentFormFailure;
}) {
  const isAnswer = post.kind === "answer";
  const classes = [
    "post",
    post.verified ? "is-verified" : post.accepted ? "is-accepted" : "",
    post.moderationState !== "visible" ? "is-moderated" : "",
  ].join(" ");
  return (
    <article id={`post-${post.id}`} className={classes} aria-label={isAnswer ? `Answer by ${post.author}` : "Question"}>
      <VoteControls
        postId={post.id}
        score={post.score}
        myVote={post.myVote}
        pendingVote={voting.pending.get(post.id)}
        canVote={post.canVote}
        canVoteDown={flags.canVoteDown}
        signedIn={flags.signedIn}
        onVote={voting.onVote}
      />
      <div>
        <ModerationNotice state={post.moderationState} isAuthor={post.isMine} hiddenByStaff={post.hiddenByStaff} />
        {post.accepted || post.verified ? (
          <div className="post-marks">
            {post.accepted ? <span className="badge badge-accepted">✓ Accepted by the asker</span> : null}
            {post.verified ? <span className="badge badge-verified">★ Staff-verified solution</span> : null}
          </div>
        ) : null}
        <PostBody post={post} />
        {post.importedFrom ? <SourceLine source={post.importedFrom} /> : null}
        <div className="post-footer">
          <div className="post-actions">
            {post.canEdit ? <a href={`/posts/${post.id}/edit`}>Edit</a> : null}
            {post.canSuggestEdit ? <a href={`/posts/${post.id}/edit`}>Suggest an edit</a> : null}
            {post.editedAt ? (
              <a href={`/posts/${post.id}/history`}>
                edited <RelativeTime date={post.editedAt} />
              </a>
            ) : null}
            {isAnswer && flags.canAccept ? (
              <SolutionButton
                postId={post.id}
                intent={post.accepted ? "unaccept" : "accept"}
                label={post.accepted ? "Unaccept" : "Accept this answer"}
              />
            ) : null}
            {isAnswer && flags.canVerify && post.moderationState === "visible" ? (
              <SolutionButton
                postId={post.id}
                intent={post.verified ? "unverify" : "verify"}
                label={post.verified ? "Remove verification" : "Mark staff-verified"}
              />
            ) : null}
            {post.flaggedByMe ? (
              <span className="hint">You flagged this</span>
            ) : post.canFlag && post.moderationState === "visible" ? (
              // A link to a small page rather than a form per post: one anchor is cheap to render, 50 forms are not.
              <a href={`/posts/${post.id}/flag`} rel="nofollow">
                Flag
              </a>
            ) : null}
          </div>
          <span>
            {isAnswer ? "answered" : "asked"} by{" "}
            {post.authorIsStandIn ? post.author : <a href={`/users/${post.author}`}>{post.author}</a>}{" "}
            <StaffBadge role={post.authorRole} />{" "}
            <AuthorStanding reputation={post.authorReputation} badge={post.authorBadge} />{" "}
            <RelativeTime date={post.createdAt} />
          </span>
        </div>
        {post.comments ? (
          <ImportedComments
            postId={post.id}
            comments={post.comments}
            sourceUrl={post.importedFrom?.url ?? null}
            canRemove={flags.canRemoveComments}
            failure={commentFailure}
          />
        ) : null}
        {flags.canModerate ? (
          <div className="post-moderation">
            {post.openFlags > 0 ? (
              <a href="/mod" className="badge badge-flags">
                {post.openFlags === 1 ? "1 open flag" : `${post.openFlags} open flags`}
              </a>
            ) : null}
            <PostDecisionButtons postId={post.id} state={post.moderationState} flagged={post.openFlags > 0} />
          </div>
        ) : null}
      </div>
    </article>
  );
}

type PostViewProps = Parameters<typeof PostView>[0];

/** Every time the markup shows as an age ("3 hours ago"), in the order found. */
function agesShown(value: unknown, ages: string[]) {
  if (value instanceof Date) ages.push(formatAge(value));
  else if (Array.isArray(value)) for (const item of value) agesShown(item, ages);
  else if (value !== null && typeof value === "object") for (const item of Object.values(value)) agesShown(item, ages);
  return ages;
}

/**
 * A post of a thread page, its markup rendered once on the server for every reader who sees it the
 * same way: the key holds all the post's markup depends on, the reader's own state of it included
 * (their vote, whether it is theirs, what they may do to it). DECISIONS.md #92.
 */
export function ThreadPost(props: PostViewProps) {
  const { pathname, search } = useLocation();
  const bodies = useContext(PostBodiesInPage);
  const markupKey = () => {
    // A refused comment form shows its error in the post: that render is the one reader's.
    if (props.commentFailure || props.voting.pending.size > 0) return null;
    const body = props.post.bodyHtml ?? bodies?.get(props.post.id) ?? "";
    return {
      slot: `post ${props.post.id}`,
      inputs: [JSON.stringify([pathname, search, props.flags, props.post, agesShown(props.post, [])]), body],
    };
  };
  return (
    <ReusedMarkup markupKey={markupKey}>
      <PostView {...props} />
    </ReusedMarkup>
  );
}
