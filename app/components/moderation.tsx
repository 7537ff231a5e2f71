import { Form } from "@remix-run/react";
import { MODERATION_STATE_LABELS, type PostDecision } from "~/models/moderation/rules";
import { SelectField, TextField } from "./ui/field";

type ModerationState = keyof typeof MODERATION_STATE_LABELS;

const DECISIONS_BY_STATE: Record<ModerationState, { decision: PostDecision; label: string }[]> = {
  visible: [
    { decision: "hide", label: "Hide" },
    { decision: "delete", label: "Delete" },
  ],
  held: [
    { decision: "approve", label: "Approve" },
    { decision: "hide", label: "Hide" },
    { decision: "delete", label: "Delete" },
  ],
  hidden: [
    { decision: "restore", label: "Restore" },
    { decision: "delete", label: "Delete" },
  ],
  deleted: [{ decision: "restore", label: "Restore" }],
  // Nobody but the author sees a waiting post, and confirmation releases it.
  waiting: [],
};

/** Approve / hide / delete / restore buttons for one post; `action` is the page that handles intent=moderate-post. */
export function PostDecisionButtons({
  postId,
  state,
  action,
  flagged = false,
}: {
  postId: number;
  state: ModerationState;
  action?: string;
  flagged?: boolean;
}) {
  const decisions = DECISIONS_BY_STATE[state];
  // A flagged post that stays visible is approved, which clears its flags.
  const shown =
    flagged && state === "visible"
      ? [{ decision: "approve" as const, label: "Keep (dismiss flags)" }, ...decisions]
      : decisions;
  return (
    <Form method="post" action={action} className="decision-buttons" preventScrollReset>
      <input type="hidden" name="intent" value="moderate-post" />
      <input type="hidden" name="postId" value={postId} />
      {shown.map(({ decision, label }) => (
        <button
          key={decision}
          type="submit"
          name="decision"
          value={decision}
          className={`button button-small ${decision === "delete" ? "button-danger" : "button-secondary"}`}
        >
          {label}
        </button>
      ))}
    </Form>
  );
}

/** What a held, hidden, deleted or waiting post says about itself to the people who can still see it. */
export function ModerationNotice({
  state,
  isAuthor,
  hiddenByStaff = false,
}: {
  state: ModerationState;
  isAuthor: boolean;
  /** Hidden by a staff decision, not by flags waiting for review. */
  hiddenByStaff?: boolean;
}) {
  if (state === "visible") return null;
  const text =
    state === "waiting"
      ? "Waiting for your email address: this will appear once you confirm it with the link we emailed you. Until then only you can see it."
      : state === "held"
        ? isAuthor
          ? "Waiting for review: a moderator will look at it shortly. Until then only you and staff can see it."
          : "Waiting for review: held until a moderator approves it."
        : state === "hidden" && hiddenByStaff
          ? isAuthor
            ? "Hidden by a moderator: only you and staff can see it."
            : "Hidden by a moderator."
          : state === "hidden"
            ? isAuthor
              ? "Hidden pending review: people flagged it, and staff will look at it. Until then only you and staff can see it."
              : "Hidden pending review."
            : "Deleted: only staff can see it, and they can restore it.";
  return (
    <p className={`notice moderation-notice moderation-${state}`} role="status">
      {text}
    </p>
  );
}

type ThreadState = {
  status: string;
  lockedAt: Date | string | null;
  pinnedAt: Date | string | null;
  categorySlug: string;
  tags: string[];
};
type FieldErrors = Record<string, string | undefined>;

/** Staff: lock, pin, close or reopen, close as a duplicate, move and retag a thread. */
export function ThreadModerationPanel({
  thread,
  categories,
  errors,
}: {
  thread: ThreadState;
  categories: { slug: string; name: string }[];
  errors: FieldErrors | null;
}) {
  const simple = (action: string, label: string) => (
    <Form method="post" className="inline-form">
      <input type="hidden" name="intent" value="moderate-thread" />
      <button type="submit" name="action" value={action} className="button button-secondary button-small">
        {label}
      </button>
    </Form>
  );
  return (
    <details className="mod-panel" open={Boolean(errors)}>
      <summary>Moderate this thread</summary>
      <div className="mod-actions">
        {thread.lockedAt ? simple("unlock", "Unlock") : simple("lock", "Lock (no new answers)")}
        {thread.pinnedAt ? simple("unpin", "Unpin") : simple("pin", "Pin to the top of lists")}
        {thread.status === "closed" ? simple("reopen", "Reopen") : null}
      </div>
      {thread.status !== "closed" ? (
        <Form method="post" className="mod-form">
          <input type="hidden" name="intent" value="moderate-thread" />
          <input type="hidden" name="action" value="close" />
          <TextField
            name="reason"
            id="close-reason"
            label="Close with a reason"
            maxLength={300}
            error={errors?.reason}
          />
          <button type="submit" className="button button-secondary button-small">
            Close
          </button>
        </Form>
      ) : null}
      <Form method="post" className="mod-form">
        <input type="hidden" name="intent" value="moderate-thread" />
        <input type="hidden" name="action" value="duplicate" />
        <TextField
          name="original"
          id="duplicate-original"
          label="Close as a duplicate of (address or number)"
          maxLength={500}
          error={errors?.original}
        />
        <button type="submit" className="button button-secondary button-small">
          Close as duplicate
        </button>
      </Form>
      <Form method="post" className="mod-form">
        <input type="hidden" name="intent" value="moderate-thread" />
        <input type="hidden" name="action" value="move" />
        <SelectField
          name="category"
          id="move-category"
          label="Move to category"
          defaultValue={thread.categorySlug}
          error={errors?.category}
          options={categories.map((category) => ({ value: category.slug, label: category.name }))}
        />
        <button type="submit" className="button button-secondary button-small">
          Move
        </button>
      </Form>
      <RetagForm tags={thread.tags} errors={errors} />
    </details>
  );
}

/** Staff, and members at the regular trust level, change a thread's tags. */
export function RetagForm({ tags, errors }: { tags: string[]; errors: FieldErrors | null }) {
  return (
    <Form method="post" className="mod-form">
      <input type="hidden" name="intent" value="moderate-thread" />
      <input type="hidden" name="action" value="retag" />
      <TextField
        name="tags"
        id="retag-tags"
        label="Tags (comma-separated)"
        defaultValue={tags.join(", ")}
        maxLength={200}
        error={errors?.tags}
      />
      <button type="submit" className="button button-secondary button-small">
        Retag
      </button>
    </Form>
  );
}
