import type { MODERATION_STATE_LABELS } from "~/models/moderation/rules";
import { ModerationNotice } from "./moderation";

type ModerationState = keyof typeof MODERATION_STATE_LABELS;

/** What staff read on a post of the thread that the customer does not see as it is. */
const STAFF_MARKS: Partial<Record<ModerationState, string>> = {
  held: "Held for review — the customer does not see this yet",
  hidden: "Hidden by a moderator — the customer does not see it",
  deleted: "Deleted — only staff see it",
  waiting: "Waiting for its author to confirm their email address — nobody else sees it yet",
};

/**
 * The mark on a post of the thread shown on the follow-up page: for staff, whether the customer
 * sees it; for the customer, what their own held post says everywhere else.
 */
export function PostMark({
  post,
  staffView,
}: {
  post: { moderationState: ModerationState; isMine: boolean; hiddenByStaff?: true };
  staffView: boolean;
}) {
  if (!staffView)
    return <ModerationNotice state={post.moderationState} isAuthor={post.isMine} hiddenByStaff={post.hiddenByStaff} />;
  const mark = STAFF_MARKS[post.moderationState];
  return mark ? (
    <p className={`notice moderation-notice moderation-${post.moderationState}`} role="note">
      {mark}
    </p>
  ) : null;
}
