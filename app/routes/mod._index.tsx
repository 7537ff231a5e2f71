import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { ModNav } from "~/components/mod-nav";
import { ModerationNotice, PostDecisionButtons } from "~/components/moderation";
import { Pagination } from "~/components/pagination";
import { RelativeTime } from "~/components/relative-time";
import { threadPath } from "~/components/thread-row";
import { FormError } from "~/components/ui/field";
import { formValues, parseInput } from "~/lib/forms.server";
import { rowIdField } from "~/lib/row-ids";
import { actionResult, loaderResult, requireSignedIn } from "~/lib/http.server";
import { mergeRouteHeaders } from "~/lib/route-headers";
import { decideOnPost, listReviewQueue } from "~/models/moderation/review.server";
import { FLAG_REASON_LABELS } from "~/models/moderation/rules";

export const headers = mergeRouteHeaders;

export const meta: MetaFunction = () => [{ title: "Review queue" }];

const pageSchema = z.coerce.number().int().min(1).max(10_000).catch(1);

export async function loader({ request, context }: LoaderFunctionArgs) {
  requireSignedIn(request, context);
  const page = pageSchema.parse(new URL(request.url).searchParams.get("page") ?? 1);
  return loaderResult(() => listReviewQueue(context.actor, page));
}

export async function action({ request, context }: ActionFunctionArgs) {
  const values = formValues(await request.formData());
  return actionResult(async () => {
    const { postId } = parseInput(z.object({ postId: rowIdField("Choose a post.") }), values);
    await decideOnPost(context.actor, postId, values);
    // Back to the same page of the queue (without Remix's "?index" marker of an index-route form).
    const url = new URL(request.url);
    url.searchParams.delete("index");
    return redirect(url.pathname + url.search, 303);
  }, values);
}

export default function ReviewQueue() {
  const { items, page, hasNextPage } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <h1>Moderation</h1>
      <ModNav />
      <p className="hint">
        Held posts from new members and flagged posts, oldest first. A decision resolves every open flag on the post.
      </p>
      <FormError message={result && !result.ok ? (result.formError ?? Object.values(result.fieldErrors)[0]) : null} />
      {items.length === 0 ? (
        <p className="empty-state">Nothing waits for review. Well kept!</p>
      ) : (
        <ol className="review-queue plain-list">
          {items.map((item) => (
            <li key={item.id} className="review-item" aria-labelledby={`review-${item.id}`}>
              <h2 id={`review-${item.id}`} className="review-title">
                {item.kind === "question" ? "Question" : "Answer"} in{" "}
                <Link to={`${threadPath({ id: item.threadId, slug: item.threadSlug })}#post-${item.id}`}>
                  {item.threadTitle}
                </Link>
              </h2>
              <p className="hint">
                Waiting since <RelativeTime date={item.reviewRequestedAt!} />, posted{" "}
                <RelativeTime date={item.createdAt} />
              </p>
              <ModerationNotice state={item.moderationState} isAuthor={false} />
              <div className="prose review-body" dangerouslySetInnerHTML={{ __html: item.bodyHtml }} />
              {item.flags.length > 0 ? (
                <ul className="flag-list" aria-label="Open flags">
                  {item.flags.map((flag, index) => (
                    <li key={index}>
                      <strong>{FLAG_REASON_LABELS[flag.reason]}</strong>{" "}
                      {flag.flagger ? (
                        <>
                          by <Link to={`/users/${flag.flagger}`}>{flag.flagger}</Link>
                        </>
                      ) : null}{" "}
                      <RelativeTime date={flag.createdAt} />
                      {flag.note ? <>: “{flag.note}”</> : null}
                    </li>
                  ))}
                </ul>
              ) : null}
              <p className="author-history">
                By <Link to={`/users/${item.author}`}>{item.author}</Link> ({item.authorRole}), joined{" "}
                <RelativeTime date={item.authorJoinedAt} />: {item.authorHistory.visible} visible,{" "}
                {item.authorHistory.held} held, {item.authorHistory.hidden} hidden, {item.authorHistory.deleted} deleted
                posts; {item.authorHistory.warnings} warnings, {item.authorHistory.suspensions} suspensions
                {item.authorSuspendedUntil && new Date(item.authorSuspendedUntil) > new Date() ? (
                  <strong> (suspended now)</strong>
                ) : null}
              </p>
              <div className="review-actions">
                <PostDecisionButtons postId={item.id} state={item.moderationState} flagged={item.flags.length > 0} />
                <a href={`/posts/${item.id}/edit`}>Edit</a>
                <a href={`/users/${item.author}#moderate`}>Warn or suspend {item.author}</a>
              </div>
            </li>
          ))}
        </ol>
      )}
      <Pagination page={page} hasNextPage={hasNextPage} />
    </>
  );
}
