import { useFetchers, useSubmit } from "@remix-run/react";
import { useCallback, useMemo, type FormEvent } from "react";
import { unlockedAt } from "~/lib/trust-levels";

export type VoteHandler = (postId: number, value: number) => void;
export type Voting = { onVote: VoteHandler; pending: Map<number, number> };

/**
 * Up/down voting as plain forms: without JavaScript they post and the page reloads. With it, the
 * thread page's one `onVote` submits them as background fetches and passes the pending value back
 * as `pendingVote`, so the score changes in place at once; no hook per post keeps long threads cheap.
 */
export function VoteControls({
  postId,
  score,
  myVote,
  pendingVote,
  canVote,
  canVoteDown,
  signedIn,
  onVote,
}: {
  postId: number;
  score: number;
  myVote: number;
  pendingVote: number | undefined;
  canVote: boolean;
  /** False below the trust level that votes down: the button says what unlocks it. */
  canVoteDown: boolean;
  signedIn: boolean;
  onVote: VoteHandler;
}) {
  const shownVote = pendingVote ?? myVote;
  const shownScore = score - myVote + shownVote;
  const reason = signedIn ? "You cannot vote on your own post" : "Sign in to vote";
  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    // The clicked button's own value: browsers before 2023 ignore FormData's submitter argument.
    const submitter = (event.nativeEvent as SubmitEvent).submitter as HTMLButtonElement | null;
    if (submitter) onVote(postId, Number(submitter.value));
  };
  // One form per post, the clicked button sending its value: two forms with three hidden fields
  // each were a third of a long thread page's elements.
  const button = (value: 1 | -1, label: string, symbol: string) => {
    const pressed = shownVote === value;
    // A downvote cast before trust levels may still be taken back.
    const allowed = canVote && (value === 1 || canVoteDown || pressed);
    return (
      <button
        type="submit"
        name="value"
        value={pressed ? 0 : value}
        className="vote-button"
        aria-pressed={pressed}
        aria-label={pressed ? `Remove your ${label}` : label}
        title={allowed ? label : canVote ? `Voting down: ${unlockedAt("voteDown")}` : reason}
        disabled={!allowed}
      >
        {symbol}
      </button>
    );
  };
  return (
    <form method="post" className="votes" onSubmit={submit}>
      <input type="hidden" name="intent" value="vote" />
      <input type="hidden" name="postId" value={postId} />
      {button(1, "Upvote", "▲")}
      <span
        className="vote-score"
        aria-live="polite"
        aria-label={`Score ${shownScore}`}
        data-testid={`score-${postId}`}
      >
        {shownScore}
      </span>
      {button(-1, "Downvote", "▼")}
    </form>
  );
}

const VOTE_FETCHER_PREFIX = "vote-";

/** One submit function and one pending-vote map for every post on the page (see VoteControls). */
export function useVoting(): Voting {
  const submit = useSubmit();
  const fetchers = useFetchers();
  const pending = useMemo(() => {
    const votes = new Map<number, number>();
    for (const fetcher of fetchers) {
      if (fetcher.key.startsWith(VOTE_FETCHER_PREFIX) && fetcher.formData) {
        votes.set(Number(fetcher.formData.get("postId")), Number(fetcher.formData.get("value")));
      }
    }
    return votes;
  }, [fetchers]);
  const onVote = useCallback(
    (postId: number, value: number) =>
      submit(
        { intent: "vote", postId, value },
        { method: "post", navigate: false, fetcherKey: `${VOTE_FETCHER_PREFIX}${postId}`, preventScrollReset: true },
      ),
    [submit],
  );
  return { onVote, pending };
}
