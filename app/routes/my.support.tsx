import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { ExpectedReply, FollowUpItem, StatusAudience } from "~/components/follow-up";
import { RelativeTime } from "~/components/relative-time";
import { loaderResult, requireSignedIn } from "~/lib/http.server";
import { listMyFollowUps } from "~/models/support/queue.server";

export const meta: MetaFunction = () => [{ title: "My support requests" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  return loaderResult(async () => ({ followUps: await listMyFollowUps(context.actor) }));
}

const REFRESH_MS = 30_000;

/** Re-reads the page's data every REFRESH_MS while the tab is visible, so status changes show without a reload. */
function useLiveRefresh() {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === "visible" && state === "idle") revalidate();
    }, REFRESH_MS);
    return () => clearInterval(timer);
  }, [revalidate, state]);
}

export default function MySupport() {
  const { followUps } = useLoaderData<typeof loader>();
  useLiveRefresh();
  return (
    <>
      <h1>My support requests</h1>
      <p className="hint">
        When a question of yours needs our support team, it shows here with who has it and when to expect a reply.
      </p>
      {followUps.length === 0 ? (
        <p>Nothing open. If one of your questions is still unsolved, choose “I still need help” on it.</p>
      ) : (
        // Statuses in the customer's words (timeline.ts).
        <StatusAudience.Provider value="customer">
          <ul className="queue-list" aria-live="polite">
            {followUps.map((item) => (
              <FollowUpItem key={item.id} item={item}>
                {item.status === "resolved" ? null : (
                  <span>{item.assignee ? `${item.assignee} is on it` : "waiting for someone to take it"}</span>
                )}
                <ExpectedReply item={item} />
                <span>
                  opened <RelativeTime date={item.openedAt} />
                </span>
              </FollowUpItem>
            ))}
          </ul>
        </StatusAudience.Provider>
      )}
    </>
  );
}
