import { Link } from "@remix-run/react";
import { RunningTotalChart } from "~/components/charts";
import { Pagination } from "~/components/pagination";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { REPUTATION_REASON_LABELS, type ReputationOnProfile } from "~/models/reputation/rules";

type Reputation = ReputationOnProfile;

const signed = (points: number) => (points > 0 ? `+${points}` : String(points));

/** A profile's reputation: how it grew, and what earned it, a page at a time. */
export function ReputationSection({ reputation, username }: { reputation: Reputation; username: string }) {
  const { history, growth, page, hasNextPage } = reputation;
  return (
    <section aria-labelledby="profile-reputation" id="reputation">
      <h2 id="profile-reputation" className="section-title">
        Reputation
      </h2>
      {history.length === 0 && page === 1 ? (
        <p>No reputation yet: it comes from votes on {username}&rsquo;s posts and from answers accepted.</p>
      ) : (
        <>
          <RunningTotalChart
            title={`${username}'s reputation over time`}
            points={growth}
            source="the table What earned it"
          />
          <div className="table-scroll">
            <table className="list-table">
              <caption>What earned it</caption>
              <thead>
                <tr>
                  <th scope="col">When</th>
                  <th scope="col">What</th>
                  <th scope="col" className="number">
                    Points
                  </th>
                </tr>
              </thead>
              <tbody>
                {history.map((event) => (
                  <tr key={event.id}>
                    <td className="number">
                      <RelativeTime date={event.createdAt} />
                    </td>
                    <td>
                      {REPUTATION_REASON_LABELS[event.reason]}
                      {(event.reason === "upvote" || event.reason === "downvote") && event.postKind
                        ? ` on ${event.postKind === "answer" ? "an answer" : "a question"}`
                        : null}
                      {event.thread ? (
                        <>
                          {": "}
                          <Link
                            to={`${threadPath(event.thread)}${event.postId && event.postKind === "answer" ? `#post-${event.postId}` : ""}`}
                          >
                            {event.thread.title}
                          </Link>
                        </>
                      ) : null}
                      {event.reason === "upvote" && event.points === 0 ? (
                        <span className="hint"> (daily limit reached)</span>
                      ) : null}
                    </td>
                    <td className="number">{signed(event.points)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination page={page} hasNextPage={hasNextPage} param="reputation" />
        </>
      )}
    </section>
  );
}
