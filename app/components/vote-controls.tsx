import { useFetcher } from "@remix-run/react";

type VoteResult = { score?: number; myVote?: number; formError?: string | null };

/**
 * Up/down voting as plain forms (they post and the page reloads without JavaScript); with
 * JavaScript a fetcher submits them and the score changes in place, optimistically.
 */
export function VoteControls({ postId, score, myVote, canVote, signedIn }: { postId: number; score: number; myVote: number; canVote: boolean; signedIn: boolean }) {
  const fetcher = useFetcher<VoteResult>();
  const pending = fetcher.formData ? Number(fetcher.formData.get("value")) : null;
  const shownVote = pending ?? fetcher.data?.myVote ?? myVote;
  const shownScore = pending !== null ? score - myVote + pending : (fetcher.data?.score ?? score);
  const reason = signedIn ? "You cannot vote on your own post" : "Sign in to vote";
  const button = (value: 1 | -1, label: string, symbol: string) => {
    const pressed = shownVote === value;
    return (
      <fetcher.Form method="post" preventScrollReset>
        <input type="hidden" name="intent" value="vote" />
        <input type="hidden" name="postId" value={postId} />
        <input type="hidden" name="value" value={pressed ? 0 : value} />
        <button type="submit" className="vote-button" aria-pressed={pressed} aria-label={pressed ? `Remove your ${label}` : label} title={canVote ? label : reason} disabled={!canVote}>
          {symbol}
        </button>
      </fetcher.Form>
    );
  };
  return (
    <div className="votes">
      {button(1, "Upvote", "▲")}
      <span className="vote-score" aria-live="polite" aria-label={`Score ${shownScore}`} data-testid={`score-${postId}`}>
        {shownScore}
      </span>
      {button(-1, "Downvote", "▼")}
      {fetcher.data?.formError ? <span role="alert" className="field-error">{fetcher.data.formError}</span> : null}
    </div>
  );
}
