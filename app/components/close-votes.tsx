import { Form } from "@remix-run/react";
import { CLOSE_VOTE_REASON_LABELS } from "~/models/moderation/rules";

type CloseVotes = { count: number; needed: number; mine: keyof typeof CLOSE_VOTE_REASON_LABELS | null };

/**
 * A question's close votes: leaders vote with a reason or take their vote back; everyone else sees
 * how many have voted. Nothing once the question is closed.
 */
export function CloseVotePanel({
  closeVotes,
  canVote,
  error,
}: {
  closeVotes: CloseVotes;
  canVote: boolean;
  error: string | null | undefined;
}) {
  const tally = `${closeVotes.count} of ${closeVotes.needed} votes to close`;
  if (closeVotes.mine) {
    return (
      <Form method="post" className="inline-fields close-votes" preventScrollReset>
        <p>
          You voted to close this question: {CLOSE_VOTE_REASON_LABELS[closeVotes.mine]} ({tally}).
        </p>
        <button type="submit" name="intent" value="retract-close-vote" className="button button-secondary button-small">
          Take my vote back
        </button>
        {error ? (
          <p className="field-error" role="alert">
            {error}
          </p>
        ) : null}
      </Form>
    );
  }
  if (!canVote) return closeVotes.count > 0 ? <p className="hint close-votes">{tally}.</p> : null;
  return (
    <details className="mod-panel close-votes" open={Boolean(error)}>
      <summary>Vote to close ({tally})</summary>
      <Form method="post" preventScrollReset>
        <fieldset aria-describedby={error ? "close-vote-error" : undefined}>
          <legend>Why should this question be closed?</legend>
          {Object.entries(CLOSE_VOTE_REASON_LABELS).map(([value, label]) => (
            <label key={value} className="rating-option">
              <input type="radio" name="reason" value={value} required /> {label}
            </label>
          ))}
        </fieldset>
        {error ? (
          <p id="close-vote-error" className="field-error" role="alert">
            {error}
          </p>
        ) : null}
        <button type="submit" name="intent" value="close-vote" className="button button-secondary button-small">
          Vote to close
        </button>
      </Form>
    </details>
  );
}
